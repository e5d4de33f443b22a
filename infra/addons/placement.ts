import { GPU_NODE_LABEL, GPU_TAINT, SYSTEM_NODE_LABEL } from "../../charts/node-pools";
import type { StackConfig } from "../config";

/** A pod toleration as Helm charts take it. */
export interface Toleration {
  key: string;
  operator: "Exists" | "Equal";
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/**
 * Where CPU add-ons run. In `eks` mode our system node group carries SYSTEM_NODE_LABEL; an
 * existing cluster (kind, k3s, someone's EKS) has no such label, so there we leave placement to
 * the scheduler instead of leaving every pod Pending.
 */
export function systemNodeSelector(config: StackConfig): Record<string, string> {
  return config.cluster.mode === "eks" ? { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value } : {};
}

/** GPU add-ons select the GPU node label in both modes (existing clusters label their GPU nodes, docs/addons.md). */
export function gpuNodeSelector(): Record<string, string> {
  return { [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value };
}

/** Tolerate the GPU taint whatever its value, so a re-valued taint cannot strand the DaemonSets. */
export function gpuTolerations(): Toleration[] {
  return [{ key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect }];
}
