// Our autoscaling rule as plain arithmetic, for the local rehearsal (bench/fleet/local-fleet.ts): what
// KEDA and the HPA it creates decide from the vLLM ScaledObject (charts/vllm/autoscaler.ts), step by
// step. It is a model of their documented algorithms, not their code; the constants below restate the
// chart's and the upstream defaults (test/bench/fleet/scaling-rule.test.ts holds them equal to the chart).
//
// - KEDA (kedacore/keda v2.20, pkg/scaling/executor/scale_scaledobjects.go): polls every trigger every
//   pollingInterval (default 30 s). With every trigger inactive for cooldownPeriod it sets the
//   Deployment to 0 (minReplicaCount 0, or idleReplicaCount 0); from 0, any active trigger sets it to
//   max(minReplicaCount, 1). A Prometheus trigger is active above activationThreshold (ours: 0).
//   The cron trigger is active inside its window and asks for desiredReplicas.
// - The HPA (kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go, every 15 s): for an
//   AverageValue external metric, desired = ceil(value / target), unchanged within a 10 % tolerance;
//   the largest desire over metrics wins, clamped to [max(min, 1), max]. Behaviour: a scale-up takes
//   the lowest recommendation of the last scaleUp window, a scale-down the highest of the last
//   scaleDown window, then the policies limit the change (ours: one pod per 120 s up, per 300 s down).

/** The ScaledObject's settings (autoscaling.* in the stack config), in seconds. */
export interface ScalingRule {
  minReplicas: number;
  maxReplicas: number;
  targetRequestsPerSecond: number;
  scaleUpStabilizationSeconds: number;
  scaleDownStabilizationSeconds: number;
  /** KEDA idleReplicaCount 0 with minReplicas ≥ 1. */
  idleToZero: boolean;
  /**
   * The activeHours cron window, as seconds on the rehearsal's clock (a cron expression names wall-clock
   * times; the rehearsal places the window on its own timeline instead).
   */
  activeWindow?: { startS: number; endS: number; replicas: number };
}

/** KEDA's default pollingInterval (the ScaledObject leaves it unset). */
export const KEDA_POLLING_S = 30;
/** kube-controller-manager --horizontal-pod-autoscaler-sync-period default. */
export const HPA_SYNC_S = 15;
/** --horizontal-pod-autoscaler-tolerance default. */
export const HPA_TOLERANCE = 0.1;
/** The chart's behaviour policies: one pod per period. */
export const SCALE_UP_PERIOD_S = 120;
export const SCALE_DOWN_PERIOD_S = 300;

interface Change {
  atS: number;
  delta: number;
}

/** The replica count our ScaledObject would set, fed with the served request rate over time. */
export class ScalingModel {
  replicas = 0;
  private recommendations: { atS: number; n: number }[] = [];
  private changes: Change[] = [];
  private lastActiveS = -Infinity;
  private nextPollS = 0;
  private nextSyncS = 0;

  constructor(
    readonly rule: ScalingRule,
    initialReplicas = rule.minReplicas,
  ) {
    this.replicas = initialReplicas;
  }

  private cronActive(tS: number): boolean {
    const w = this.rule.activeWindow;
    return !!w && tS >= w.startS && tS < w.endS;
  }

  /** `byHpa`: the HPA's own changes are what its rate-limiting policies count (KEDA's 0 ↔ 1 is not one). */
  private set(tS: number, n: number, byHpa = false) {
    if (n !== this.replicas && byHpa) this.changes.push({ atS: tS, delta: n - this.replicas });
    this.replicas = n;
  }

  /**
   * Advance to `tS` (seconds on the rehearsal's clock), with `rate` the trigger's value now (served
   * requests/s summed over pods, as the Prometheus query returns it). Returns the replica count.
   */
  step(tS: number, rate: number): number {
    const r = this.rule;
    const zeroAllowed = r.minReplicas === 0 || r.idleToZero;
    if (tS >= this.nextPollS) {
      this.nextPollS = tS + KEDA_POLLING_S;
      const active = rate > 0 || this.cronActive(tS);
      if (active) this.lastActiveS = tS;
      if (this.replicas === 0 && active) {
        this.set(tS, Math.max(r.minReplicas, 1));
        this.recommendations = [];
        this.changes = [];
      } else if (
        this.replicas > 0 &&
        !active &&
        zeroAllowed &&
        tS - this.lastActiveS >= r.scaleDownStabilizationSeconds
      )
        this.set(tS, 0);
    }
    // The HPA acts only while KEDA keeps the Deployment above zero.
    if (this.replicas > 0 && tS >= this.nextSyncS) {
      this.nextSyncS = tS + HPA_SYNC_S;
      this.set(tS, this.hpaDecision(tS, rate), true);
    }
    return this.replicas;
  }

  private hpaDecision(tS: number, rate: number): number {
    const r = this.rule;
    const current = this.replicas;
    const ratio = rate / (r.targetRequestsPerSecond * current);
    let desired = Math.abs(ratio - 1) <= HPA_TOLERANCE ? current : Math.ceil(rate / r.targetRequestsPerSecond);
    if (this.cronActive(tS)) desired = Math.max(desired, r.activeWindow!.replicas);
    desired = Math.min(r.maxReplicas, Math.max(Math.max(r.minReplicas, 1), desired));
    this.recommendations.push({ atS: tS, n: desired });
    const keep = Math.max(r.scaleUpStabilizationSeconds, r.scaleDownStabilizationSeconds);
    this.recommendations = this.recommendations.filter((x) => x.atS > tS - keep);
    const within = (w: number) => this.recommendations.filter((x) => x.atS > tS - w || x.atS === tS).map((x) => x.n);
    const up = Math.min(...within(r.scaleUpStabilizationSeconds));
    const down = Math.max(...within(r.scaleDownStabilizationSeconds));
    let next = current;
    if (next < up) next = up;
    if (next > down) next = down;
    const moved = (period: number, sign: 1 | -1) =>
      this.changes
        .filter((c) => c.atS > tS - period && Math.sign(c.delta) === sign)
        .reduce((a, c) => a + Math.abs(c.delta), 0);
    if (next > current) next = Math.min(next, current - moved(SCALE_UP_PERIOD_S, 1) + 1);
    if (next < current) next = Math.max(next, current + moved(SCALE_DOWN_PERIOD_S, -1) - 1);
    return next;
  }
}
