import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify, parse } from "yaml";
import { ConfigError, parseStackConfig } from "../../../infra/config-load";
import { CONTROL_PLANE_COMPONENTS, type ControlPlaneComponent } from "../../../infra/addons/values/control-plane";
import { CHARTS } from "../../../infra/addons/versions";
import { exampleGraph } from "../../graphs/read";
import { addonSettings } from "../../../infra/mapper/addons";

// kube-prometheus-stack's default alerts on a healthy EKS cluster (test/fixtures/kps-default-alerts.yaml,
// read from the chart's rule templates): each one that would fire must be switched off by our values
// (its template's gate is closed) or be quiet against what EKS really serves, checked by promtool.

interface Group {
  template: string;
  group: string;
  gate: string[];
  alerts: string[];
}
interface Alert {
  alert: string;
  severity: string;
  for: string;
  expr: string;
  firesWithChartDefaults: boolean;
  why: string;
}
interface Fixture {
  pinned: string;
  source: { commit: string; chartVersion: string };
  gateDefault: boolean;
  groups: Group[];
  eksScrapes: Record<ControlPlaneComponent, "absent" | "down">;
  healthyEks: Alert[];
}
const fixture: Fixture = parse(
  fs.readFileSync(new URL("../../fixtures/kps-default-alerts.yaml", import.meta.url), "utf8"),
);

type Values = Record<string, unknown>;
const get = (v: Values, key: string): unknown =>
  key.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Values)[k] : undefined), v);
/** A template renders when every key of its gate is true; a key we do not set keeps the chart default. */
const gateOpen = (values: Values, g: Group) => g.gate.every((k) => (get(values, k) ?? fixture.gateDefault) === true);
const groupOf = (alert: string) => {
  const g = fixture.groups.find((x) => x.alerts.includes(alert));
  if (!g) throw new Error(`${alert} is in no recorded group`);
  return g;
};

/** The `up` series a healthy EKS cluster gives the scrape jobs these values create, over 40 minutes. */
function eksSeries(values: Values) {
  const series = [
    { series: 'up{job="apiserver",instance="10.0.0.10:443"}', values: "1x40" },
    { series: 'up{job="kubelet",instance="10.0.1.11:10250"}', values: "1x40" },
    { series: 'up{job="kubelet",instance="10.0.2.12:10250"}', values: "1x40" },
  ];
  const jobs: Record<ControlPlaneComponent, string> = {
    kubeControllerManager: "kube-controller-manager",
    kubeScheduler: "kube-scheduler",
    kubeEtcd: "kube-etcd",
    kubeProxy: "kube-proxy",
  };
  for (const c of CONTROL_PLANE_COMPONENTS) {
    if ((get(values, `${c}.enabled`) ?? fixture.gateDefault) !== true || fixture.eksScrapes[c] === "absent") continue;
    for (const node of ["10.0.1.11", "10.0.2.12"])
      series.push({ series: `up{job="${jobs[c]}",instance="${node}:10249"}`, values: "0x40" });
  }
  return series;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kps-alerts-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** promtool unit test: the rendered healthy-EKS alerts must all be quiet after 30 minutes. */
function promtoolQuiet(values: Values) {
  const rendered = fixture.healthyEks.filter((a) => gateOpen(values, groupOf(a.alert)));
  fs.writeFileSync(
    path.join(dir, "rules.yaml"),
    stringify({
      groups: [
        {
          name: "kps-defaults",
          rules: rendered.map((a) => ({ alert: a.alert, expr: a.expr, for: a.for, labels: { severity: a.severity } })),
        },
      ],
    }),
  );
  fs.writeFileSync(
    path.join(dir, "test.yaml"),
    stringify({
      rule_files: ["rules.yaml"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: eksSeries(values),
          alert_rule_test: rendered.map((a) => ({ eval_time: "30m", alertname: a.alert, exp_alerts: [] })),
        },
      ],
    }),
  );
  const r = spawnSync("promtool", ["test", "rules", "test.yaml"], { cwd: dir, encoding: "utf8" });
  expect(r.error, "promtool must be installed (Debian package prometheus)").toBeUndefined();
  return { rendered: rendered.map((a) => a.alert), status: r.status, output: `${r.stdout}${r.stderr}` };
}

let eksValues: Values;
beforeAll(async () => {
  const graph = await exampleGraph("eks");
  const kps = graph.nodes.filter(
    (n) => n.type === "kubernetes:helm.sh/v3:Release" && n.name === "kube-prometheus-stack",
  );
  expect(kps).toHaveLength(1);
  eksValues = kps[0].inputs.values as Values;
});

