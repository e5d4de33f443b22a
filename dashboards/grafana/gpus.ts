// GPU dashboard: dcgm-exporter's view of every GPU, per node, GPU and the pod holding it.
import * as dash from "@grafana/grafana-foundation-sdk/dashboard";
import { DCGM_METRICS as D } from "../catalog";
import { selector } from "../promql";
import { REC } from "../recorded";
import type { AlertThresholds } from "../thresholds";
import { dashboard, queryVariable, row, statPanel, timeSeries, type Query } from "./common";

const NODE = `hostname=~"$node"`;
const g = (name: string) => selector(name, NODE);
const perGpu = (expr: string): Query => ({ expr, legend: "{{hostname}} GPU {{gpu}} {{pod}}" });

export function gpuDashboard(t: AlertThresholds) {
  const d = dashboard("vllm-gpus", "vLLM / GPUs", "GPU utilisation, memory, power, temperature and errors from dcgm-exporter.")
    .withVariable(new dash.DatasourceVariableBuilder("datasource").label("Data source").type("prometheus"))
    .withVariable(queryVariable("node", "Node", `label_values(${D.utilization.name}, hostname)`));

  d.withRow(row("Fleet"))
    .withPanel(statPanel("GPUs", { expr: REC.gpu.count.record, legend: "GPUs" }, { unit: "short", description: "GPUs reporting to dcgm-exporter." }))
    .withPanel(statPanel("Mean utilisation", { expr: REC.gpu.utilCluster.record, legend: "util" }, { unit: "percent", thresholds: [{ value: t.gpuUtilizationPercent, color: "red" }] }))
    .withPanel(statPanel("Power draw", { expr: REC.gpu.powerCluster.record, legend: "W" }, { unit: "watt" }));

  d.withRow(row("Compute"))
    .withPanel(timeSeries("GPU utilisation", [perGpu(g(D.utilization.name))], { unit: "percent", min: 0, max: 100, thresholds: [{ value: t.gpuUtilizationPercent, color: "red" }] }))
    .withPanel(timeSeries("Utilisation by pod", [{ expr: REC.gpu.utilPod.record, legend: "{{namespace}}/{{pod}}" }], { unit: "percent", min: 0, max: 100 }))
    .withPanel(timeSeries("Graphics engine active", [perGpu(g(D.grEngineActive.name))], { unit: "percentunit", min: 0, max: 1, description: "Profiling counter: share of time any kernel ran (needs SYS_ADMIN on the exporter)." }))
    .withPanel(timeSeries("Utilisation by node", [{ expr: REC.gpu.utilNode.record, legend: "{{hostname}}{{Hostname}}" }], { unit: "percent", min: 0, max: 100 }));

  d.withRow(row("Memory"))
    .withPanel(timeSeries("Framebuffer used / total", [
      perGpu(g(D.fbUsed.name)),
      { expr: selector(REC.gpu.memTotal.record, NODE), legend: "total {{hostname}} GPU {{gpu}}" },
    ], { unit: "decmbytes", min: 0, description: "vLLM reserves gpu-memory-utilization of each GPU at start, so high use is normal." }))
    .withPanel(timeSeries("Framebuffer used ratio", [perGpu(selector(REC.gpu.memUsedRatio.record, NODE))], { unit: "percentunit", min: 0, max: 1, thresholds: [{ value: t.gpuMemoryUsageRatio, color: "red" }] }))
    .withPanel(timeSeries("Memory bandwidth utilisation", [perGpu(g(D.memCopyUtil.name))], { unit: "percent", min: 0, max: 100 }))
    .withPanel(timeSeries("DRAM active", [perGpu(g(D.dramActive.name))], { unit: "percentunit", min: 0, max: 1, description: "Profiling counter: share of cycles device memory was busy." }));

  d.withRow(row("Health"))
    .withPanel(timeSeries("Power draw", [perGpu(g(D.power.name))], { unit: "watt", min: 0 }))
    .withPanel(timeSeries("Temperature", [perGpu(g(D.temperature.name))], { unit: "celsius", thresholds: [{ value: t.gpuTemperatureCelsius, color: "red" }] }))
    .withPanel(timeSeries("XID errors (last code)", [perGpu(g(D.xid.name))], { unit: "none", min: 0, description: "0 means none; any other value is the NVIDIA XID code last reported." }));
  return d.build();
}
