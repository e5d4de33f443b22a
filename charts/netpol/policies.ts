// NetworkPolicies from the flow table, as cdk8s-plus-28 NetworkPolicy constructs with typed peers:
// a default-deny of all ingress per namespace, then one allow policy per destination pod group with
// one rule per flow into it.
import { ApiObject, App, Chart, JsonPatch } from "cdk8s";
import * as kplus from "cdk8s-plus-28";
import type { Construct } from "constructs";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PART_OF } from "../part-of";
import type { Flow } from "./flows";
import type { PodGroup } from "./pods";

const DEFAULT_DENY = "default-deny-ingress";

const namespaces = (scope: Construct, id: string, ns: string) => kplus.Namespaces.select(scope, id, { names: [ns] });

/**
 * One ingress rule per flow. cdk8s-plus-28 writes every rule with one `from` peer, so three kinds of
 * source are corrected by a JSON patch on the rule (path relative to it):
 * - a namespace: Namespaces.select also writes `podSelector: {}` (the same pods); it is removed;
 * - several CIDRs: one rule lists them all, as the flow table has it;
 * - the API server: no peer names it, so the rule has no `from` (any source, on its ports only).
 */
function addRule(policy: kplus.NetworkPolicy, index: number, flow: Flow): JsonPatch[] {
  const ports = flow.ports.map((port) => kplus.NetworkPolicyPort.tcp(port));
  const at = `/spec/ingress/${index}`;
  const from = flow.from;
  switch (from.kind) {
    case "pods": {
      const ns = namespaces(policy, `from-${index}-namespace`, from.namespace);
      const pods = kplus.Pods.select(policy, `from-${index}`, { labels: { ...from.pods.labels }, namespaces: ns });
      policy.addIngressRule(pods, ports);
      return [];
    }
    case "namespace":
      policy.addIngressRule(namespaces(policy, `from-${index}`, from.namespace), ports);
      return [JsonPatch.remove(`${at}/from/0/podSelector`)];
    case "cidrs": {
      // IPv4 only, as the stack config's CIDR fields are.
      const blocks = from.cidrs.map((cidr, i) => kplus.NetworkPolicyIpBlock.ipv4(policy, `from-${index}-${i}`, cidr));
      const [first, ...more] = blocks;
      policy.addIngressRule(first, ports);
      return more.map((block) => JsonPatch.add(`${at}/from/-`, { ipBlock: { cidr: block.cidr } }));
    }
    case "apiServer":
      // The placeholder peer is the nearest cdk8s-plus has to "anyone"; the patch widens it to any source.
      policy.addIngressRule(kplus.NetworkPolicyIpBlock.anyIpv4(policy, `from-${index}`), ports);
      return [JsonPatch.remove(`${at}/from`)];
  }
}

/**
 * The default-deny plus one allow policy per destination, for the flows into `namespace`, in `scope`.
 * `isolate`: deny only these pod groups instead of the whole namespace (a namespace that is not ours,
 * such as kube-system, where a namespace-wide deny would cut off pods we do not run).
 */
export function addNamespacePolicies(
  scope: Construct,
  namespace: string,
  flows: readonly Flow[],
  isolate?: readonly PodGroup[],
): kplus.NetworkPolicy[] {
  const metadata = (name: string) => ({ name, namespace, labels: { ...PART_OF } });
  // Selects the pods and allows no ingress: what no flow names is refused.
  const denies = (isolate ?? [undefined]).map((group) => {
    const name = group ? `${DEFAULT_DENY}-${group.name}` : DEFAULT_DENY;
    return new kplus.NetworkPolicy(scope, name, {
      metadata: metadata(name),
      ...(group ? { selector: kplus.Pods.select(scope, `${name}-pods`, { labels: { ...group.labels } }) } : {}),
      ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    });
  });
  const byDest = new Map<string, Flow[]>();
  for (const f of flows.filter((x) => x.to.namespace === namespace))
    byDest.set(f.to.pods.name, [...(byDest.get(f.to.pods.name) ?? []), f]);
  const allows = [...byDest.entries()].map(([dest, fs]) => {
    const name = `allow-to-${dest}`;
    const policy = new kplus.NetworkPolicy(scope, name, {
      metadata: metadata(name),
      selector: kplus.Pods.select(scope, `${name}-pods`, { labels: { ...fs[0].to.pods.labels } }),
    });
    const patches = fs.flatMap((f, i) => addRule(policy, i, f));
    ApiObject.of(policy).addJsonPatch(...patches);
    return policy;
  });
  return [...denies, ...allows];
}

/** The same policies as plain objects, for a namespace Pulumi fills outside any chart (infra/addons). */
export function namespacePolicies(namespace: string, flows: readonly Flow[]): INetworkPolicy[] {
  const chart = new Chart(new App(), "network-policies");
  addNamespacePolicies(chart, namespace, flows);
  return chart.toJson() as INetworkPolicy[];
}

/** Policies for some pods of a namespace that is not ours: each group denied, then its flows allowed. */
export function podPolicies(namespace: string, pods: readonly PodGroup[], flows: readonly Flow[]): INetworkPolicy[] {
  const chart = new Chart(new App(), "network-policies");
  addNamespacePolicies(chart, namespace, flows, pods);
  return chart.toJson() as INetworkPolicy[];
}
