// prometheus-adapter discovery rules: the custom metrics the vLLM HPA scales on. The PromQL is
// built from the catalog like every other query (one source of truth for names and windows).
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

/** Custom metrics API name of the per-pod request rate the HPA targets (autoscaling.targetRequestsPerSecond). */
export const HPA_REQUEST_RATE_METRIC = "vllm_requests_per_second";
/** Custom metrics API name of the per-pod waiting-queue length (a second HPA metric users may add). */
export const HPA_WAITING_METRIC = "vllm_requests_waiting";

/** The adapter's rate window (config.ts adapterRateWindow: 8 scrapes). */
export const ADAPTER_RATE_WINDOW = monitoringConfig.adapterRateWindow.duration;

export interface AdapterRule {
  seriesQuery: string;
  resources: { overrides: Record<string, { resource: string }> };
  name: { matches: string; as: string };
  metricsQuery: string;
}

const podResources = { overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } } };

/** prometheus-adapter Helm values `rules.custom`. `<<.Series>>` etc. are the adapter's own template. */
export function adapterRules(): AdapterRule[] {
  const success = VLLM_METRICS.requestSuccess.name;
  const waiting = VLLM_METRICS.waiting.name;
  return [
    {
      seriesQuery: `{__name__="${success}",namespace!="",pod!=""}`,
      resources: podResources,
      name: { matches: `^${success}$`, as: HPA_REQUEST_RATE_METRIC },
      metricsQuery: `sum(rate(<<.Series>>{<<.LabelMatchers>>,${SERVED_REQUESTS}}[${ADAPTER_RATE_WINDOW}])) by (<<.GroupBy>>)`,
    },
    {
      seriesQuery: `{__name__="${waiting}",namespace!="",pod!=""}`,
      resources: podResources,
      name: { matches: `^${waiting}$`, as: HPA_WAITING_METRIC },
      metricsQuery: `sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)`,
    },
  ];
}

/** The adapter query as Prometheus runs it for one namespace (tests evaluate it against a real Prometheus). */
export function expandAdapterQuery(rule: AdapterRule, namespace: string): string {
  const series = rule.seriesQuery.match(/__name__="([^"]+)"/)?.[1];
  if (!series) throw new Error(`adapter rule has no __name__ in its seriesQuery: ${rule.seriesQuery}`);
  return rule.metricsQuery
    .replace("<<.Series>>", series)
    .replace("<<.LabelMatchers>>", `namespace="${namespace}",pod!=""`)
    .replace("<<.GroupBy>>", "pod");
}
