// NetworkPolicies from the flow table: a default-deny of all ingress per namespace, then one
// allow policy per destination pod group with one rule per flow into it.
import type { INetworkPolicy, INetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1";
import type { Flow, Source } from "./flows";

export const DEFAULT_DENY = "default-deny-ingress";
const PART_OF = { "app.kubernetes.io/part-of": "vllm-k8s" };

const namespaceSelector = (ns: string) => ({ matchLabels: { "kubernetes.io/metadata.name": ns } });

/** Peers of one flow's source; undefined = any source (NetworkPolicy's omitted `from`). */
function peers(from: Source): INetworkPolicyPeer[] | undefined {
  switch (from.kind) {
    case "pods":
      return [{ namespaceSelector: namespaceSelector(from.namespace), podSelector: { matchLabels: { ...from.pods.labels } } }];
    case "namespace":
      return [{ namespaceSelector: namespaceSelector(from.namespace) }];
    case "cidrs":
      return from.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
    case "apiServer":
      return undefined;
  }
}

/** Selects every pod of the namespace and allows no ingress: what no flow names is refused. */
export function defaultDenyIngress(namespace: string): INetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: DEFAULT_DENY, namespace, labels: { ...PART_OF } },
    spec: { podSelector: {}, policyTypes: ["Ingress"] },
  };
}

/** The default-deny plus one allow policy per destination, for the flows into `namespace`. */
export function namespacePolicies(namespace: string, flows: readonly Flow[]): INetworkPolicy[] {
  const byDest = new Map<string, Flow[]>();
  for (const f of flows.filter((x) => x.to.namespace === namespace)) byDest.set(f.to.pods.name, [...(byDest.get(f.to.pods.name) ?? []), f]);
  const allows = [...byDest.entries()].map(([dest, fs]): INetworkPolicy => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `allow-to-${dest}`, namespace, labels: { ...PART_OF } },
    spec: {
      podSelector: { matchLabels: { ...fs[0]!.to.pods.labels } },
      policyTypes: ["Ingress"],
      ingress: fs.map((f) => {
        const from = peers(f.from);
        return { ...(from ? { from } : {}), ports: f.ports.map((port) => ({ port, protocol: "TCP" as const })) };
      }),
    },
  }));
  return [defaultDenyIngress(namespace), ...allows];
}
