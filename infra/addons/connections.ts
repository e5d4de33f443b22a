// The add-ons' side of the connection list: each installed descriptor's pods, the Services URLs
// reach them by, and its connections; plus the ones our workloads open into them (AddonSettings.clients).
// The NetworkPolicies of the add-on namespaces are generated from this (network-policies.ts).
import { dedupeFlows, type Flow, type PodGroup, type ServiceRoute } from "../../charts/netpol";
import type { AddonDescriptor, AddonSettings } from "./addon";
import { ADDONS } from "./registry";

const installedIn = (s: AddonSettings, registry: readonly AddonDescriptor[]) => {
  const on = (key: string) => s.enabled[key] === true && registry.some((d) => d.key === key);
  return { on, enabled: registry.filter((d) => on(d.key)) };
};

/** The installed add-ons' pods, each with its namespace and add-on key. */
export function addonPods(
  s: AddonSettings,
  registry: readonly AddonDescriptor[] = ADDONS,
): { addon: string; namespace: string; pods: PodGroup }[] {
  return installedIn(s, registry).enabled.flatMap((d) =>
    (d.pods ?? []).map((pods) => ({ addon: d.key, namespace: d.namespace(s), pods })),
  );
}

/** The installed add-ons' Services, for resolving the URLs our workloads are given. */
export function addonRoutes(s: AddonSettings, registry: readonly AddonDescriptor[] = ADDONS): ServiceRoute[] {
  return installedIn(s, registry).enabled.flatMap((d) => d.routes?.(s) ?? []);
}

/** Every connection into an installed add-on's pods: their own and our workloads'. */
export function addonFlows(s: AddonSettings, registry: readonly AddonDescriptor[] = ADDONS): Flow[] {
  const { on, enabled } = installedIn(s, registry);
  return dedupeFlows([...enabled.flatMap((d) => d.connections?.(s, on) ?? []), ...(s.clients ?? [])]);
}
