import { GPU_NODE_LABEL, GPU_TAINT, SYSTEM_NODE_LABEL } from "../../charts/node-pools";

/** A pod toleration as Helm charts and pod specs take it. */
export interface Toleration {
  key: string;
  operator: "Exists" | "Equal";
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Where each kind of pod runs, for one cluster mode: the one home of node-selector policy. */
export interface NodePlacement {
  /**
   * CPU pods (add-ons, the simulator engine, the benchmark). `eks`: our system node group's label;
   * `existing`: none, since someone else's nodes do not carry it and every pod would stay Pending.
   */
  system: Record<string, string>;
  /**
   * vLLM pods. `eks`: our GPU node group's label; `existing`: none, the `nvidia.com/gpu` limit alone
   * places them (only nodes where the device plugin runs offer that resource).
   */
  gpuPods: Record<string, string>;
  /**
   * GPU DaemonSets (device plugin, dcgm-exporter): our GPU label in both modes. A DaemonSet asks
   * for no GPU, so only a selector keeps it off CPU nodes; existing clusters label their GPU nodes
   * (docs/addons.md, "Existing clusters").
   */
  gpuDaemonSets: Record<string, string>;
  /** Tolerate the GPU taint whatever its value, so a re-valued taint cannot strand the DaemonSets. */
  gpuTolerations: Toleration[];
}

export function nodePlacement(mode: "eks" | "existing"): NodePlacement {
  const eks = mode === "eks";
  const gpu = { [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value };
  return {
    system: eks ? { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value } : {},
    gpuPods: eks ? gpu : {},
    gpuDaemonSets: gpu,
    gpuTolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect }],
  };
}
