// Capacity and autoscaling: the scale path from requests to vLLM pods to GPU nodes and back.
import { ACTIVE_HOURS_TRIGGER, HPA_REQUEST_RATE_METRIC } from "../autoscaling";
import { AUTOSCALER_METRICS as CA, BENCH_METRICS as B, KEDA_METRICS, KSM_METRICS as K } from "../catalog";
import { monitoringConfig as cfg } from "../config";
import { selector, sumBy } from "../promql";
import { MODEL_LEVEL, REC } from "../recorded";
import type { AlertThresholds } from "../thresholds";
import { dashboard, MODEL_FILTER, NAMESPACE_FILTER, row, statPanel, timeSeries, variables } from "./common";

const HPA = `${NAMESPACE_FILTER}, ${cfg.hpaSelector}`;
const C = REC.capacity;
const BY_MODEL = "{{namespace}}/{{model_name}}";
/** Nodes added or removed over this window: a GPU node takes minutes to join, a scrape-sized window shows nothing. */
const SCALING_WINDOW = "15m";
// Each pod's live rate, and the rate one replica sustained with every SLO met in the last capacity
// plan (`vllm-bench plan`, pushed to the Pushgateway): the distance between them is the headroom.
const podRate = `sum by (namespace, pod) (${selector(REC.requests.pod.record, MODEL_FILTER)})`;
const planned = selector(B.planSustainable.name, `${cfg.benchPlanSelector}, model_name=~"$model"`);
const sustainable = `max by (model_name) (${planned})`;
const pendingGpuPods = `count(${selector(C.gpuPodsPending.record, NAMESPACE_FILTER)}) or vector(0)`;
const gpuNodes = `${C.gpuNodes.record} or vector(0)`;
// KEDA's metrics name the ScaledObject's namespace `exported_namespace` (catalog.ts KEDA_METRICS).
const inSchedule = `max(${selector(
  KEDA_METRICS.scalerActive.name,
  `exported_namespace=~"$namespace", ${cfg.scaledObjectSelector}, scaler="${ACTIVE_HOURS_TRIGGER}"`,
)})`;

