// The connection check shared by the flow suites and the configuration matrix: from a built graph,
// list every connection its objects ask for, compute what its NetworkPolicies admit (policy/netpol.ts,
// the API's own semantics over the emitted objects), and compare both ways.
import {
  objectRoutes,
  PROMETHEUS_PODS,
  serviceMonitorFlows,
  serviceUrlsIn,
  urlFlows,
  type Flow,
  type ServiceRoute,
} from "../../charts/netpol";
import type { AddonSettings } from "../../infra/addons";
import { addonFlows, addonPods, addonRoutes } from "../../infra/addons/connections";
import { KEDA_OPERATOR_PODS } from "../../infra/addons/keda";
import { ADDONS } from "../../infra/addons/registry";
import { helmReleases, kubeObjects, workloads } from "../../policy/graph";
import type { GraphNode } from "../../policy/model";
import { ANY_SOURCE, reachability, type CataloguePod, type Reach } from "../../policy/netpol";

const NAME = "app.kubernetes.io/name";

export interface Connection {
  from: string;
  to: string;
  port: number;
  why: string;
}

/** Our workloads (named by their app.kubernetes.io/name) and the installed add-ons' declared pods. */
export function catalogue(graph: readonly GraphNode[], s: AddonSettings): CataloguePod[] {
  const ours = workloads(graph).map((w) => ({
    namespace: w.object.namespace,
    name: w.podLabels[NAME] ?? w.object.name,
    labels: w.podLabels,
    ports: w.containers.flatMap((c) => (c.ports ?? []).map((p: any) => p.containerPort)),
  }));
  const addons = addonPods(s).map(({ namespace, pods }) => ({
    namespace,
    name: pods.name,
    labels: { ...pods.labels, "app.kubernetes.io/instance": "release" },
    ports: pods.ports,
  }));
  // Without kube-prometheus-stack, a Prometheus the cluster already runs scrapes our ServiceMonitors;
  // the flows name it by the operator's labels in the monitoring namespace, so catalogue one there.
  const scraper = addons.some((p) => p.name === PROMETHEUS_PODS.name)
    ? []
    : [
        {
          namespace: s.monitoringNamespace,
          name: PROMETHEUS_PODS.name,
          labels: { ...PROMETHEUS_PODS.labels },
          ports: [],
        },
      ];
  return [...ours, ...addons, ...scraper];
}

const sourceName = (f: Flow): string => {
  switch (f.from.kind) {
    case "pods":
      return `${f.from.namespace}/${f.from.pods.name}`;
    case "namespace":
      return `every pod in ${f.from.namespace}`;
    case "cidrs":
      return f.from.cidrs.join(",");
    case "apiServer":
      return ANY_SOURCE;
  }
};

const toConnections = (flows: readonly Flow[]): Connection[] =>
  flows.flatMap((f) =>
    (f.from.kind === "cidrs" ? f.from.cidrs : [sourceName(f)]).flatMap((from) =>
      f.ports.map((port) => ({ from, to: `${f.to.namespace}/${f.to.pods.name}`, port, why: f.why })),
    ),
  );

export interface ConnectionCheck {
  /** Every connection the objects ask for. */
  expected: Connection[];
  /** Connections asked for but not admitted. */
  blocked: Connection[];
  /** Admitted but asked for by nothing. */
  extra: Reach[];
  /** URLs naming a Service neither the objects nor the installed add-ons provide. */
  unresolved: string[];
}

/**
 * What the graph asks for: the Service URLs our pods are given (resolved through our Services and
 * the installed add-ons'), our ServiceMonitors, the Service URLs in each Helm release's values (from
 * that add-on's pods), and each installed add-on's declared connections.
 */
export function checkConnections(
  graph: readonly GraphNode[],
  s: AddonSettings,
  clientNamespaces: readonly string[] = [],
): ConnectionCheck {
  const objs = kubeObjects(graph).map((o) => o.body);
  const routes: ServiceRoute[] = [...objectRoutes(objs), ...addonRoutes(s)];
  const fromObjects = urlFlows(objs, routes);
  const unresolved = fromObjects.unresolved.map(
    (u) => `${u.from} ${u.where}: ${u.address.service}.${u.address.namespace}:${u.address.port}`,
  );
  const fromValues: Flow[] = [];
  for (const r of helmReleases(graph)) {
    const d = ADDONS.find((x) => x.release === r.name);
    if (!d) continue;
    for (const { path, address } of serviceUrlsIn(r.values, "values")) {
      const route = routes.find(
        (x) => x.service === address.service && x.namespace === address.namespace && x.port === address.port,
      );
      if (!route) {
        unresolved.push(`Helm release ${r.name} ${path}: ${address.service}.${address.namespace}:${address.port}`);
        continue;
      }
      for (const pods of d.pods ?? [])
        fromValues.push({
          from: { kind: "pods", namespace: d.namespace(s), pods },
          to: { namespace: route.namespace, pods: route.pods },
          ports: [route.targetPort],
          why: `Helm release ${r.name} ${path}`,
        });
    }
  }
  // KEDA's operator runs each ScaledObject's triggers: the Prometheus trigger's serverAddress is its connection.
  const fromTriggers: Flow[] = [];
  for (const o of objs as { kind?: string; metadata?: { name?: string }; spec?: { triggers?: unknown } }[]) {
    if (o.kind !== "ScaledObject") continue;
    for (const { path, address } of serviceUrlsIn(o.spec?.triggers, "triggers")) {
      const route = routes.find(
        (x) => x.service === address.service && x.namespace === address.namespace && x.port === address.port,
      );
      if (!route) {
        unresolved.push(
          `ScaledObject ${o.metadata?.name} ${path}: ${address.service}.${address.namespace}:${address.port}`,
        );
        continue;
      }
      fromTriggers.push({
        from: { kind: "pods", namespace: s.monitoringNamespace, pods: KEDA_OPERATOR_PODS },
        to: { namespace: route.namespace, pods: route.pods },
        ports: [route.targetPort],
        why: `ScaledObject ${o.metadata?.name} ${path}`,
      });
    }
  }
  const monitoringNs = s.monitoringNamespace;
  const expected = toConnections([
    ...fromTriggers,
    ...fromObjects.flows,
    ...serviceMonitorFlows(objs, monitoringNs),
    ...fromValues,
    ...addonFlows({ ...s, clients: [] }),
  ]).concat(
    // serving.allowedClientNamespaces: every pod there may call the vLLM API.
    clientNamespaces
      .filter((ns) => ns !== s.servingNamespace)
      .map((ns) => ({
        from: `every pod in ${ns}`,
        to: `${s.servingNamespace}/vllm`,
        port: 8000,
        why: "client namespace",
      })),
  );
  const pods = catalogue(graph, s);
  const reach = reachability(kubeObjects(graph), pods);
  // A pod no policy selects accepts anything (reach says `any source`, port `any`).
  const admitted = (c: Connection) =>
    reach.some(
      (r) => r.to === c.to && ((r.from === ANY_SOURCE && r.port === "any") || (r.from === c.from && r.port === c.port)),
    );
  const asked = (r: Reach) =>
    expected.some((c) => c.from === r.from && c.to === r.to && (r.port === c.port || r.port === "any"));
  // Pods no policy selects accept anything: only the ones we isolate count as "admitted more".
  const isolated = (r: Reach) => !(r.from === ANY_SOURCE && r.port === "any");
  return {
    expected,
    blocked: expected.filter((c) => !admitted(c)),
    extra: reach.filter((r) => isolated(r) && !asked(r)),
    unresolved,
  };
}
