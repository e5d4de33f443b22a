import { GPU_NODE_LABEL, GPU_TAINT } from "../charts/node-pools";
import { walk } from "./graph";

// How a pod spec (or a Helm chart's values, which use the same field names) relates to the GPU
// nodes: does it tolerate their taint, does it select their label, does it ask for a GPU.

export { GPU_NODE_LABEL, GPU_TAINT };
export const GPU_RESOURCE = "nvidia.com/gpu";

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** Kubernetes toleration matching: an empty key with `Exists` tolerates every taint. */
export function toleratesGpuTaint(tolerations: unknown): boolean {
  if (!Array.isArray(tolerations)) return false;
  return tolerations.some((t: Toleration) => {
    if (!t || typeof t !== "object") return false;
    const effectOk = !t.effect || t.effect === GPU_TAINT.effect;
    if (!effectOk) return false;
    if (t.operator === "Exists") return !t.key || t.key === GPU_TAINT.key;
    return t.key === GPU_TAINT.key && (t.value ?? "") === GPU_TAINT.value;
  });
}

/** Node affinity terms that require the GPU label (`In` with the GPU value). */
function affinityRequiresGpu(affinity: any): boolean {
  const terms = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!Array.isArray(terms) || terms.length === 0) return false;
  // Terms are ORed: every term must pin the GPU label for the pod to be kept on GPU nodes.
  return terms.every((term: any) =>
    (term?.matchExpressions ?? []).some(
      (e: any) =>
        e?.key === GPU_NODE_LABEL.key &&
        e?.operator === "In" &&
        Array.isArray(e.values) &&
        e.values.length > 0 &&
        e.values.every((v: unknown) => v === GPU_NODE_LABEL.value),
    ),
  );
}

/** The pod is kept on GPU nodes: node selector or required node affinity on the GPU label. */
export function selectsGpuNodes(spec: { nodeSelector?: unknown; affinity?: unknown }): boolean {
  const sel = spec.nodeSelector as Record<string, string> | undefined;
  return sel?.[GPU_NODE_LABEL.key] === GPU_NODE_LABEL.value || affinityRequiresGpu(spec.affinity);
}

/** The pod mentions the GPU label at all (selector or any affinity term), i.e. it aims at GPU nodes. */
export function targetsGpuNodes(spec: { nodeSelector?: unknown; affinity?: unknown }): boolean {
  const sel = spec.nodeSelector as Record<string, string> | undefined;
  if (sel?.[GPU_NODE_LABEL.key] === GPU_NODE_LABEL.value) return true;
  const na = (spec.affinity as any)?.nodeAffinity;
  const terms = [
    ...(na?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []),
    ...(na?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: any) => p?.preference),
  ];
  return terms.some((term: any) =>
    (term?.matchExpressions ?? []).some(
      (e: any) =>
        e?.key === GPU_NODE_LABEL.key && e?.operator === "In" && (e.values ?? []).includes(GPU_NODE_LABEL.value),
    ),
  );
}

/**
 * Where Helm values put pods on the GPU nodes: every `tolerations` that tolerates the GPU taint and
 * every `nodeSelector` that selects the GPU label, by values path (charts use the pod spec's names).
 */
export function gpuPlacementsIn(values: unknown): { path: string; kind: "toleration" | "nodeSelector" }[] {
  const out: { path: string; kind: "toleration" | "nodeSelector" }[] = [];
  walk(values, (path, key, value, parent) => {
    if (key === "tolerations" && toleratesGpuTaint(value)) out.push({ path, kind: "toleration" });
    if (key === "nodeSelector" && parent && targetsGpuNodes({ nodeSelector: value }))
      out.push({ path, kind: "nodeSelector" });
  });
  return out;
}

/** GPUs a container asks for (requests or limits; Kubernetes requires them equal). */
export function gpuRequest(container: any): number {
  const r = container?.resources ?? {};
  const v = r.limits?.[GPU_RESOURCE] ?? r.requests?.[GPU_RESOURCE];
  const n = Number(typeof v === "object" && v !== null ? v.value : v);
  return Number.isFinite(n) ? n : 0;
}
