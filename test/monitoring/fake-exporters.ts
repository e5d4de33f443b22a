// One loopback HTTP server exposing what cannot run here, with the real exporters' metric names
// and labels: dcgm-exporter (with pod mapping), kube-state-metrics (HPA, pods, nodes),
// cluster-autoscaler, and a Pushgateway holding one benchmark run. Scraped with honor_labels.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** The GPU nodes the fake dcgm-exporter reports, by the spelling of their node label. */
export const FAKE_GPU_NODES = { lower: "ip-10-0-1-5", upper: "ip-10-0-2-6" } as const;

/** The model of the pushed plan: the simulator's default served model, which the e2e test runs. */
const PLAN_MODEL = "Qwen/Qwen2.5-1.5B-Instruct";
const fmt = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;

function exposition(namespace: string): string {
  const lines: string[] = [];
  const gauge = (name: string, samples: Array<[Record<string, string>, number]>) => {
    lines.push(`# TYPE ${name} gauge`);
    for (const [l, v] of samples) lines.push(`${name}${fmt(l)} ${v}`);
  };
  // Two GPU nodes, one per spelling of dcgm-exporter's node label: `hostname` (after 4.8.2) and
  // `Hostname` (every release up to 4.8.2, NVIDIA/dcgm-exporter commit d5e5f51).
  const gpus: Record<string, string>[] = [
    ...[0, 1].map((i) => ({
      gpu: String(i),
      UUID: `GPU-${i}`,
      modelName: "NVIDIA L4",
      hostname: FAKE_GPU_NODES.lower,
      namespace,
      pod: `vllm-${i}`,
      container: "vllm",
    })),
    {
      gpu: "0",
      UUID: "GPU-2",
      modelName: "NVIDIA L4",
      Hostname: FAKE_GPU_NODES.upper,
      namespace,
      pod: "vllm-3",
      container: "vllm",
    },
  ];
  const perGpu = (v: (i: number) => number) => gpus.map((g, i) => [g, v(i)] as [Record<string, string>, number]);
  gauge(
    "DCGM_FI_DEV_GPU_UTIL",
    perGpu((i) => 60 + i * 10),
  );
  gauge(
    "DCGM_FI_DEV_MEM_COPY_UTIL",
    perGpu(() => 35),
  );
  gauge(
    "DCGM_FI_DEV_FB_USED",
    perGpu(() => 20500),
  );
  gauge(
    "DCGM_FI_DEV_FB_FREE",
    perGpu(() => 2000),
  );
  gauge(
    "DCGM_FI_DEV_POWER_USAGE",
    perGpu(() => 62.5),
  );
  gauge(
    "DCGM_FI_DEV_GPU_TEMP",
    perGpu(() => 58),
  );
  gauge(
    "DCGM_FI_DEV_XID_ERRORS",
    perGpu(() => 0),
  );
  gauge(
    "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
    perGpu(() => 0.7),
  );
  gauge(
    "DCGM_FI_PROF_DRAM_ACTIVE",
    perGpu(() => 0.4),
  );

  const hpa = { namespace, horizontalpodautoscaler: "keda-hpa-vllm" };
  gauge("kube_horizontalpodautoscaler_status_current_replicas", [[hpa, 2]]);
  gauge("kube_horizontalpodautoscaler_status_desired_replicas", [[hpa, 2]]);
  gauge("kube_horizontalpodautoscaler_spec_min_replicas", [[hpa, 1]]);
  gauge("kube_horizontalpodautoscaler_spec_max_replicas", [[hpa, 4]]);
  gauge("kube_horizontalpodautoscaler_spec_target_metric", [
    [{ ...hpa, metric_name: "s0-prometheus", metric_target_type: "average" }, 5],
  ]);
  gauge(
    "kube_pod_status_phase",
    ["Pending", "Running", "Succeeded", "Failed", "Unknown"].map((phase) => [
      { namespace, pod: "vllm-2", uid: "u2", phase },
      phase === "Pending" ? 1 : 0,
    ]),
  );
  gauge("kube_pod_container_resource_requests", [
    [
      { namespace, pod: "vllm-2", uid: "u2", container: "vllm", node: "", resource: "nvidia_com_gpu", unit: "integer" },
      1,
    ],
  ]);
  gauge("kube_node_status_capacity", [[{ node: "ip-10-0-1-5", resource: "nvidia_com_gpu", unit: "integer" }, 2]]);

  gauge("cluster_autoscaler_unschedulable_pods_count", [[{ type: "unschedulable" }, 1]]);
  gauge("cluster_autoscaler_nodes_count", [
    [{ state: "ready" }, 3],
    [{ state: "notStarted" }, 1],
  ]);
  lines.push("# TYPE cluster_autoscaler_scaled_up_nodes_total counter", "cluster_autoscaler_scaled_up_nodes_total 2");
  lines.push(
    "# TYPE cluster_autoscaler_scaled_down_nodes_total counter",
    `cluster_autoscaler_scaled_down_nodes_total${fmt({ reason: "underutilized" })} 1`,
  );

  const run = { job: "vllm-bench", run_id: "r1", scenario: "smoke" };
  gauge("vllm_bench_threshold_passed", [
    [{ ...run, threshold: "ttft_p95_ms" }, 1],
    [{ ...run, threshold: "success_rate" }, 0],
  ]);
  gauge("vllm_bench_request_throughput", [[run, 9.5]]);
  gauge("vllm_bench_output_throughput", [[run, 1200]]);
  gauge("vllm_bench_success_rate", [[run, 0.99]]);
  gauge("vllm_bench_ttft_p95_seconds", [[run, 0.21]]);
  gauge("vllm_bench_tpot_mean_seconds", [[run, 0.017]]);
  gauge("vllm_bench_e2el_p95_seconds", [[run, 2.1]]);
  gauge("vllm_bench_last_run_timestamp_seconds", [[run, Math.floor(Date.now() / 1000)]]);
  // A capacity plan pushed by `vllm-bench plan` (grouping key job + model_name, see bench/plan/plan.ts).
  const plan = { job: "vllm-bench-plan", model_name: PLAN_MODEL };
  gauge("vllm_bench_plan_sustainable_requests_per_second", [[plan, 12.5]]);
  gauge("vllm_bench_plan_target_requests_per_second", [[plan, 7.5]]);
  return lines.join("\n") + "\n";
}

export async function startFakeExporters(namespace: string): Promise<{ target: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    res.end(exposition(namespace));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
