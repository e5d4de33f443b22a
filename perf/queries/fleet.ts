// The synthetic fleet whose metrics `npm run bench:queries` stores: vLLM deployments (one per
// namespace × model) spread over GPU nodes, and the labels Prometheus attaches when it scrapes
// them through our ServiceMonitors (namespace, pod, service, endpoint, container, job, instance).
import { dcgmNodeLabel } from "../../infra/addons/values/dcgm-exporter";

/** The node label of the pinned dcgm-exporter (`Hostname` or `hostname`, by version). */
export const DCGM_NODE_LABEL = dcgmNodeLabel();

export interface FleetShape {
  namespaces: string[];
  models: string[];
  podsPerDeployment: number;
  gpusPerPod: number;
  gpusPerNode: number;
  /**
   * Pods are replaced (rollouts, HPA scale-in and -out, node recycling) every this many seconds,
   * staggered across the fleet, so series come and go as they do in a real cluster. 0 or unset:
   * the same pods all day.
   */
  podLifetimeSeconds?: number;
}

export const FULL_FLEET: FleetShape = {
  namespaces: ["team-chat", "team-search"],
  models: ["meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen2.5-7B-Instruct"],
  podsPerDeployment: 8,
  gpusPerPod: 2,
  gpusPerNode: 8,
};

export type Labels = Record<string, string>;

export interface Deployment {
  namespace: string;
  model: string;
  service: string;
  /** Peak requests per second across the deployment; the day curve scales it. */
  peakRate: number;
  /** Hour of the day (0-24) at which this deployment peaks. */
  peakHour: number;
}

export interface Pod {
  deployment: Deployment;
  name: string;
  node: string;
  ip: string;
  /** Share of the deployment's traffic this pod receives (load balancing is not perfectly even). */
  weight: number;
}

export interface Gpu {
  index: number;
  node: string;
  pod: Pod;
  uuid: string;
}

export interface Fleet {
  deployments: Deployment[];
  pods: Pod[];
  gpus: Gpu[];
  nodes: string[];
}

const short = (model: string) =>
  model
    .split("/")
    .pop()!
    .toLowerCase()
    .split("-")
    .slice(0, 2)
    .join("-")
    .replace(/[^a-z0-9-]/g, "");

/** Lays pods onto nodes in order, `gpusPerNode / gpusPerPod` per node, as the scheduler would pack them. */
export function buildFleet(shape: FleetShape): Fleet {
  if (shape.gpusPerNode % shape.gpusPerPod !== 0)
    throw new Error(`gpusPerNode (${shape.gpusPerNode}) must be a multiple of gpusPerPod (${shape.gpusPerPod})`);
  const deployments: Deployment[] = [];
  shape.namespaces.forEach((namespace, n) =>
    shape.models.forEach((model, m) =>
      deployments.push({
        namespace,
        model,
        service: `vllm-${short(model)}`,
        peakRate: 12 + 6 * ((n + m) % 3),
        peakHour: 14 + 3 * n + m,
      }),
    ),
  );
  const podsPerNode = shape.gpusPerNode / shape.gpusPerPod;
  const pods: Pod[] = [];
  const gpus: Gpu[] = [];
  const nodes: string[] = [];
  for (const d of deployments) {
    for (let i = 0; i < shape.podsPerDeployment; i++) {
      const slot = pods.length;
      const nodeIndex = Math.floor(slot / podsPerNode);
      const node = `ip-10-0-${32 + nodeIndex}-${10 + nodeIndex}.ec2.internal`;
      if (!nodes.includes(node)) nodes.push(node);
      const pod: Pod = {
        deployment: d,
        name: `${d.service}-6f9c${(slot * 7919).toString(16).padStart(4, "0").slice(-4)}-${(slot * 104729).toString(36).padStart(5, "x").slice(-5)}`,
        node,
        ip: `10.0.${32 + nodeIndex}.${100 + slot}`,
        weight: 1 + 0.15 * Math.sin(slot * 2.3),
      };
      pods.push(pod);
      for (let g = 0; g < shape.gpusPerPod; g++) {
        const index = (slot % podsPerNode) * shape.gpusPerPod + g;
        gpus.push({
          index,
          node,
          pod,
          uuid: `GPU-${(slot * 31 + g).toString(16).padStart(8, "0")}-5e1c-4b0e-9a3d-0c0ffee00000`,
        });
      }
    }
  }
  return { deployments, pods, gpus, nodes };
}

/** How many times the pod in `slot` (of `total`) has been replaced by time `t`; 0 without churn. */
export function generationAt(shape: FleetShape, slot: number, total: number, t: number): number {
  const life = shape.podLifetimeSeconds ?? 0;
  return life > 0 ? Math.floor((t + (slot * life) / total) / life) : 0;
}

/** The pod that runs in `p`'s place in generation `gen`: same deployment and node, new name and IP. */
export function incarnation(p: Pod, gen: number): Pod {
  if (gen === 0) return p;
  const suffix = ((gen * 2654435761) >>> 0).toString(36).padStart(5, "x").slice(-5);
  const [a, b, c] = p.ip.split(".");
  return { ...p, name: `${p.name.slice(0, -5)}${suffix}`, ip: `${a}.${b}.${c}.${1 + (gen % 250)}` };
}

/** Labels of a vLLM pod's series as scraped through the chart's ServiceMonitor. */
export function vllmPodLabels(p: Pod): Labels {
  return {
    namespace: p.deployment.namespace,
    pod: p.name,
    service: p.deployment.service,
    endpoint: "http",
    container: "vllm",
    job: p.deployment.service,
    instance: `${p.ip}:8000`,
    model_name: p.deployment.model,
    engine: "0",
  };
}

/** dcgm-exporter labels for one GPU, as the pinned chart's exporter writes them (pod mapping on). */
export function gpuLabels(g: Gpu): Labels {
  return {
    gpu: String(g.index),
    UUID: g.uuid,
    device: `nvidia${g.index}`,
    modelName: "NVIDIA L40S",
    [DCGM_NODE_LABEL]: g.node,
    DCGM_FI_DRIVER_VERSION: "570.172.08",
    namespace: g.pod.deployment.namespace,
    pod: g.pod.name,
    container: "vllm",
    job: "nvidia-dcgm-exporter",
    instance: `${g.node.replace(/^ip-(\d+)-(\d+)-(\d+)-(\d+).*$/, "$1.$2.$3.$4")}:9400`,
    service: "nvidia-dcgm-exporter",
    endpoint: "gpu-metrics",
  };
}
