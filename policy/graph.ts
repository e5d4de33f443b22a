import { parseAllDocuments } from "yaml";
import { SECRET, UNKNOWN } from "./model";
import type { PolicyNode } from "./types";

// Helpers that find Kubernetes objects and Helm releases in a resource graph, whichever way
// they were registered: inside a `kubernetes:yaml/v2:ConfigGroup` (`objs` / `yaml` inputs,
// all the offline graph shows), as plain `kubernetes:*` custom resources (what the real engine
// also shows as the ConfigGroup's children), or as Helm release values.

export { SECRET, UNKNOWN };

/** A value the rule cannot judge yet (secret or not known until apply). */
export const opaque = (v: unknown): boolean => v === SECRET || v === UNKNOWN;

export interface KubeObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  /** The object itself (metadata, spec, data, …). */
  body: Record<string, any>;
  /** The graph node that declares it (a ConfigGroup, or the custom resource itself). */
  node: PolicyNode;
}

const CONFIG_GROUP = "kubernetes:yaml/v2:ConfigGroup";
const NOT_OBJECTS = /^kubernetes:(helm\.sh|yaml|kustomize)\//;

const group = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");

function fromBody(body: any, node: PolicyNode): KubeObject | undefined {
  if (!body || typeof body !== "object" || typeof body.kind !== "string") return undefined;
  return {
    apiVersion: String(body.apiVersion ?? ""),
    kind: body.kind,
    name: String(body.metadata?.name ?? node.name),
    namespace: String(body.metadata?.namespace ?? ""),
    body,
    node,
  };
}

