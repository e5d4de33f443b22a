import { BENCH_NAME } from "../../charts/benchmark";
import { APP_NAME } from "../../charts/vllm/labels";
import { kubeObjects, podTemplate, type KubeObject, type Workload } from "../graph";
import type { PolicyNode } from "../types";

// How the rules recognise our own workloads: by the names and labels charts/ gives them.

export { APP_NAME, BENCH_NAME };

/** The vLLM (or simulator) Deployments: pod label app.kubernetes.io/name=vllm. */
export function vllmDeployments(graph: readonly PolicyNode[]): KubeObject[] {
  return kubeObjects(graph).filter(
    (o) => o.kind === "Deployment" && podTemplate(o)?.labels["app.kubernetes.io/name"] === APP_NAME,
  );
}

/** The simulator engine: the CPU stand-in for vLLM (`sim` subcommand of our image). */
export const isSimulator = (w: Workload) =>
  w.podLabels["app.kubernetes.io/component"] === "inference-simulator" ||
  w.containers.some((c) => Array.isArray(c.args) && c.args[0] === "sim");
