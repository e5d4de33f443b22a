// The autoscaling rehearsal's view: the per-second timeline of the load (bench/fleet/timeline.ts)
// and, when a Prometheus is given (--prometheus-url, env PROMETHEUS_URL), what the cluster did
// meanwhile: the HPA's desired and current replicas, GPU pods pending and GPU nodes, one value
// per second. The results JSON carries it all under `timeline`; the console gets a short table
// with the SLO thresholds marked. Inside a pod with a token (the rehearsal Job) it also lists the
// vLLM pods from the Kubernetes API while it runs (bench/fleet/kube-api.ts), saved under `replicas`:
// when each was created, scheduled, started and ready (bench/fleet/pods.ts). Plots belong to the
// report (bench/report), not here.
import type { z } from "zod";
import type { RequestRecord } from "../client/request";
import type { BenchmarkResult, clusterSecondSchema } from "../client/result";
import { DEFAULT_POD_SELECTOR, inClusterApi, watchPods } from "./kube-api";
import { replicaFromPod, replicaTable, type ReplicaStart } from "./pods";
import { timeline, type TimelineSecond } from "./timeline";

export type ClusterSecond = z.output<typeof clusterSecondSchema>;
/** What the fleet is doing in a second: at zero, waking (0 → 1), scaling out, steady, scaling in. */
export type FleetPhase = NonNullable<ClusterSecond["phase"]>;
export type RehearsalSecond = TimelineSecond & ClusterSecond;

// kube-state-metrics series (names as in its docs/metrics; the extended resource nvidia.com/gpu
// is sanitised to nvidia_com_gpu). The HPA is the one KEDA creates for the vLLM chart's ScaledObject
// "vllm", named keda-hpa-<ScaledObject> (kedacore/keda controllers/keda/hpa.go); set PROMETHEUS_HPA for another. bench/ does not import the monitoring content, so these are
// written here, as a client of any Prometheus would.
type PrometheusColumn = "hpa_desired_replicas" | "hpa_current_replicas" | "gpu_pods_pending" | "gpu_nodes";
function clusterQueries(hpa: string): Record<PrometheusColumn, string> {
  const sel = `horizontalpodautoscaler="${hpa.replace(/["\\]/g, "")}"`;
  return {
    hpa_desired_replicas: `sum(kube_horizontalpodautoscaler_status_desired_replicas{${sel}})`,
    hpa_current_replicas: `sum(kube_horizontalpodautoscaler_status_current_replicas{${sel}})`,
    gpu_pods_pending: `count((kube_pod_status_phase{phase="Pending"} == 1) and on (namespace, pod) (sum by (namespace, pod) (kube_pod_container_resource_requests{resource="nvidia_com_gpu"}) > 0)) or vector(0)`,
    gpu_nodes: `count(kube_node_status_capacity{resource="nvidia_com_gpu"} > 0) or vector(0)`,
  };
}

