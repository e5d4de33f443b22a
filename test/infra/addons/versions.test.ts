import { describe, expect, it } from "vitest";
import { supportedKubernetesVersions, type PinnedChart } from "../../../infra/addons/versions";
import { CHARTS, CLUSTER_AUTOSCALER_IMAGE } from "../../../infra/addons/versions";

/**
 * Why a pin cannot be trusted: it has no record of where its version was read, or the record
 * names another version, no commit, or not a Chart.yaml of a tag of that version.
 */
function pinProblems(c: Partial<PinnedChart> & { version: string }): string[] {
  const s = c.source;
  if (!s) return [`${c.chart} ${c.version}: no record of where this version was read`];
  const problems: string[] = [];
  if (s.version !== c.version) problems.push(`${c.chart}: pinned ${c.version} but the record read ${s.version}`);
  if (!/^[0-9a-f]{40}$/.test(s.commit)) problems.push(`${c.chart}: the record names no commit`);
  if (!/^[\w.-]+\/[\w.-]+$/.test(s.repository)) problems.push(`${c.chart}: the record names no owner/name repository`);
  if (!s.path.endsWith("Chart.yaml")) problems.push(`${c.chart}: the record read ${s.path}, not a Chart.yaml`);
  if (!s.tag.endsWith(c.version)) problems.push(`${c.chart}: tag ${s.tag} is not the release of ${c.version}`);
  return problems;
}

describe("pinned add-on charts", () => {
  it("every chart has an exact semver (no range, no latest) and an https repository", () => {
    for (const [key, c] of Object.entries(CHARTS)) {
      expect(c.version, key).toMatch(/^\d+\.\d+\.\d+$/);
      expect(c.repo, key).toMatch(/^https:\/\//);
    }
  });

  it("every pin names the Chart.yaml, tag and commit its exact version was read at", () => {
    expect(Object.values(CHARTS).flatMap(pinProblems)).toEqual([]);
  });

  it("a pin without a record, or newer than its record, fails", () => {
    const kps = CHARTS.kubePrometheusStack;
    expect(pinProblems({ chart: kps.chart, version: kps.version })).toEqual([
      `kube-prometheus-stack ${kps.version}: no record of where this version was read`,
    ]);
    expect(pinProblems({ ...kps, version: "88.6.4" })).toEqual([
      `kube-prometheus-stack: pinned 88.6.4 but the record read ${kps.version}`,
      `kube-prometheus-stack: tag ${kps.source.tag} is not the release of 88.6.4`,
    ]);
  });

  it("pins the chart series DESIGN §4 names", () => {
    expect(CHARTS.nvidiaDevicePlugin.version).toMatch(/^0\.20\./);
    expect(CHARTS.dcgmExporter.version).toMatch(/^4\.8\./);
    expect(CHARTS.kubePrometheusStack.version).toMatch(/^88\./);
    expect(CHARTS.keda.version).toMatch(/^2\.20\./);
    expect(CHARTS.clusterAutoscaler.version).toMatch(/^9\.59\./);
    expect(CHARTS.pushgateway.version).toMatch(/^3\.8\./);
  });

  it("has a cluster-autoscaler image for every supported Kubernetes minor, on that minor", () => {
    for (const v of supportedKubernetesVersions) {
      expect(CLUSTER_AUTOSCALER_IMAGE.tagByKubernetesMinor[v]).toMatch(
        new RegExp(`^v${v.replace(".", "\\.")}\\.\\d+$`),
      );
    }
  });
});
