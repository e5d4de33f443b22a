import { describe, expect, it } from "vitest";
import { ADDONS } from "../../../infra/addons/registry";
import { buildGraph } from "../../../scripts/graph/build";

// Several program runs in one file: buildGraph re-installs the mocks each time and the
// recorder only sees the current run, so repeated calls in one file work (checked here).
const charts = async (config: Record<string, unknown>, stack = "toggles") => {
  const g = await buildGraph({ config, stack });
  return {
    g,
    charts: g.nodes
      .filter((n) => n.type === "kubernetes:helm.sh/v3:Release")
      .map((n) => n.inputs.chart)
      .sort(),
  };
};
const existing = { mode: "existing" };
const eks = { mode: "eks", publicAccessCidrs: ["203.0.113.10/32"] };

describe("each add-on switches on and off from config", () => {
  it("turns every add-on off", async () => {
    const { g, charts: c } = await charts({
      cluster: eks,
      autoscaling: { enabled: false },
      addons: Object.fromEntries(ADDONS.map((d) => [d.key, false])),
    });
    expect(c).toEqual([]);
    expect(g.outputs.grafanaAdminPassword).toBeUndefined();
    expect(g.nodes.some((n) => n.name === "grafana-admin" || n.type.startsWith("random:"))).toBe(false);
  });

  it("turns each one off alone", async () => {
    // The config's `addons.*` toggles are the registry's keys; on EKS every add-on is on by default.
    const all = ADDONS.map((d) => d.chart.chart).sort();
    expect(all.length).toBeGreaterThan(1);
    for (const {
      key,
      chart: { chart },
    } of ADDONS) {
      // Config rules: the autoscaler needs KEDA, so turning it off turns autoscaling off too; without
      // kube-prometheus-stack the autoscaler's trigger queries the user's Prometheus.
      const needs: Record<string, object> = {
        keda: { autoscaling: { enabled: false } },
        kubePrometheusStack: { monitoring: { prometheusUrl: "https://prometheus.example.com" } },
      };
      const { charts: c } = await charts({ cluster: eks, addons: { [key]: false }, ...needs[key] });
      expect(c, key).toEqual(all.filter((x) => x !== chart));
    }
  }, 60_000);

  it("skips the device plugin on Bottlerocket by default and keeps dcgm-exporter", async () => {
    const { charts: c } = await charts({ cluster: eks, gpuNodes: { amiType: "BOTTLEROCKET_x86_64_NVIDIA" } });
    expect(c).not.toContain("nvidia-device-plugin");
    expect(c).toContain("dcgm-exporter");
  });

  it("without kube-prometheus-stack (an operator already runs) the rest still install and do not wait for it", async () => {
    const { g, charts: c } = await charts({
      cluster: existing,
      addons: { kubePrometheusStack: false },
      autoscaling: { enabled: false },
    });
    // Every other add-on an existing cluster gets (all but cluster-autoscaler).
    const rest = ADDONS.filter((d) => !["kubePrometheusStack", "clusterAutoscaler"].includes(d.key));
    expect(c).toEqual(rest.map((d) => d.chart.chart).sort());
    for (const r of g.nodes.filter((n) => n.type === "kubernetes:helm.sh/v3:Release"))
      expect(r.dependencies).not.toContain("kube-prometheus-stack");
  });

  it("exposes Grafana through a LoadBalancer only when asked", async () => {
    const { g } = await charts({
      cluster: existing,
      monitoring: { grafanaServiceType: "LoadBalancer", grafanaAllowedCidrs: ["10.20.0.0/16"] },
    });
    const kps = g.nodes.find((n) => n.name === "kube-prometheus-stack")!;
    // Internal by default, only the configured ranges, client addresses kept for the NetworkPolicy.
    expect(kps.inputs.values.grafana.service).toEqual({
      type: "LoadBalancer",
      annotations: { "service.beta.kubernetes.io/aws-load-balancer-internal": "true" },
      loadBalancerSourceRanges: ["10.20.0.0/16"],
      externalTrafficPolicy: "Local",
    });
    const np = g.nodes
      .find((n) => n.name === "monitoring-network-policies")!
      .inputs.objs.find((o: any) => o.metadata.name === "allow-to-grafana");
    expect(np.spec.ingress).toContainEqual({
      from: [{ ipBlock: { cidr: "10.20.0.0/16" } }],
      ports: [{ port: 3000, protocol: "TCP" }],
    });
  });
});
