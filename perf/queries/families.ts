// Every metric family the dashboards read, for the synthetic fleet: vLLM's engine and HTTP metrics
// (names and buckets from the simulator, which mirrors vLLM), dcgm-exporter, kube-state-metrics,
// cluster-autoscaler, the benchmark's Pushgateway series and `up`. Metrics no dashboard reads are
// left out; they would add index entries but no work to the queries measured.
import { ITL_BUCKETS, REQUEST_LATENCY_BUCKETS, TTFT_BUCKETS, tokenBuckets } from "../../bench/sim/vllm-metrics";
import {
  DCGM_NODE_LABEL,
  buildFleet,
  generationAt,
  gpuLabels,
  incarnation,
  vllmPodLabels,
  type Fleet,
  type FleetShape,
  type Labels,
  type Pod,
} from "./fleet";
import { podState, type LogNormal, type PodState } from "./load";
import {
  counterSeries,
  gaugeSeries,
  histogramSeries,
  perGeneration,
  type Family,
  type SeriesWriter,
} from "./openmetrics";

const MAX_MODEL_LEN = 8192;
const HPA_TARGET_RPS = 3;

/** The families, and `series()`: how many series they have written so far (replaced pods add some). */
export function buildFamilies(
  shape: FleetShape,
  benchRunEverySeconds = 6 * 3600,
  dataStart = 0,
): { fleet: Fleet; families: Family[]; series: () => number } {
  const fleet = buildFleet(shape);
  const state = (p: Pod, i: number) => (t: number) => podState(p, i, shape.podsPerDeployment, t);
  const pods = fleet.pods.map((p, i) => ({
    pod: p,
    at: state(p, i),
    gen: (t: number) => generationAt(shape, i, fleet.pods.length, t),
  }));
  let series = 0;
  /** Adds a writer's series (its lines per sample: a histogram has many) the first time it writes. */
  const counting = (w: SeriesWriter): SeriesWriter => {
    let seen = false;
    return (t, dt, out) => {
      const before = out.length;
      w(t, dt, out);
      if (!seen && out.length > before) {
        seen = true;
        series += out.length - before;
      }
    };
  };
  /** A per-pod writer that follows the pod in `slot` through its replacements, counting each one. */
  const churned = new Set<SeriesWriter>();
  const churn = (slot: { pod: Pod; gen: (t: number) => number }, make: (pod: Pod) => SeriesWriter) => {
    const w = perGeneration(slot.gen, (g) => counting(make(incarnation(slot.pod, g))));
    churned.add(w);
    return w;
  };
  const families: Family[] = [];
  const family = (name: string, type: Family["type"], help: string, series: Family["series"]) =>
    families.push({ name, type, help, series });

  // vLLM engine metrics.
  const hist = (name: string, buckets: readonly number[], pick: (s: PodState) => LogNormal) =>
    family(
      name,
      "histogram",
      name,
      pods.map((p) =>
        churn(p, (pod) =>
          histogramSeries(
            name,
            vllmPodLabels(pod),
            buckets,
            (t) => p.at(t).rate,
            (t) => pick(p.at(t)),
          ),
        ),
      ),
    );
  hist("vllm:time_to_first_token_seconds", TTFT_BUCKETS, (s) => s.ttft);
  hist("vllm:inter_token_latency_seconds", ITL_BUCKETS, (s) => s.itl);
  hist("vllm:request_time_per_output_token_seconds", ITL_BUCKETS, (s) => s.tpot);
  hist("vllm:e2e_request_latency_seconds", REQUEST_LATENCY_BUCKETS, (s) => s.e2e);
  hist("vllm:request_queue_time_seconds", REQUEST_LATENCY_BUCKETS, (s) => s.queue);
  hist("vllm:request_inference_time_seconds", REQUEST_LATENCY_BUCKETS, (s) => ({
    median: s.e2e.median - s.queue.median,
    sigma: s.e2e.sigma,
  }));
  hist("vllm:request_prefill_time_seconds", REQUEST_LATENCY_BUCKETS, (s) => s.prefill);
  hist("vllm:request_decode_time_seconds", REQUEST_LATENCY_BUCKETS, (s) => s.decode);
  const tok = tokenBuckets(MAX_MODEL_LEN);
  hist("vllm:request_prompt_tokens", tok, (s) => s.promptTokens);
  hist("vllm:request_generation_tokens", tok, (s) => s.generationTokens);
  hist("vllm:request_params_max_tokens", tok, (s) => s.maxTokens);

  const perPod = (name: string, type: "counter" | "gauge", value: (s: PodState) => number, extra: Labels = {}) =>
    family(
      name,
      type,
      name,
      pods.map((p) =>
        churn(p, (pod) =>
          (type === "counter" ? counterSeries : gaugeSeries)(name, { ...vllmPodLabels(pod), ...extra }, (t) =>
            value(p.at(t)),
          ),
        ),
      ),
    );
  perPod("vllm:num_requests_running", "gauge", (s) => s.running);
  perPod("vllm:num_requests_waiting", "gauge", (s) => s.waiting);
  perPod("vllm:kv_cache_usage_perc", "gauge", (s) => s.kvCacheUsage);
  perPod("vllm:prompt_tokens", "counter", (s) => s.rate * s.promptTokens.median * 1.3);
  perPod("vllm:generation_tokens", "counter", (s) => s.rate * s.generationTokens.median * 1.2);
  perPod("vllm:num_preemptions", "counter", (s) => (s.kvCacheUsage > 0.9 ? s.rate * 0.02 : 0));
  perPod("vllm:prefix_cache_queries", "counter", (s) => s.rate * s.promptTokens.median * 1.3);
  perPod("vllm:prefix_cache_hits", "counter", (s) => s.rate * s.promptTokens.median * 0.4);
  const reasons = { stop: 0.86, length: 0.13, abort: 0.01 };
  family(
    "vllm:request_success",
    "counter",
    "vllm:request_success",
    pods.flatMap((p) =>
      Object.entries(reasons).map(([reason, share]) =>
        churn(p, (pod) =>
          counterSeries(
            "vllm:request_success",
            { ...vllmPodLabels(pod), finished_reason: reason },
            (t) => p.at(t).rate * share,
          ),
        ),
      ),
    ),
  );
  const http = [
    { handler: "/v1/chat/completions", status: "2xx", share: 0.9 },
    { handler: "/v1/completions", status: "2xx", share: 0.08 },
    { handler: "/v1/chat/completions", status: "4xx", share: 0.015 },
    { handler: "/v1/chat/completions", status: "5xx", share: 0.005 },
  ];
  family(
    "http_requests",
    "counter",
    "http_requests",
    pods.flatMap((p) =>
      http.map(({ handler, status, share }) =>
        churn(p, (pod) =>
          counterSeries(
            "http_requests",
            { ...scrapeLabels(pod), handler, method: "POST", status },
            (t) => p.at(t).rate * share,
          ),
        ),
      ),
    ),
  );

  // dcgm-exporter: one series per GPU and field, driven by the load of the pod holding the GPU.
  // With pod mapping on, a GPU's series carry the pod's name: a replaced pod starts new ones.
  const slotOf = new Map(pods.map((p) => [p.pod, p]));
  const dcgm = (name: string, value: (s: PodState, gpu: number) => number) =>
    family(
      name,
      "gauge",
      name,
      fleet.gpus.map((g) => {
        const slot = slotOf.get(g.pod)!;
        return churn(slot, (pod) => gaugeSeries(name, gpuLabels({ ...g, pod }), (t) => value(slot.at(t), g.index)));
      }),
    );
  const FB_TOTAL_MIB = 46_068;
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  dcgm("DCGM_FI_DEV_GPU_UTIL", (s, g) => Math.round(clamp(20 + 75 * s.load + (g % 3), 0, 100)));
  dcgm("DCGM_FI_DEV_MEM_COPY_UTIL", (s) => Math.round(clamp(10 + 50 * s.load, 0, 100)));
  dcgm("DCGM_FI_DEV_FB_USED", () => Math.round(FB_TOTAL_MIB * 0.9));
  dcgm("DCGM_FI_DEV_FB_FREE", () => FB_TOTAL_MIB - Math.round(FB_TOTAL_MIB * 0.9));
  dcgm("DCGM_FI_DEV_POWER_USAGE", (s, g) => 90 + 230 * clamp(s.load, 0, 1) + g);
  dcgm("DCGM_FI_DEV_GPU_TEMP", (s) => Math.round(40 + 35 * clamp(s.load, 0, 1)));
  dcgm("DCGM_FI_DEV_XID_ERRORS", () => 0);
  dcgm("DCGM_FI_PROF_GR_ENGINE_ACTIVE", (s) => clamp(0.15 + 0.8 * s.load, 0, 1));
  dcgm("DCGM_FI_PROF_DRAM_ACTIVE", (s) => clamp(0.1 + 0.5 * s.load, 0, 1));

  // kube-state-metrics (honorLabels: object labels win, the exporter's own pod label stays on the rest).
  const ksm: Labels = {
    job: "kube-state-metrics",
    instance: "10.0.1.20:8080",
    service: "kube-prometheus-stack-kube-state-metrics",
    endpoint: "http",
    container: "kube-state-metrics",
  };
  const deploymentRate = (d: (typeof fleet.deployments)[number]) => (t: number) =>
    pods.filter((p) => p.pod.deployment === d).reduce((a, p) => a + p.at(t).rate, 0);
  const hpaSeries = (name: string, value: (rate: number) => number, extra: Labels = {}) =>
    family(
      name,
      "gauge",
      name,
      fleet.deployments.map((d) => {
        const rate = deploymentRate(d);
        return gaugeSeries(
          name,
          {
            ...ksm,
            pod: "kube-state-metrics-5d8f7c9b4-q2x7z",
            namespace: d.namespace,
            // KEDA names the HPA of a ScaledObject keda-hpa-<ScaledObject> (the chart's ScaledObject is the Service's name).
            horizontalpodautoscaler: `keda-hpa-${d.service}`,
            ...extra,
          },
          (t) => value(rate(t)),
        );
      }),
    );
  const maxReplicas = shape.podsPerDeployment + 4;
  const desired = (rate: number) => clamp(Math.ceil(rate / HPA_TARGET_RPS), 1, maxReplicas);
  hpaSeries("kube_horizontalpodautoscaler_status_current_replicas", () => shape.podsPerDeployment);
  hpaSeries("kube_horizontalpodautoscaler_status_desired_replicas", desired);
  hpaSeries("kube_horizontalpodautoscaler_spec_min_replicas", () => 1);
  hpaSeries("kube_horizontalpodautoscaler_spec_max_replicas", () => maxReplicas);
  hpaSeries("kube_horizontalpodautoscaler_spec_target_metric", () => HPA_TARGET_RPS, {
    // KEDA's external metric name for the ScaledObject's first trigger (monitoring/autoscaling.ts).
    metric_name: "s0-prometheus",
    metric_target_type: "average",
  });
  // One GPU pod per deployment stays Pending all day: the cluster is at its GPU node limit.
  const pending = fleet.deployments.map((d) => ({
    pod: { deployment: d, name: `${d.service}-6f9c0000-pend0`, node: "", ip: "", weight: 0 },
    gen: () => 0,
  }));
  const podRows = [
    ...pods.map((p) => ({ ...p, phase: "Running" })),
    ...pending.map((p) => ({ ...p, phase: "Pending" })),
  ];
  const ksmPod = (pod: Pod, i: number) => ({
    ...ksm,
    namespace: pod.deployment.namespace,
    pod: pod.name,
    uid: `0c1d${i}-${pod.name.slice(-5)}`,
  });
  family(
    "kube_pod_status_phase",
    "gauge",
    "kube_pod_status_phase",
    podRows.flatMap((r, i) =>
      ["Pending", "Running", "Succeeded", "Failed", "Unknown"].map((phase) =>
        churn(r, (pod) =>
          gaugeSeries("kube_pod_status_phase", { ...ksmPod(pod, i), phase }, () => (phase === r.phase ? 1 : 0)),
        ),
      ),
    ),
  );
  family(
    "kube_pod_container_resource_requests",
    "gauge",
    "kube_pod_container_resource_requests",
    podRows.flatMap((r, i) =>
      (
        [
          ["nvidia_com_gpu", "integer", shape.gpusPerPod],
          ["cpu", "core", 8],
          ["memory", "byte", 64 * 2 ** 30],
        ] as const
      ).map(([resource, unit, v]) =>
        churn(r, (pod) =>
          gaugeSeries(
            "kube_pod_container_resource_requests",
            { ...ksmPod(pod, i), container: "vllm", node: pod.node, resource, unit },
            () => v,
          ),
        ),
      ),
    ),
  );
  family(
    "kube_node_status_capacity",
    "gauge",
    "kube_node_status_capacity",
    [
      ...fleet.nodes.map((n) => [n, shape.gpusPerNode] as const),
      ["ip-10-0-1-5.ec2.internal", 0] as const,
      ["ip-10-0-2-6.ec2.internal", 0] as const,
    ].flatMap(([node, gpus]) =>
      (
        [
          ["nvidia_com_gpu", "integer", gpus],
          ["cpu", "core", gpus ? 192 : 4],
          ["memory", "byte", (gpus ? 768 : 16) * 2 ** 30],
          ["pods", "integer", 110],
        ] as const
      )
        .filter(([, , v]) => v > 0)
        .map(([resource, unit, v]) =>
          gaugeSeries("kube_node_status_capacity", { ...ksm, node, resource, unit }, () => v),
        ),
    ),
  );

  // cluster-autoscaler: a scale-up attempt in the afternoon peak, a scale-down at night.
  const ca: Labels = {
    job: "cluster-autoscaler",
    instance: "10.0.1.21:8085",
    namespace: "kube-system",
    service: "cluster-autoscaler",
    endpoint: "http",
    container: "cluster-autoscaler",
  };
  const peak = (t: number) => (((t / 3600) % 24) + 24) % 24 >= 14 && (((t / 3600) % 24) + 24) % 24 < 18;
  family("cluster_autoscaler_unschedulable_pods_count", "gauge", "unschedulable pods", [
    gaugeSeries("cluster_autoscaler_unschedulable_pods_count", { ...ca, type: "unschedulable" }, (t) =>
      peak(t) ? fleet.deployments.length : 0,
    ),
  ]);
  family(
    "cluster_autoscaler_nodes_count",
    "gauge",
    "nodes",
    ["ready", "unready", "notStarted", "longUnregistered", "unregistered"].map((s) =>
      gaugeSeries("cluster_autoscaler_nodes_count", { ...ca, state: s }, (t) =>
        s === "ready" ? fleet.nodes.length + 2 : s === "notStarted" && peak(t) ? 1 : 0,
      ),
    ),
  );
  family("cluster_autoscaler_scaled_up_nodes", "counter", "nodes added", [
    counterSeries("cluster_autoscaler_scaled_up_nodes", ca, (t) => (peak(t) ? 1 / 3600 : 0)),
  ]);
  family("cluster_autoscaler_scaled_down_nodes", "counter", "nodes removed", [
    counterSeries("cluster_autoscaler_scaled_down_nodes", { ...ca, reason: "underutilized" }, (t) =>
      peak(t) ? 0 : 1 / 7200,
    ),
  ]);

  // Benchmark runs pushed to the Pushgateway (grouped by run_id and scenario, so every run stays).
  const runs = benchRuns(dataStart, benchRunEverySeconds);
  const benchGauge = (name: string, value: (scenario: string, i: number) => number, thresholds?: string[]) =>
    family(
      name,
      "gauge",
      name,
      runs.flatMap(({ runId, scenario, at, i }) =>
        (thresholds ?? [""]).map((threshold) => {
          const labels: Labels = { job: "vllm-bench", run_id: runId, scenario, ...(threshold ? { threshold } : {}) };
          const write = gaugeSeries(
            name,
            labels,
            () => value(scenario, i) + (threshold === "ttft_p95_ms" && i % 5 === 4 ? -1 : 0),
          );
          // A pushed group exists from its push onwards.
          return (t: number, dt: number, out: string[]) => (t >= at ? write(t, dt, out) : undefined);
        }),
      ),
    );
  benchGauge("vllm_bench_threshold_passed", () => 1, ["ttft_p95_ms", "tpot_mean_ms", "e2el_p95_ms", "success_rate"]);
  benchGauge("vllm_bench_request_throughput", (s, i) => (s === "smoke" ? 9 : 42) + (i % 3));
  benchGauge("vllm_bench_output_throughput", (s, i) => (s === "smoke" ? 1150 : 5300) + 40 * (i % 4));
  benchGauge("vllm_bench_success_rate", () => 0.998);
  benchGauge("vllm_bench_ttft_p95_seconds", (s) => (s === "smoke" ? 0.21 : 0.48));
  benchGauge("vllm_bench_tpot_mean_seconds", () => 0.021);
  benchGauge("vllm_bench_e2el_p95_seconds", (s) => (s === "smoke" ? 2.1 : 6.4));
  const byRun = new Map(runs.map((r) => [`${r.scenario}/${r.i}`, r.at]));
  benchGauge("vllm_bench_last_run_timestamp_seconds", (s, i) => byRun.get(`${s}/${i}`)! + 300);

  // The capacity plan Job's push (one group per model, pushed once at the data's start).
  const models = [...new Set(fleet.deployments.map((d) => d.model))];
  for (const [name, v] of [
    ["vllm_bench_plan_sustainable_requests_per_second", 12.5],
    ["vllm_bench_plan_target_requests_per_second", 7.5],
  ] as const)
    family(
      name,
      "gauge",
      name,
      models.map((model_name) => gaugeSeries(name, { job: "vllm-bench-plan", model_name }, () => v)),
    );

  // up, one per scrape target.
  family("up", "gauge", "up", [
    ...pods.map((p) => churn(p, (pod) => gaugeSeries("up", scrapeLabels(pod), () => 1))),
    ...fleet.nodes.map((n) =>
      gaugeSeries(
        "up",
        {
          ...gpuLabels(fleet.gpus.find((g) => g.node === n)!),
          gpu: "",
          UUID: "",
          device: "",
          modelName: "",
          [DCGM_NODE_LABEL]: "",
          DCGM_FI_DRIVER_VERSION: "",
          namespace: "gpu-operator",
          pod: `nvidia-dcgm-exporter-${n.slice(3, 12)}`,
          container: "exporter",
        },
        () => 1,
      ),
    ),
    gaugeSeries("up", { ...ksm, namespace: "monitoring", pod: "kube-state-metrics-5d8f7c9b4-q2x7z" }, () => 1),
    gaugeSeries("up", ca, () => 1),
    gaugeSeries(
      "up",
      {
        job: "pushgateway",
        instance: "10.0.1.22:9091",
        namespace: "monitoring",
        service: "pushgateway",
        endpoint: "http",
      },
      () => 1,
    ),
  ]);
  // The rest count once, when they first write (benchmark runs pushed after the data's end never do).
  for (const f of families) f.series = f.series.map((w) => (churned.has(w) ? w : counting(w)));
  return { fleet, families, series: () => series };
}

/** The target labels `up` and the HTTP metrics carry (the engine's own labels are not on them). */
function scrapeLabels(pod: Pod): Labels {
  return Object.fromEntries(Object.entries(vllmPodLabels(pod)).filter(([k]) => k !== "model_name" && k !== "engine"));
}

function benchRuns(dataStart: number, every: number) {
  const runs: Array<{ runId: string; scenario: string; at: number; i: number }> = [];
  for (let i = 0; i < 64; i++)
    for (const scenario of ["smoke", "sharegpt-chat"])
      runs.push({
        runId: `run-${i}-${scenario}`,
        scenario,
        at: dataStart + i * every + (scenario === "smoke" ? 600 : 1800),
        i,
      });
  return runs;
}
