import { GPU_NODE_LABEL, SYSTEM_NODE_LABEL } from "../../charts/node-pools";

/**
 * Where our pods run, for one cluster mode: the one home of the per-mode node-selector policy.
 * The GPU DaemonSets (device plugin, dcgm-exporter) select the GPU label in both modes, so their
 * placement is no per-mode fact and stays with them (infra/addons/placement.ts): a DaemonSet asks
 * for no GPU, and only a selector keeps it off CPU nodes.
 */
export interface NodePlacement {
  /**
   * CPU pods (add-ons, the simulator engine, the benchmark). `eks`: our system node group's label;
   * `existing`: none, since someone else's nodes do not carry it and every pod would stay Pending.
   */
  system: Record<string, string>;
  /**
   * vLLM pods. `eks`: our GPU node group's label; `existing`: none, the `nvidia.com/gpu` limit alone
   * places them (only nodes where the device plugin runs, i.e. labelled GPU nodes, offer it).
   */
  gpuPods: Record<string, string>;
}

export function nodePlacement(mode: "eks" | "existing"): NodePlacement {
  const eks = mode === "eks";
  return {
    system: eks ? { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value } : {},
    gpuPods: eks ? { [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value } : {},
  };
}
