import type { KubeObject } from "./graph";

// Which pod may reach which port, computed from NetworkPolicy objects the way the API defines
// them (kubernetes.io, "Network Policies"): a pod selected by any Ingress policy is isolated and
// accepts only what some rule of those policies allows; a pod no policy selects accepts anything.
// Pods come from a catalogue (our workloads and the add-ons' pod labels); addresses that are not
// pods (ipBlock peers, a rule with no `from`) are reported by name.

export interface CataloguePod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ports: number[];
}

export interface Reach {
  /** `namespace/name` of a catalogue pod, `every pod in <ns>`, a CIDR, or `any source`. */
  from: string;
  /** `namespace/name`. */
  to: string;
  /** A port, or `any` when the destination is not isolated at all. */
  port: number | "any";
}

export const ANY_SOURCE = "any source";

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Label selector semantics: every matchLabels pair and every expression holds; `{}` selects all. */
export function selects(sel: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!sel) return false;
  const pairs = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const exprs = (sel.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case "In":
        return has && (e.values ?? []).includes(labels[e.key]);
      case "NotIn":
        return !has || !(e.values ?? []).includes(labels[e.key]);
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
      default:
        return false;
    }
  });
  return pairs && exprs;
}

/** The labels Kubernetes puts on every namespace (kubernetes.io/metadata.name, since 1.22). */
const nsLabels = (ns: string) => ({ "kubernetes.io/metadata.name": ns });

const isIngress = (np: KubeObject) => {
  const types: string[] | undefined = np.body.spec?.policyTypes;
  return types ? types.includes("Ingress") : true;
};

/** Sources one ingress peer admits, by name. */
function peerSources(peer: any, policyNs: string, pods: readonly CataloguePod[]): string[] {
  if (peer.ipBlock)
    return [
      String(peer.ipBlock.cidr) + (peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.join(", ")}` : ""),
    ];
  const inNs = (p: CataloguePod) =>
    peer.namespaceSelector ? selects(peer.namespaceSelector, nsLabels(p.namespace)) : p.namespace === policyNs;
  const matchPod = (p: CataloguePod) => (peer.podSelector ? selects(peer.podSelector, p.labels) : true);
  const out = pods.filter((p) => inNs(p) && matchPod(p)).map((p) => `${p.namespace}/${p.name}`);
  // A namespace-wide peer also admits pods we do not catalogue there: say so.
  if (peer.namespaceSelector && (!peer.podSelector || Object.keys(peer.podSelector).length === 0)) {
    const names = peer.namespaceSelector.matchLabels?.["kubernetes.io/metadata.name"];
    out.push(
      names && Object.keys(peer.namespaceSelector).length === 1
        ? `every pod in ${names}`
        : `every pod in namespaces matching ${JSON.stringify(peer.namespaceSelector)}`,
    );
  }
  return out;
}

/** Every (source, destination, port) the policies allow into the catalogue's pods. */
export function reachability(policies: readonly KubeObject[], pods: readonly CataloguePod[]): Reach[] {
  const out = new Map<string, Reach>();
  const add = (r: Reach) => out.set(`${r.from}|${r.to}|${r.port}`, r);
  const netpols = policies.filter((o) => o.kind === "NetworkPolicy" && isIngress(o));
  for (const dst of pods) {
    const to = `${dst.namespace}/${dst.name}`;
    const applying = netpols.filter(
      (np) => np.namespace === dst.namespace && selects(np.body.spec?.podSelector ?? {}, dst.labels),
    );
    if (applying.length === 0) {
      add({ from: ANY_SOURCE, to, port: "any" });
      continue;
    }
    for (const np of applying)
      for (const rule of np.body.spec?.ingress ?? []) {
        const rulePorts: number[] = (rule.ports ?? [])
          .map((p: any) => p.port)
          .filter((p: unknown): p is number => typeof p === "number");
        const ports: (number | "any")[] = rule.ports?.length ? rulePorts : dst.ports.length ? dst.ports : ["any"];
        const sources = rule.from?.length
          ? rule.from.flatMap((peer: any) => peerSources(peer, np.namespace, pods))
          : [ANY_SOURCE];
        for (const from of sources) for (const port of ports) add({ from, to, port });
      }
  }
  return [...out.values()];
}

/** One line per source and destination with its ports, sorted: the docs table's rows. */
export function reachRows(reach: readonly Reach[]): string[] {
  const byPair = new Map<string, (number | "any")[]>();
  for (const r of reach) byPair.set(`${r.from} | ${r.to}`, [...(byPair.get(`${r.from} | ${r.to}`) ?? []), r.port]);
  return [...byPair.entries()]
    .map(
      ([pair, ports]) =>
        `${pair} | ${[...new Set(ports)].sort((a, b) => String(a).localeCompare(String(b), "en", { numeric: true })).join(", ")}`,
    )
    .sort();
}