/** `kubernetes:apps/v1:Deployment` → apiVersion `apps/v1`, kind `Deployment`. */
function fromToken(type: string): { apiVersion: string; kind: string } | undefined {
  const m = type.match(/^kubernetes:([^:]+):([^:]+)$/);
  if (!m || NOT_OBJECTS.test(type) || m[1] === "index") return undefined;
  return { apiVersion: m[1].replace(/^core\//, ""), kind: m[2] };
}

function configGroupObjects(node: PolicyNode): KubeObject[] {
  const out: KubeObject[] = [];
  const objs = node.inputs.objs;
  if (Array.isArray(objs)) for (const o of objs) out.push(...[fromBody(o, node)].filter((x): x is KubeObject => !!x));
  const yamlText = node.inputs.yaml;
  for (const text of Array.isArray(yamlText) ? yamlText : [yamlText]) {
    if (typeof text !== "string" || opaque(text)) continue;
    for (const doc of parseAllDocuments(text)) {
      const o = fromBody(doc.toJSON(), node);
      if (o) out.push(o);
    }
  }
  return out;
}

/**
 * Every Kubernetes object in the graph, once each: an object declared in a ConfigGroup and
 * also present as its child resource (real engine) is kept once (the child wins).
 */
export function kubeObjects(graph: readonly PolicyNode[]): KubeObject[] {
  const byKey = new Map<string, KubeObject>();
  const key = (o: KubeObject) => `${group(o.apiVersion)}/${o.kind}/${o.namespace}/${o.name}`;
  for (const n of graph) if (n.type === CONFIG_GROUP) for (const o of configGroupObjects(n)) byKey.set(key(o), o);
  for (const n of graph) {
    const token = fromToken(n.type);
    if (!token || !n.custom) continue;
    const o = fromBody({ apiVersion: token.apiVersion, kind: token.kind, ...n.inputs }, n);
    if (o) byKey.set(key(o), o);
  }
  return [...byKey.values()];
}

export interface HelmRelease {
  node: PolicyNode;
  name: string;
  chart: string;
  version: unknown;
  values: Record<string, any>;
}

/** Helm v3 Releases and v4 Charts with their values. */
export function helmReleases(graph: readonly PolicyNode[]): HelmRelease[] {
  return graph
    .filter((n) => n.type === "kubernetes:helm.sh/v3:Release" || n.type === "kubernetes:helm.sh/v4:Chart")
    .map((n) => ({
      node: n,
      name: String(n.inputs.name ?? n.name),
      chart: String(n.inputs.chart ?? ""),
      version: n.inputs.version,
      values: n.inputs.values && typeof n.inputs.values === "object" ? n.inputs.values : {},
    }));
}

/**
 * The releases that run Grafana (kube-prometheus-stack, or the grafana chart itself), each with
 * Grafana's part of its values (kube-prometheus-stack nests them under `grafana`).
 */
export function grafanaReleases(graph: readonly PolicyNode[]): { release: HelmRelease; grafana: any }[] {
  return helmReleases(graph)
    .filter((r) => r.chart === "kube-prometheus-stack" || r.chart === "grafana")
    .map((release) => ({ release, grafana: release.chart === "grafana" ? release.values : release.values.grafana }));
}

export interface Workload {
  object: KubeObject;
  podSpec: Record<string, any>;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  /** Init, regular and ephemeral containers. */
  containers: Record<string, any>[];
}

/** The pod template of a workload object, if it has one. */
export function podTemplate(
  o: KubeObject,
): { spec: Record<string, any>; labels: Record<string, string>; annotations: Record<string, string> } | undefined {
  const b = o.body;
  const t =
    o.kind === "Pod"
      ? { spec: b.spec, metadata: b.metadata }
      : o.kind === "CronJob"
        ? b.spec?.jobTemplate?.spec?.template
        : ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"].includes(o.kind)
          ? b.spec?.template
          : undefined;
  if (!t?.spec || typeof t.spec !== "object") return undefined;
  return { spec: t.spec, labels: t.metadata?.labels ?? {}, annotations: t.metadata?.annotations ?? {} };
}

export function workloads(graph: readonly PolicyNode[]): Workload[] {
  return kubeObjects(graph).flatMap((object) => {
    const t = podTemplate(object);
    if (!t) return [];
    const containers = [
      ...(t.spec.initContainers ?? []),
      ...(t.spec.containers ?? []),
      ...(t.spec.ephemeralContainers ?? []),
    ].filter((c: any) => c && typeof c === "object");
    return [{ object, podSpec: t.spec, podLabels: t.labels, podAnnotations: t.annotations, containers }];
  });
}

/** Every container of every workload, with the workload (its pod spec, labels and namespace) it runs in. */
export function containers(graph: readonly PolicyNode[]): { workload: Workload; container: Record<string, any> }[] {
  return workloads(graph).flatMap((workload) => workload.containers.map((container) => ({ workload, container })));
}

/** `Deployment vllm/vllm` style label used in messages. */
export const describeObject = (o: KubeObject) =>
  `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}${o.node.type === CONFIG_GROUP ? ` (in ConfigGroup ${o.node.name})` : ""}`;

/** True when every key/value of `selector` is in `labels` (an empty selector matches nothing here). */
export function matches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/** Depth-first walk over plain JSON, calling `visit` with the dotted path of each value. */
export function walk(
  value: unknown,
  visit: (path: string, key: string, value: unknown, parent: any) => void,
  path = "",
): void {
  if (Array.isArray(value))
    value.forEach((v, i) => {
      visit(`${path}[${i}]`, String(i), v, value);
      walk(v, visit, `${path}[${i}]`);
    });
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      visit(p, k, v, value);
      walk(v, visit, p);
    }
}

/** Parse an IAM policy document input (JSON string or object); undefined if secret/unknown/invalid. */
export function policyDocument(v: unknown): { /** One statement or an array of them. */ Statement?: any } | undefined {
  if (typeof v === "string") {
    if (opaque(v)) return undefined;
    try {
      return JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return v && typeof v === "object" ? v : undefined;
}

/** One IAM policy statement, with Action, Principal and Resource as lists. */
export interface IamStatement {
  raw: Record<string, any>;
  sid?: string;
  effect: string;
  actions: string[];
  /** Principal "*" as ["*"], else the AWS principals' ARNs. */
  principals: string[];
  services: string[];
  resources: string[];
  condition?: Record<string, any>;
}

const list = (v: unknown): string[] => [v ?? []].flat().filter((x): x is string => typeof x === "string");

/** The statements of an IAM policy document (a JSON string or an object); none when it cannot be read. */
export function iamStatements(doc: unknown): IamStatement[] {
  return [policyDocument(doc)?.Statement ?? []]
    .flat()
    .filter((s: unknown): s is Record<string, any> => !!s && typeof s === "object")
    .map((s) => ({
      raw: s,
      sid: s.Sid,
      effect: s.Effect,
      actions: list(s.Action),
      principals: s.Principal === "*" ? ["*"] : list(s.Principal?.AWS),
      services: list(s.Principal?.Service),
      resources: list(s.Resource),
      condition: s.Condition,
    }));
}

/** Whether an IAM action pattern (`kms:Create*`, `sts:*`, `*`) covers an action, case-insensitively as IAM does. */
export const actionCovers = (pattern: string, action: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i").test(action);

/** The actions of a statement that cover any of `actions`. */
export const grants = (s: IamStatement, actions: readonly string[]) =>
  s.actions.filter((p) => actions.some((a) => actionCovers(p, a)));
