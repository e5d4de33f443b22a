// The local rehearsal's scaling rule is the ScaledObject's: its constants are the chart's, and it
// wakes, scales and returns to zero the way KEDA and the HPA document.
import { describe, expect, it } from "vitest";
import { scaledObject } from "../../../charts/vllm/autoscaler";
import {
  HPA_SYNC_S,
  KEDA_POLLING_S,
  SCALE_DOWN_PERIOD_S,
  SCALE_UP_PERIOD_S,
  ScalingModel,
  type ScalingRule,
} from "../../../bench/fleet/scaling-rule";
import { propsFor } from "../../charts/fixtures";

const rule: ScalingRule = {
  minReplicas: 0,
  maxReplicas: 4,
  targetRequestsPerSecond: 5,
  scaleUpStabilizationSeconds: 60,
  scaleDownStabilizationSeconds: 600,
  idleToZero: false,
  activeWindow: { startS: 100, endS: 2000, replicas: 1 },
};

/** Run the model once per second over [from, to) with a rate per second; the replicas each second. */
function drive(m: ScalingModel, from: number, to: number, rate: (t: number) => number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t++) out.push(m.step(t, rate(t)));
  return out;
}

describe("the local rehearsal's scaling rule", () => {
  it("restates the chart's ScaledObject: policies, windows, no pollingInterval (KEDA's 30 s default)", () => {
    const so = scaledObject(propsFor().vllm);
    const b = so.spec.advanced!.horizontalPodAutoscalerConfig!.behavior!;
    expect(b.scaleUp!.policies).toEqual([{ type: "Pods", value: 1, periodSeconds: SCALE_UP_PERIOD_S }]);
    expect(b.scaleDown!.policies).toEqual([{ type: "Pods", value: 1, periodSeconds: SCALE_DOWN_PERIOD_S }]);
    expect(so.spec.pollingInterval).toBeUndefined();
    expect(KEDA_POLLING_S).toBe(30);
    expect(HPA_SYNC_S).toBe(15);
    expect(so.spec.cooldownPeriod).toBe(b.scaleDown!.stabilizationWindowSeconds);
    expect(so.spec.triggers[0].metadata.activationThreshold).toBe("0");
  });

  it("at zero, load alone does not wake it (nothing is served); the window does, at KEDA's next poll", () => {
    const m = new ScalingModel(rule, 0);
    expect(drive(m, 0, 100, () => 0).every((n) => n === 0)).toBe(true);
    const after = drive(m, 100, 200, () => 0);
    expect(after[0]).toBe(0); // the poll at 90 s saw the window closed; the next is at 120 s
    expect(after.indexOf(1)).toBe(20);
  });

  it("scales out to ceil(rate / target), one pod per 2 minutes after the up window, to maxReplicas", () => {
    const m = new ScalingModel(rule, 0);
    drive(m, 0, 200, () => 0);
    const n = drive(m, 200, 1000, () => 17); // ceil(17 / 5) = 4
    const firstUp = n.indexOf(2);
    expect(firstUp).toBeGreaterThanOrEqual(rule.scaleUpStabilizationSeconds - HPA_SYNC_S);
    expect(n.indexOf(3) - firstUp).toBeGreaterThanOrEqual(SCALE_UP_PERIOD_S);
    expect(n.indexOf(4) - n.indexOf(3)).toBeGreaterThanOrEqual(SCALE_UP_PERIOD_S);
    expect(Math.max(...n)).toBe(4);
  });

  it("within 10 % of the target the HPA holds", () => {
    const m = new ScalingModel({ ...rule, activeWindow: undefined }, 2);
    expect(drive(m, 0, 600, () => 10.9).every((n) => n === 2)).toBe(true);
  });

  it("scales in only after the down window, one pod per 5 minutes; to zero once idle for the cooldown outside the window", () => {
    const m = new ScalingModel(rule, 0);
    drive(m, 0, 200, () => 0);
    drive(m, 200, 1200, () => 17);
    expect(m.replicas).toBe(4);
    // Load falls to one pod's worth inside the window: down to 1, slowly.
    const down = drive(m, 1200, 2000, () => 4);
    expect(down.indexOf(3)).toBeGreaterThanOrEqual(rule.scaleDownStabilizationSeconds - HPA_SYNC_S);
    expect(down.at(-1)).toBeGreaterThan(1);
    // The window closes and the load stops: KEDA goes straight to 0 after the cooldown.
    const idle = drive(m, 2000, 3000, () => 0);
    const zeroAt = idle.indexOf(0);
    // (counted from the last poll that saw the load, up to one polling interval before it stopped)
    expect(zeroAt).toBeGreaterThanOrEqual(rule.scaleDownStabilizationSeconds - KEDA_POLLING_S);
    expect(zeroAt).toBeLessThan(rule.scaleDownStabilizationSeconds + KEDA_POLLING_S + 1);
  });

  it("minReplicas 1 stays at 1 when idle unless idleToZero", () => {
    const keep = new ScalingModel({ ...rule, minReplicas: 1, activeWindow: undefined }, 1);
    expect(drive(keep, 0, 3000, () => 0).at(-1)).toBe(1);
    const idle = new ScalingModel({ ...rule, minReplicas: 1, idleToZero: true, activeWindow: undefined }, 1);
    expect(drive(idle, 0, 3000, () => 0).at(-1)).toBe(0);
  });
});
