import { GPU_NODE_LABEL, GPU_TAINT } from "../../charts/node-pools";

// Where the GPU add-ons run, the same in both modes. CPU add-ons take their node selector from
// ClusterAddonsArgs.systemNodeSelector (per mode, from infra/mapper/addons.ts).

/** A pod toleration as Helm charts take it. */
export interface Toleration {
  key: string;
  operator: "Exists" | "Equal";
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** GPU add-ons select the GPU node label in both modes (existing clusters label their GPU nodes, docs/addons.md). */
export function gpuNodeSelector(): Record<string, string> {
  return { [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value };
}

/** Tolerate the GPU taint whatever its value, so a re-valued taint cannot strand the DaemonSets. */
export function gpuTolerations(): Toleration[] {
  return [{ key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect }];
}