export function capacityDashboard(t: AlertThresholds) {
  const d = variables(
    dashboard(
      "vllm-capacity",
      "vLLM / Capacity and autoscaling",
      "HPA replicas against request rate, pending GPU pods, GPU nodes and cluster-autoscaler activity.",
    ),
    { model: true, pod: false },
  );

  d.withRow(row("Now"))
    .withPanel(
      statPanel(
        "vLLM replicas",
        { expr: `sum(${selector(K.hpaCurrent.name, HPA)})`, legend: "replicas" },
        { unit: "short" },
      ),
    )
    .withPanel(
      statPanel(
        "Pending GPU pods",
        { expr: pendingGpuPods, legend: "pending" },
        { unit: "short", thresholds: [{ value: 1, color: "orange" }] },
      ),
    )
    .withPanel(statPanel("GPU nodes", { expr: gpuNodes, legend: "nodes" }, { unit: "short" }))
    .withPanel(
      statPanel(
        "Busiest pod, share of sustainable rate",
        { expr: `max(${podRate}) / scalar(max(${sustainable}))`, legend: "busiest pod" },
        {
          unit: "percentunit",
          thresholds: [
            { value: 0.9, color: "orange" },
            { value: 1, color: "red" },
          ],
          description:
            "The busiest pod's request rate as a share of the rate the capacity plan measured for one replica: 100 % is the knee.",
        },
      ),
    );

  d.withRow(row("Back to zero")).withPanel(
    timeSeries(
      "Replicas, GPU nodes and the active-hours schedule",
      [
        { expr: `sum(${selector(K.hpaCurrent.name, HPA)}) or vector(0)`, legend: "vLLM replicas" },
        { expr: gpuNodes, legend: "GPU nodes" },
        { expr: `${inSchedule} or vector(0)`, legend: "inside active hours (1 = yes)" },
      ],
      {
        unit: "short",
        min: 0,
        description:
          "One timeline for a service that may go to zero (autoscaling.minReplicas: 0): the replicas KEDA's HPA runs, the GPU nodes cluster-autoscaler keeps, and whether the autoscaling.activeHours cron window is open (KEDA's cron trigger active). Outside the window and idle, replicas go to 0 and the GPU nodes follow after cluster-autoscaler's scale-down delay.",
      },
    ),
  );

  d.withRow(row("Horizontal pod autoscaler"))
    .withPanel(
      timeSeries(
        "Replicas: current, desired, min, max",
        [
          { expr: selector(K.hpaCurrent.name, HPA), legend: "current {{horizontalpodautoscaler}}" },
          { expr: selector(K.hpaDesired.name, HPA), legend: "desired {{horizontalpodautoscaler}}" },
          { expr: selector(K.hpaMin.name, HPA), legend: "min {{horizontalpodautoscaler}}" },
          { expr: selector(K.hpaMax.name, HPA), legend: "max {{horizontalpodautoscaler}}" },
        ],
        { unit: "short", min: 0 },
      ),
    )
    .withPanel(
      timeSeries(
        "Request rate per pod: live vs HPA target vs measured sustainable rate",
        [
          { expr: podRate, legend: "{{pod}}" },
          {
            expr: selector(K.hpaTarget.name, `${HPA}, metric_name="${HPA_REQUEST_RATE_METRIC}"`),
            legend: "HPA target {{horizontalpodautoscaler}}",
          },
          { expr: sustainable, legend: "sustainable (capacity plan) {{model_name}}" },
        ],
        {
          unit: "reqps",
          min: 0,
          // No threshold line here: the VllmCapacityLow threshold drawn on this panel was read as the HPA target, so it is left out.
          description: `Each pod's finished requests per second against the HPA target (the HPA adds pods while the mean is above it) and the highest rate one replica sustained with every SLO met in the last \`vllm-bench plan\` (docs/serving.md, Capacity planning). A pod near the sustainable line has no headroom left. VllmCapacityLow fires when the mean per-pod rate stays above ${t.requestsPerSecondPerPod} req/s for 30 minutes.`,
        },
      ),
    )
    .withPanel(
      timeSeries(
        "Total request rate",
        [{ expr: sumBy(MODEL_LEVEL, selector(REC.requests.model.record, MODEL_FILTER)), legend: BY_MODEL }],
        { unit: "reqps" },
      ),
    );

  d.withRow(row("GPU nodes"))
    .withPanel(
      timeSeries("Pending GPU pods", [{ expr: pendingGpuPods, legend: "pending" }], {
        unit: "short",
        min: 0,
        description:
          "Pods requesting nvidia.com/gpu that wait for a node: the autoscaler should add one within minutes.",
      }),
    )
    .withPanel(
      timeSeries(
        "GPUs allocatable",
        [
          { expr: `${C.gpuCapacity.record} or vector(0)`, legend: "GPUs" },
          { expr: gpuNodes, legend: "GPU nodes" },
        ],
        { unit: "short", min: 0 },
      ),
    )
    .withPanel(
      timeSeries(
        "Cluster autoscaler",
        [
          { expr: `sum(${CA.unschedulablePods.name})`, legend: "unschedulable pods" },
          { expr: `sum by (state) (${CA.nodes.name})`, legend: "nodes {{state}}" },
          { expr: `sum(increase(${CA.scaledUp.name}[${SCALING_WINDOW}]))`, legend: `scaled up (${SCALING_WINDOW})` },
          {
            expr: `sum(increase(${CA.scaledDown.name}[${SCALING_WINDOW}]))`,
            legend: `scaled down (${SCALING_WINDOW})`,
          },
        ],
        { unit: "short", min: 0, description: "From cluster-autoscaler's own metrics (eks mode)." },
      ),
    );
  return d.build();
}
