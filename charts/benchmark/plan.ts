// `vllm-bench plan` as a Job against ONE vLLM pod, not the autoscaled Service: a headless Service
// (clusterIP: None) selects the vLLM pods so its DNS name answers with the pod addresses, and the
// planner (--one-address) resolves the name once and sends every request to the first address.
// Through the ClusterIP Service, kube-proxy would spread the load over every replica and the plan
// would measure the fleet instead of one pod.
import type { IJob } from "kubernetes-models/batch/v1";
import type { IService } from "kubernetes-models/v1";
import { isPlanSloName, JOB_ENV, PLAN_SLO_HELP } from "../../bench/contract";
import type { BenchmarkChartProps, PlanJobProps } from "./props";
import { PART_OF } from "../part-of";

export const PLAN_NAME = "vllm-bench-plan";
const labels = { "app.kubernetes.io/name": PLAN_NAME, ...PART_OF };

export function planArgs(pl: PlanJobProps): string[] {
  return [
    "plan",
    "--one-address",
    ...(pl.quick ? ["--quick"] : []),
    "--peak-rps",
    String(pl.peakRequestsPerSecond),
    "--headroom",
    String(pl.headroom),
    "--instance-type",
    pl.instanceType,
    "--gpus-per-node",
    String(pl.gpusPerNode),
    "--tensor-parallel-size",
    String(pl.tensorParallelSize),
    ...(pl.pricePerHour !== undefined ? ["--price-per-hour", String(pl.pricePerHour)] : []),
    ...Object.entries(pl.slos).flatMap(([k, v]) => ["--slo", `${k}=${v}`]),
  ];
}

function check(pl: PlanJobProps): void {
  for (const [k, v] of Object.entries(pl.slos))
    if (!isPlanSloName(k) || !(v > 0))
      throw new Error(`benchmark plan slos.${k}: expected a threshold name (${PLAN_SLO_HELP}) with a positive value`);
  if (!(pl.headroom > 0 && pl.headroom < 0.9))
    throw new Error(
      `benchmark plan headroom ${pl.headroom}: must lie between 0 and 0.9 (below the VllmCapacityLow threshold at 0.9 × sustainable)`,
    );
  if (pl.tensorParallelSize > pl.gpusPerNode)
    throw new Error(
      `benchmark plan: tensorParallelSize ${pl.tensorParallelSize} exceeds gpusPerNode ${pl.gpusPerNode}`,
    );
}

/**
 * The headless Service and the plan Job. `job` is the benchmark's Job spec (same image, scenario
 * ConfigMap, security context and volumes); only the target, the arguments and the deadline differ.
 */
export function planObjects(p: BenchmarkChartProps, pl: PlanJobProps, job: IJob["spec"]): [IService, IJob] {
  check(pl);
  const service: IService = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: `${PLAN_NAME}-target`, namespace: p.namespace, labels },
    spec: {
      clusterIP: "None",
      selector: { ...pl.podSelector },
      ports: [{ name: "http", port: pl.port, targetPort: pl.port, protocol: "TCP" }],
      publishNotReadyAddresses: false,
    },
  };
  const endpoint = `http://${service.metadata!.name}.${p.namespace}.svc:${pl.port}`;
  const spec = structuredClone(job)!;
  const pod = spec.template.spec!;
  spec.template.metadata = { labels };
  const c = pod.containers[0];
  c.args = planArgs(pl);
  c.env = (c.env ?? []).map((e) => (e.name === JOB_ENV.endpoint ? { name: e.name, value: endpoint } : e));
  // Full search: up to 14 points of 60 s (plus repeats near a limit); quick: 6 of 8 s.
  spec.activeDeadlineSeconds = (p.readyTimeoutSeconds ?? 900) + (pl.quick ? 1200 : 7200);
  const planJob: IJob = {
    apiVersion: "batch/v1",
    kind: "Job",
    // Runs once when applied; Pulumi must not wait for a plan that takes many minutes.
    metadata: { name: PLAN_NAME, namespace: p.namespace, labels, annotations: { "pulumi.com/skipAwait": "true" } },
    spec,
  };
  return [service, planJob];
}
