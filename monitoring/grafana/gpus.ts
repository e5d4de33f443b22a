// GPU dashboard: dcgm-exporter's view of every GPU, per node, GPU and the pod holding it.
import { selector } from "../promql";
import { GPU_NODE_LABEL, REC } from "../recorded";
import type { AlertThresholds } from "../thresholds";
import { dashboard, datasourceVariable, queryVariable, row, statPanel, timeSeries, type Query } from "./common";

// Every panel and the Node variable read the recorded per-GPU series, whose node label is one
// name whatever dcgm-exporter version wrote it (`Hostname` ≤ 4.8.2, `hostname` after).
const N = REC.gpu.node;
const NODE = `${GPU_NODE_LABEL}=~"$node"`;
const g = (record: { record: string }) => selector(record.record, NODE);
const perGpu = (expr: string): Query => ({ expr, legend: `{{${GPU_NODE_LABEL}}} GPU {{gpu}} {{pod}}` });

export function gpuDashboard(t: AlertThresholds) {
  const d = dashboard(
    "vllm-gpus",
    "vLLM / GPUs",
    "GPU utilisation, memory, power, temperature and errors from dcgm-exporter.",
  )
    .withVariable(datasourceVariable())
    .withVariable(queryVariable("node", "Node", `label_values(${N.util.record}, ${GPU_NODE_LABEL})`));

  d.withRow(row("Fleet"))
    .withPanel(
      statPanel(
        "GPUs",
        { expr: REC.gpu.count.record, legend: "GPUs" },
        { unit: "short", description: "GPUs reporting to dcgm-exporter." },
      ),
    )
    .withPanel(
      statPanel(
        "Mean utilisation",
        { expr: REC.gpu.utilCluster.record, legend: "util" },
        { unit: "percent", thresholds: [{ value: t.gpuUtilizationPercent, color: "red" }] },
      ),
    )
    .withPanel(statPanel("Power draw", { expr: REC.gpu.powerCluster.record, legend: "W" }, { unit: "watt" }));

  d.withRow(row("Compute"))
    .withPanel(
      timeSeries("GPU utilisation", [perGpu(g(N.util))], {
        unit: "percent",
        min: 0,
        max: 100,
        thresholds: [{ value: t.gpuUtilizationPercent, color: "red" }],
      }),
    )
    .withPanel(
      timeSeries("Utilisation by pod", [{ expr: REC.gpu.utilPod.record, legend: "{{namespace}}/{{pod}}" }], {
        unit: "percent",
        min: 0,
        max: 100,
      }),
    )
    .withPanel(
      timeSeries("Graphics engine active", [perGpu(g(N.grEngineActive))], {
        unit: "percentunit",
        min: 0,
        max: 1,
        description: "Profiling counter: share of time any kernel ran (needs SYS_ADMIN on the exporter).",
      }),
    )
    .withPanel(
      timeSeries(
        "Utilisation by node",
        [{ expr: selector(REC.gpu.utilNode.record, NODE), legend: `{{${GPU_NODE_LABEL}}}` }],
        { unit: "percent", min: 0, max: 100 },
      ),
    );

  d.withRow(row("Memory"))
    .withPanel(
      timeSeries(
        "Framebuffer used / total",
        [perGpu(g(N.fbUsed)), { expr: g(N.memTotal), legend: `total {{${GPU_NODE_LABEL}}} GPU {{gpu}}` }],
        {
          unit: "decmbytes",
          min: 0,
          description: "vLLM reserves gpu-memory-utilization of each GPU at start, so high use is normal.",
        },
      ),
    )
    .withPanel(
      timeSeries("Framebuffer used ratio", [perGpu(g(N.memUsedRatio))], {
        unit: "percentunit",
        min: 0,
        max: 1,
        thresholds: [{ value: t.gpuMemoryUsageRatio, color: "red" }],
      }),
    )
    .withPanel(
      timeSeries("Memory bandwidth utilisation", [perGpu(g(N.memCopyUtil))], { unit: "percent", min: 0, max: 100 }),
    )
    .withPanel(
      timeSeries("DRAM active", [perGpu(g(N.dramActive))], {
        unit: "percentunit",
        min: 0,
        max: 1,
        description: "Profiling counter: share of cycles device memory was busy.",
      }),
    );

  d.withRow(row("Health"))
    .withPanel(timeSeries("Power draw", [perGpu(g(N.power))], { unit: "watt", min: 0 }))
    .withPanel(
      timeSeries("Temperature", [perGpu(g(N.temperature))], {
        unit: "celsius",
        thresholds: [{ value: t.gpuTemperatureCelsius, color: "red" }],
      }),
    )
    .withPanel(
      timeSeries("XID errors (last code)", [perGpu(g(N.xid))], {
        unit: "none",
        min: 0,
        description: "0 means none; any other value is the NVIDIA XID code last reported.",
      }),
    );
  return d.build();
}