/** One value per second of [startS, startS + seconds) for each query (null where Prometheus has none). */
export async function readCluster(
  url: string,
  startS: number,
  seconds: number,
  hpa = process.env.PROMETHEUS_HPA || "keda-hpa-vllm",
): Promise<ClusterSecond[]> {
  const rows: ClusterSecond[] = Array.from({ length: seconds }, () => ({}));
  for (const [key, query] of Object.entries(clusterQueries(hpa)) as [PrometheusColumn, string][]) {
    // Prometheus answers at most 11,000 points per series: ask in chunks.
    for (let from = 0; from < seconds; from += 10_000) {
      const to = Math.min(seconds, from + 10_000) - 1;
      const body = new URLSearchParams({ query, start: String(startS + from), end: String(startS + to), step: "1" });
      const res = await fetch(`${url.replace(/\/$/, "")}/api/v1/query_range`, {
        method: "POST",
        body,
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok)
        throw new Error(`Prometheus ${url} answered ${res.status} to ${key}: ${(await res.text()).slice(0, 200)}`);
      const data = (await res.json()) as { data: { result: { values: [number, string][] }[] } };
      for (let i = from; i <= to; i++) rows[i][key] = null;
      for (const [t, v] of data.data.result[0]?.values ?? []) {
        const i = Math.round(t - startS);
        if (i >= 0 && i < seconds) rows[i][key] = Number(v);
      }
    }
  }
  return rows;
}

/** The timeline of a run, with the cluster's view beside it when a Prometheus is given. */
export async function rehearsalTimeline(
  records: RequestRecord[],
  durationS: number,
  startEpochMs: number,
  prometheus: { url?: string; hpa?: string; log: (l: string) => void },
): Promise<RehearsalSecond[]> {
  const rows: RehearsalSecond[] = timeline(records, durationS);
  if (!prometheus.url) return rows;
  try {
    const cluster = await readCluster(prometheus.url, Math.floor(startEpochMs / 1000), rows.length, prometheus.hpa);
    return rows.map((r, i) => ({ ...r, ...cluster[i] }));
  } catch (e) {
    prometheus.log(`warning: no cluster timeline (${(e as Error).message}); the load and latency timeline is complete`);
    return rows;
  }
}

/**
 * Inside a pod with a ServiceAccount token (the rehearsal Job, charts/benchmark), watch the vLLM
 * pods while the run lasts; `stop` gives one row per pod, times relative to the run's start.
 * Outside a cluster (no token), nothing.
 */
export function watchRehearsalPods(
  log: (l: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  dir?: string,
): { stop(startEpochMs: number): Promise<ReplicaStart[]> } | undefined {
  // The standard mount, unless the pod mounts its token elsewhere (REHEARSAL_SERVICE_ACCOUNT_DIR).
  const api = inClusterApi(env, dir ?? env.REHEARSAL_SERVICE_ACCOUNT_DIR);
  if (!api) return undefined;
  const w = watchPods(api, env.REHEARSAL_POD_SELECTOR || DEFAULT_POD_SELECTOR, {
    intervalMs: Number(env.REHEARSAL_POD_POLL_MS) || 5000,
    log,
  });
  return { stop: async (startEpochMs) => (await w.stop()).map((p) => replicaFromPod(p, startEpochMs)) };
}

/** The replica table a run put under a result's `replicas`, if any. */
export const resultReplicas = (result: Pick<BenchmarkResult, "replicas">): ReplicaStart[] | undefined =>
  result.replicas;

/** The rehearsal's console tables of a result: the timeline and, when known, the replicas. */
export function rehearsalReport(
  result: Pick<BenchmarkResult, "timeline" | "replicas">,
  thresholds: Record<string, number>,
): string | undefined {
  const rows = resultTimeline(result);
  if (!rows) return undefined;
  const replicas = resultReplicas(result);
  return [timelineTable(rows, thresholds), ...(replicas?.length ? [replicaTable(replicas)] : [])].join("\n");
}

/** The cluster's columns of `from` (a shard's timeline, `shiftS` seconds after the merged start) beside `rows`. */
export function withCluster(rows: TimelineSecond[], from: RehearsalSecond[], shiftS: number): RehearsalSecond[] {
  if (!from.some((r) => r.hpa_desired_replicas !== undefined)) return rows;
  return rows.map((r) => {
    const c = from[r.t - shiftS];
    return c
      ? {
          ...r,
          hpa_desired_replicas: c.hpa_desired_replicas,
          hpa_current_replicas: c.hpa_current_replicas,
          gpu_pods_pending: c.gpu_pods_pending,
          gpu_nodes: c.gpu_nodes,
        }
      : r;
  });
}

/** The timeline a run put under a result's `timeline` (rate_profile scenarios), if the result has one. */
export const resultTimeline = (result: Pick<BenchmarkResult, "timeline">): RehearsalSecond[] | undefined =>
  result.timeline;

/** A console table of the timeline: every k-th second's values, "!" where a P95 is above its threshold. */
export function timelineTable(rows: RehearsalSecond[], thresholds: Record<string, number>, maxRows = 40): string {
  const every = Math.max(1, Math.ceil(rows.length / maxRows));
  const ms = (v: number | null, limit?: number) =>
    v === null ? "-" : `${v.toFixed(0)}${limit !== undefined && v > limit ? "!" : ""}`;
  const cluster = rows.some((r) => r.hpa_desired_replicas !== undefined);
  const fleet = rows.some((r) => r.phase !== undefined);
  const head = [
    "t (s)",
    "sent/s",
    "done/s",
    "failed",
    "TTFT p50",
    "TTFT p95",
    "ITL p50",
    "ITL p95",
    ...(cluster ? ["HPA want", "HPA have", "GPU pods pending", "GPU nodes"] : []),
    ...(fleet ? ["ready", "phase"] : []),
  ];
  const lines = rows
    .filter((_, i) => i % every === 0)
    .map((r) => [
      String(r.t),
      String(r.started),
      String(r.completed),
      String(r.failed),
      ms(r.ttft_p50_ms),
      ms(r.ttft_p95_ms, thresholds.ttft_p95_ms),
      ms(r.itl_p50_ms),
      ms(r.itl_p95_ms, thresholds.itl_p95_ms),
      ...(cluster
        ? [r.hpa_desired_replicas, r.hpa_current_replicas, r.gpu_pods_pending, r.gpu_nodes].map((v) =>
            v === null || v === undefined ? "-" : String(v),
          )
        : []),
      ...(fleet ? [String(r.ready_replicas ?? "-"), r.phase ?? "-"] : []),
    ]);
  const width = head.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const fmt = (cells: string[]) => cells.map((x, c) => x.padStart(width[c])).join("  ");
  const slo = ["ttft_p95_ms", "itl_p95_ms"]
    .filter((k) => thresholds[k] !== undefined)
    .map((k) => `${k} ${thresholds[k]}`);
  return [
    `Timeline (every ${every} s${slo.length ? `; ! = above ${slo.join(", ")}` : ""}):`,
    fmt(head),
    ...lines.map(fmt),
  ].join("\n");
}