describe("kube-prometheus-stack default alerts on a healthy EKS cluster", () => {
  it("the fixture names its source and matches the chart we pin", () => {
    expect(fixture.pinned).toBe(CHARTS.kubePrometheusStack.version);
    expect(fixture.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(
      fixture.healthyEks
        .filter((a) => a.firesWithChartDefaults)
        .map((a) => a.alert)
        .sort(),
    ).toEqual(["KubeControllerManagerDown", "KubeProxyInstanceUnreachable", "KubeSchedulerDown", "TargetDown"]);
  });

  it("with the chart's defaults, promtool sees the listed alerts fire (the check can fail)", () => {
    const r = promtoolQuiet({});
    expect(r.status).not.toBe(0);
    for (const a of fixture.healthyEks.filter((x) => x.firesWithChartDefaults))
      expect(r.output, a.alert).toContain(`alertname: ${a.alert}`);
  });

  it("the eks graph's values turn off every control-plane component EKS does not let Prometheus reach, and its rule groups", () => {
    for (const c of CONTROL_PLANE_COMPONENTS) expect(get(eksValues, `${c}.enabled`), c).toBe(false);
    for (const g of ["kubeControllerManager", "kubeSchedulerAlerting", "kubeSchedulerRecording", "etcd", "kubeProxy"])
      expect(get(eksValues, `defaultRules.rules.${g}`), g).toBe(false);
  });

  it("each listed alert is disabled (its template's gate is closed) or quiet under promtool", () => {
    const disabled = fixture.healthyEks.filter((a) => !gateOpen(eksValues, groupOf(a.alert))).map((a) => a.alert);
    expect(disabled).toEqual(
      expect.arrayContaining([
        "KubeControllerManagerDown",
        "KubeSchedulerDown",
        "KubeProxyInstanceUnreachable",
        "KubeProxyDown",
        "etcdMembersDown",
      ]),
    );
    const r = promtoolQuiet(eksValues);
    // What is still rendered (TargetDown, from the always-on general group) is satisfied: no job is down.
    expect(r.rendered).toEqual(["TargetDown"]);
    expect(r.status, r.output).toBe(0);
    expect([...disabled, ...r.rendered].sort()).toEqual(fixture.healthyEks.map((a) => a.alert).sort());
  });
});

describe("control-plane scraping per distribution (existing mode) and its overrides", () => {
  const scraping = (monitoring: object, mode: "eks" | "existing" = "existing") => {
    const config = parseStackConfig({ cluster: { mode, publicAccessCidrs: ["203.0.113.10/32"] }, monitoring });
    return addonSettings(config).kubePrometheusStack.controlPlane;
  };

  it("defaults: nothing on eks, kind, k3s or an unknown cluster; kube-proxy on minikube (it binds metrics to 0.0.0.0)", () => {
    const off = { kubeControllerManager: false, kubeScheduler: false, kubeEtcd: false, kubeProxy: false };
    expect(scraping({}, "eks")).toEqual(off);
    expect(scraping({})).toEqual(off);
    for (const d of ["kind", "k3s", "other", "eks"])
      expect(scraping({ controlPlaneMetrics: { distribution: d } }), d).toEqual(off);
    expect(scraping({ controlPlaneMetrics: { distribution: "minikube" } })).toEqual({ ...off, kubeProxy: true });
  });

  it("a per-component key overrides the distribution's default", () => {
    const s = scraping({
      controlPlaneMetrics: { distribution: "kind", kubeScheduler: true, kubeControllerManager: true },
    });
    expect(s).toEqual({ kubeControllerManager: true, kubeScheduler: true, kubeEtcd: false, kubeProxy: false });
    expect(scraping({ controlPlaneMetrics: { distribution: "minikube", kubeProxy: false } }).kubeProxy).toBe(false);
    expect(scraping({ controlPlaneMetrics: { kubeProxy: true } }, "eks").kubeProxy).toBe(true);
  });

  it("rejects what EKS cannot serve and unknown values, naming the key", () => {
    const bad = (mode: "eks" | "existing", controlPlaneMetrics: object) => {
      try {
        parseStackConfig({
          cluster: { mode, publicAccessCidrs: ["203.0.113.10/32"] },
          monitoring: { controlPlaneMetrics },
        });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad("eks", { kubeScheduler: true })).toContain("monitoring.controlPlaneMetrics.kubeScheduler");
    expect(bad("existing", { distribution: "eks", kubeEtcd: true })).toContain(
      "monitoring.controlPlaneMetrics.kubeEtcd",
    );
    expect(bad("eks", { distribution: "kind" })).toContain("monitoring.controlPlaneMetrics.distribution");
    expect(bad("existing", { distribution: "openshift" })).toContain("monitoring.controlPlaneMetrics.distribution");
    expect(bad("existing", { kubeProxi: true })).toContain("kubeProxi");
  });
});
