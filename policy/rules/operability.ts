import { describeObject, helmReleases, kubeObjects, matches, podTemplate, walk, type KubeObject } from "../graph";
import { rule, type Rule } from "../types";
import { vllmDeployments } from "./workload-ids";

// Rules about the vLLM Deployment only fire when it exists; test/policy/default-stacks.test.ts
// fails separately when the default stacks stop having one, so they cannot pass vacuously.

const sameNamespace = (a: KubeObject, b: KubeObject) => (a.namespace || "") === (b.namespace || "");
const selectorOf = (o: KubeObject): Record<string, string> | undefined => o.body.spec?.selector?.matchLabels;

/** The serving container: the one with the HTTP port, else the first. */
function servingContainer(d: KubeObject): Record<string, any> | undefined {
  const cs: any[] = podTemplate(d)?.spec.containers ?? [];
  return cs.find((c) => (c.ports ?? []).some((p: any) => p?.name === "http")) ?? cs[0];
}

export const vllmProbes = rule({
  id: "vllm-probes",
  description:
    "The vLLM container has startup, readiness and liveness probes (model load takes minutes; traffic only once /health answers).",
  severity: "high",
  scope: "resource",
  check(graph, report) {
    for (const d of vllmDeployments(graph)) {
      const c = servingContainer(d);
      const missing = ["startupProbe", "readinessProbe", "livenessProbe"].filter((p) => !c?.[p]);
      if (missing.length)
        report(
          d.node,
          `${describeObject(d)} container ${c?.name ?? "(none)"} has no ${missing.join(", ")}: set them on /health, the startup probe sized for model load time.`,
        );
    }
  },
});

export const vllmPdb = rule({
  id: "vllm-pdb",
  description: "A PodDisruptionBudget in the vLLM namespace selects the vLLM pods.",
  severity: "medium",
  scope: "stack",
  check(graph, report) {
    const objs = kubeObjects(graph);
    for (const d of vllmDeployments(graph).filter(
      (d) =>
        !objs.some(
          (p) =>
            p.kind === "PodDisruptionBudget" && sameNamespace(p, d) && matches(selectorOf(p), podTemplate(d)?.labels),
        ),
    ))
      report(
        d.node,
        `${describeObject(d)} has no PodDisruptionBudget selecting its pods: a node drain could take every replica at once. Add one (charts/vllm) with maxUnavailable: 1.`,
      );
  },
});

export const vllmHpa = rule({
  id: "vllm-hpa-behavior",
  description:
    "When autoscaling is on, an autoscaling/v2 HPA or a KEDA ScaledObject targets the vLLM Deployment; every one on it sets scale-up and scale-down behaviour (GPU pods start slowly).",
  severity: "medium",
  scope: "stack",
  uses: ["expectHpa"],
  check(graph, report, ctx) {
    const objs = kubeObjects(graph);
    for (const d of vllmDeployments(graph)) {
      // An HPA, or a KEDA ScaledObject: KEDA creates the HPA from it, with the behaviour it carries.
      const hpas = objs.filter(
        (h) =>
          (h.kind === "HorizontalPodAutoscaler" || h.kind === "ScaledObject") &&
          sameNamespace(h, d) &&
          (h.body.spec?.scaleTargetRef?.kind ?? "Deployment") === "Deployment" &&
          h.body.spec?.scaleTargetRef?.name === d.name,
      );
      if (hpas.length === 0 && ctx.expectHpa)
        report(
          d.node,
          `${describeObject(d)} has no HorizontalPodAutoscaler although autoscaling is enabled. Add the request-rate HPA, or set autoscaling.enabled: false.`,
        );
      for (const h of hpas) {
        const b =
          h.kind === "ScaledObject"
            ? h.body.spec?.advanced?.horizontalPodAutoscalerConfig?.behavior
            : h.body.spec?.behavior;
        const missing = ["scaleUp", "scaleDown"].filter((k) => !b?.[k]);
        if (missing.length)
          report(
            h.node,
            `${describeObject(h)} (scaling ${d.kind} ${d.name}) has no behavior.${missing.join(", behavior.")}: the default reacts in seconds, far faster than a GPU pod starts. Set stabilization windows and policies.`,
          );
      }
    }
  },
});

