// Connections read from the objects themselves: every in-cluster URL a pod is given (env, args,
// command) and every ServiceMonitor target is a connection the NetworkPolicies must admit. A URL
// names a Service; the Service (ours, from the objects, or an add-on's, from its descriptor) names
// the pods behind it and the port they serve, which is what a NetworkPolicy admits.
// A URL outside the cluster (monitoring.prometheusUrl, say) is no flow here: our NetworkPolicies
// admit ingress into our namespaces and leave egress open, so it needs no rule of ours (a cluster
// with its own default-deny egress must admit KEDA's operator and the benchmark to that host).
import type { Flow } from "./flows";
import { PROMETHEUS_PODS, type PodGroup } from "./pods";

/** A Service URLs reach pods through: its DNS name and port, the pods behind it and their port. */
export interface ServiceRoute {
  namespace: string;
  service: string;
  port: number;
  /** Port of the pods the Service forwards `port` to. */
  targetPort: number;
  pods: PodGroup;
}

/** An in-cluster Service address: `<service>.<namespace>.svc[.cluster.local][:port]`. */
export interface ServiceAddress {
  service: string;
  namespace: string;
  port: number;
}

const LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const SVC_URL = new RegExp(
  `^(https?)://(${LABEL})\\.(${LABEL})\\.svc(?:\\.cluster\\.local)?\\.?(?::(\\d+))?(?:[/?#]|$)`,
);

/**
 * The Service a URL names, or undefined for anything that is not an in-cluster Service URL.
 * Without a port: `defaultPort` (a chart value beside the URL), else the scheme's.
 */
export function serviceAddress(url: string, defaultPort?: number): ServiceAddress | undefined {
  const m = SVC_URL.exec(url.trim());
  if (!m) return undefined;
  const port = m[6] ? Number(m[6]) : (defaultPort ?? (m[1] === "https" ? 443 : 80));
  return { service: m[2], namespace: m[4], port };
}

