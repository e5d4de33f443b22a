// The signal the vLLM autoscaler follows: KEDA's Prometheus trigger on the served request rate.
// The PromQL is built from the catalog like every other query (one source of truth for names and windows).
import { VLLM_METRICS } from "./catalog";
import { monitoringConfig } from "./config";

/**
 * Finish reasons that count as served requests in the autoscaling signal: what the engine answered
 * in full (`stop`, `length`, and `repetition`, vLLM's stop by its repetition detector). Left out:
 * `abort` (the client went away: a disconnect or retry storm is not demand a new GPU serves) and
 * `error` (a failing pod must not look busy and buy GPUs). It is also what the benchmark counts as
 * completed, so `autoscaling.targetRequestsPerSecond`, sized from a benchmark run, compares like with
 * like. A saturated pod still completes at its capacity, above the target, so scale-up does not wait
 * on aborts. Reasons from vLLM's FINISH_REASON_STRINGS (vllm/v1/engine/__init__.py).
 */
export const AUTOSCALING_FINISHED_REASONS = ["stop", "length", "repetition"] as const;
/** Label matcher selecting those reasons. */
export const SERVED_REQUESTS = `finished_reason=~"${AUTOSCALING_FINISHED_REASONS.join("|")}"`;

/** The trigger's rate window (config.ts triggerRateWindow: 8 scrapes). */
export const TRIGGER_RATE_WINDOW = monitoringConfig.triggerRateWindow.duration;

/**
 * The external metric name KEDA gives the HPA for the request-rate trigger: `s<trigger index>-prometheus`
 * (kedacore/keda pkg/scalers/prometheus_scaler.go GenerateMetricNameWithIndex, commit 8b4f083, v2.20.x).
 * The vLLM ScaledObject lists that trigger first (charts/vllm/autoscaler.ts), hence index 0.
 */
export const HPA_REQUEST_RATE_METRIC = "s0-prometheus";

/**
 * Name of the cron trigger that keeps replicas inside `autoscaling.activeHours`: KEDA's metrics
 * carry it as their `scaler` label, which the capacity dashboard's schedule line selects.
 */
export const ACTIVE_HOURS_TRIGGER = "active-hours";

/**
 * The served request rate of one namespace's vLLM pods, summed: KEDA's Prometheus trigger query. With
 * `metricType: AverageValue` the HPA divides it by the ready pods, so the target stays per pod
 * (`autoscaling.targetRequestsPerSecond`). One number, as the scaler requires; 0 (not empty) when
 * no pod serves, so an idle service reads as idle rather than as a scaler error.
 */
export function requestRateTriggerQuery(namespace: string): string {
  const success = VLLM_METRICS.requestSuccess.name;
  const sel = `namespace="${namespace}",${monitoringConfig.vllmSelector},pod!="",${SERVED_REQUESTS}`;
  return `sum(rate(${success}{${sel}}[${TRIGGER_RATE_WINDOW}])) or vector(0)`;
}