export const vllmServiceMonitor = rule({
  id: "vllm-servicemonitor",
  description:
    "A Service selects the vLLM pods and a ServiceMonitor selects that Service (same namespace or listed in namespaceSelector) on one of its named ports.",
  severity: "high",
  scope: "stack",
  check(graph, report) {
    const objs = kubeObjects(graph);
    for (const d of vllmDeployments(graph)) {
      const services = objs.filter(
        (s) => s.kind === "Service" && sameNamespace(s, d) && matches(s.body.spec?.selector, podTemplate(d)?.labels),
      );
      const monitored = services.some((s) =>
        objs.some((m) => {
          if (m.kind !== "ServiceMonitor") return false;
          const nsSel = m.body.spec?.namespaceSelector;
          const nsOk =
            nsSel?.any === true ||
            (nsSel?.matchNames ?? []).includes(s.namespace) ||
            (!nsSel?.matchNames && sameNamespace(m, s));
          const portNames = (s.body.spec?.ports ?? []).map((p: any) => p?.name);
          const portOk = (m.body.spec?.endpoints ?? []).some((e: any) => portNames.includes(e?.port));
          return nsOk && portOk && matches(m.body.spec?.selector?.matchLabels, s.body.metadata?.labels);
        }),
      );
      if (!monitored)
        report(
          d.node,
          `${describeObject(d)} is not scraped: ${services.length ? `no ServiceMonitor selects Service ${services.map((s) => s.name).join("/")} on a named port` : "no Service selects its pods"}. Dashboards, alerts and the HPA would have no data.`,
        );
    }
  },
});

export const alertsHaveSeverityAndRunbook = rule({
  id: "alerts-severity-runbook",
  description: "Every alerting rule in PrometheusRule objects has a severity label and a runbook_url annotation.",
  severity: "medium",
  scope: "resource",
  check(graph, report) {
    for (const o of kubeObjects(graph)) {
      if (o.kind !== "PrometheusRule") continue;
      for (const g of o.body.spec?.groups ?? [])
        for (const r of g?.rules ?? []) {
          if (!r?.alert) continue;
          const missing = [
            ...(r.labels?.severity ? [] : ["labels.severity"]),
            ...(r.annotations?.runbook_url ? [] : ["annotations.runbook_url"]),
          ];
          if (missing.length)
            report(
              o.node,
              `${describeObject(o)} alert ${r.alert} (group ${g.name}) has no ${missing.join(" and no ")}: on-call cannot route or act on it. Set them in monitoring/alerts.`,
            );
        }
    }
  },
});

export const prometheusRetention = rule({
  id: "prometheus-retention",
  description:
    "Prometheus has an explicit retention (kube-prometheus-stack values prometheus.prometheusSpec.retention, or spec.retention on Prometheus objects).",
  severity: "low",
  enforcement: "advisory",
  scope: "resource",
  check(graph, report) {
    for (const r of helmReleases(graph)) {
      if (r.chart !== "kube-prometheus-stack" || r.values.prometheus?.enabled === false) continue;
      if (!r.values.prometheus?.prometheusSpec?.retention)
        report(
          r.node,
          `Helm release ${r.name} sets no prometheus.prometheusSpec.retention: the chart default may not fit the volume. Set monitoring.prometheusRetention.`,
        );
    }
    for (const o of kubeObjects(graph))
      if (o.kind === "Prometheus" && !o.body.spec?.retention)
        report(o.node, `${describeObject(o)} sets no spec.retention. Set it to fit its volume.`);
  },
});

export const noUnplannedLoadBalancer = rule({
  id: "no-unplanned-loadbalancer",
  description:
    "No Service of type LoadBalancer (objects or Helm values) unless the stack config asks for it (e.g. monitoring.grafanaServiceType); they cost money, expose services and block `pulumi destroy` when left behind.",
  severity: "medium",
  scope: "resource",
  uses: ["allowLoadBalancers"],
  check(graph, report, ctx) {
    for (const o of kubeObjects(graph)) {
      const key = `${o.namespace}/${o.name}`;
      if (o.kind === "Service" && o.body.spec?.type === "LoadBalancer" && !ctx.allowLoadBalancers.includes(key))
        report(
          o.node,
          `${describeObject(o)} is type LoadBalancer, which the config does not ask for: use ClusterIP (kubectl port-forward) or allow "${key}".`,
        );
    }
    for (const r of helmReleases(graph)) {
      const key = `release/${r.name}`;
      if (ctx.allowLoadBalancers.includes(key)) continue;
      walk(r.values, (path, k, value) => {
        if (k === "type" && value === "LoadBalancer")
          report(
            r.node,
            `Helm release ${r.name} values.${path} is LoadBalancer, which the config does not ask for: use ClusterIP, or set the config that allows it ("${key}").`,
          );
      });
    }
  },
});

export const operabilityRules: Rule[] = [
  vllmProbes,
  vllmPdb,
  vllmHpa,
  vllmServiceMonitor,
  alertsHaveSeverityAndRunbook,
  prometheusRetention,
  noUnplannedLoadBalancer,
];
