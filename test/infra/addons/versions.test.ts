import { describe, expect, it } from "vitest";
import { supportedKubernetesVersions } from "../../../infra/addons/versions";
import { CHARTS, CLUSTER_AUTOSCALER_IMAGE } from "../../../infra/addons/versions";

describe("pinned add-on charts", () => {
  it("every chart has an exact semver (no range, no latest) and an https repository", () => {
    for (const [key, c] of Object.entries(CHARTS)) {
      expect(c.version, key).toMatch(/^\d+\.\d+\.\d+$/);
      expect(c.repo, key).toMatch(/^https:\/\//);
    }
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