/** Every Service URL in a value (Helm values, a container), with where it was found. */
export function serviceUrlsIn(value: unknown, path = ""): { path: string; address: ServiceAddress }[] {
  const out: { path: string; address: ServiceAddress }[] = [];
  const visit = (v: unknown, p: string, parent?: Record<string, unknown>) => {
    if (typeof v === "string") {
      // Charts that take the port apart from the URL (prometheus-adapter's prometheus.url/port).
      const sibling = typeof parent?.port === "number" ? parent.port : undefined;
      const address = serviceAddress(v, sibling);
      if (address) out.push({ path: p, address });
    } else if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${p}[${i}]`));
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) visit(x, p ? `${p}.${k}` : k, v as Record<string, unknown>);
  };
  visit(value, path);
  return out;
}

interface ContainerLike {
  ports?: { containerPort: number; name?: string }[];
  env?: { name: string; value?: string }[];
  args?: string[];
  command?: string[];
}
interface PodSpecLike {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
}
interface TemplateLike {
  metadata?: { labels?: Record<string, string> };
  spec?: PodSpecLike;
}
interface PortLike {
  name?: string;
  port: number;
  targetPort?: number | string;
}
/** The fields of a manifest this module reads (workloads, Services, ServiceMonitors). */
interface Manifest {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    template?: TemplateLike;
    jobTemplate?: { spec?: { template?: TemplateLike } };
    /** A Service's selector is the labels; a ServiceMonitor's has matchLabels. */
    selector?: Record<string, string | Record<string, string> | undefined>;
    ports?: PortLike[];
    namespaceSelector?: { matchNames?: string[] };
    endpoints?: { port?: string; targetPort?: number; path?: string }[];
  };
}
/** A manifest as cdk8s or the graph hands it over. */
type Obj = object;
const manifest = (o: Obj) => o as Manifest;

/** A pod template of a workload object, with the object it belongs to. */
export interface PodTemplate {
  kind: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  spec: PodSpecLike;
}

const NAME = "app.kubernetes.io/name";

/** The pod templates of Deployments, StatefulSets, DaemonSets, Jobs and CronJobs. */
export function podTemplates(objs: readonly Obj[]): PodTemplate[] {
  return objs.map(manifest).flatMap((o): PodTemplate[] => {
    const template =
      o.kind === "CronJob"
        ? o.spec?.jobTemplate?.spec?.template
        : ["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind ?? "")
          ? o.spec?.template
          : undefined;
    if (!template?.spec) return [];
    const namespace = o.metadata?.namespace ?? "default";
    return [
      {
        kind: o.kind ?? "",
        name: o.metadata?.name ?? "",
        namespace,
        labels: template.metadata?.labels ?? {},
        spec: template.spec,
      },
    ];
  });
}

/** A pod template as a NetworkPolicy source: the pods of its `app.kubernetes.io/name`. */
export function podGroupOf(t: PodTemplate): PodGroup {
  const name = t.labels[NAME];
  if (!name) throw new Error(`${t.kind} ${t.namespace}/${t.name}: its pods have no ${NAME} label to admit them by`);
  const ports = (t.spec.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
  return { name, labels: { [NAME]: name }, ports };
}

const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Our Services in the objects, resolved to the pod templates they select. */
export function objectRoutes(
  objs: readonly Obj[],
): (ServiceRoute & { portName?: string; labels: Record<string, string> })[] {
  const templates = podTemplates(objs);
  return objs
    .map(manifest)
    .filter((o) => o.kind === "Service")
    .flatMap((svc) => {
      const namespace = svc.metadata?.namespace ?? "default";
      const selector = (svc.spec?.selector ?? {}) as Record<string, string>;
      const backing = templates.find((t) => t.namespace === namespace && selects(selector, t.labels));
      if (!backing) return [];
      const group = podGroupOf(backing);
      const named = new Map<string, number>(
        (backing.spec.containers ?? []).flatMap((c) =>
          (c.ports ?? []).flatMap((cp) => (cp.name ? [[cp.name, cp.containerPort] as const] : [])),
        ),
      );
      return (svc.spec?.ports ?? []).map((p) => {
        // A named targetPort is the container port of that name; none means the Service port.
        const targetPort =
          typeof p.targetPort === "number" ? p.targetPort : p.targetPort ? named.get(p.targetPort) : p.port;
        if (targetPort === undefined)
          throw new Error(
            `Service ${namespace}/${svc.metadata?.name ?? ""}: targetPort ${p.targetPort} names no container port`,
          );
        return {
          namespace,
          service: svc.metadata?.name ?? "",
          port: p.port,
          targetPort,
          portName: p.name,
          labels: svc.metadata?.labels ?? {},
          pods: { name: group.name, labels: { ...selector }, ports: group.ports },
        };
      });
    });
}

/** A connection a pod is given that no known Service serves. */
export interface Unresolved {
  from: string;
  where: string;
  address: ServiceAddress;
}

const findRoute = (routes: readonly ServiceRoute[], a: ServiceAddress) =>
  routes.find((r) => r.service === a.service && r.namespace === a.namespace && r.port === a.port);

/**
 * The connections every pod template opens through a Service URL in its containers' env, args or
 * command. A URL to a Service no route knows comes back in `unresolved`.
 */
export function urlFlows(
  objs: readonly Obj[],
  routes: readonly ServiceRoute[],
): { flows: Flow[]; unresolved: Unresolved[] } {
  const flows: Flow[] = [];
  const unresolved: Unresolved[] = [];
  for (const t of podTemplates(objs)) {
    const containers = [...(t.spec.initContainers ?? []), ...(t.spec.containers ?? [])];
    const found = containers.flatMap((c) => [
      ...(c.env ?? []).flatMap((e) => serviceUrlsIn(e.value).map((u) => ({ ...u, path: `env ${e.name}` }))),
      ...serviceUrlsIn(c.args ?? [], "args"),
      ...serviceUrlsIn(c.command ?? [], "command"),
    ]);
    for (const { path, address } of found) {
      const from = `${t.kind} ${t.namespace}/${t.name}`;
      const route = findRoute(routes, address);
      if (!route) {
        unresolved.push({ from, where: path, address });
        continue;
      }
      flows.push({
        from: { kind: "pods", namespace: t.namespace, pods: podGroupOf(t) },
        to: { namespace: route.namespace, pods: route.pods },
        ports: [route.targetPort],
        why: `${from} ${path}`,
      });
    }
  }
  return { flows, unresolved };
}

/** Prometheus scrapes every target of our ServiceMonitors (Services in the objects). */
export function serviceMonitorFlows(objs: readonly Obj[], monitoringNamespace: string): Flow[] {
  const routes = objectRoutes(objs);
  return objs
    .map(manifest)
    .filter((o) => o.kind === "ServiceMonitor")
    .flatMap((sm) => {
      const ns = sm.metadata?.namespace ?? "default";
      const namespaces = sm.spec?.namespaceSelector?.matchNames ?? [ns];
      const selector = (sm.spec?.selector?.matchLabels ?? {}) as Record<string, string>;
      return (sm.spec?.endpoints ?? []).flatMap((ep) =>
        routes
          .filter((r) => namespaces.includes(r.namespace) && selects(selector, r.labels))
          .filter((r) => (ep.port ? r.portName === ep.port : r.targetPort === ep.targetPort))
          .map((r): Flow => ({
            from: { kind: "pods", namespace: monitoringNamespace, pods: PROMETHEUS_PODS },
            to: { namespace: r.namespace, pods: r.pods },
            ports: [r.targetPort],
            why: `ServiceMonitor ${ns}/${sm.metadata?.name} scrapes ${ep.path ?? "/metrics"}`,
          })),
      );
    });
}

/** One flow per source, destination and port set: the same connection found twice is admitted once. */
export function dedupeFlows(flows: readonly Flow[]): Flow[] {
  const key = (f: Flow) => JSON.stringify([f.from, f.to.namespace, f.to.pods.name, [...f.ports].sort((a, b) => a - b)]);
  const seen = new Map<string, Flow>();
  for (const f of flows) if (!seen.has(key(f))) seen.set(key(f), f);
  return [...seen.values()];
}
