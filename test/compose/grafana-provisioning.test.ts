import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { composeBundle } from "../../compose/bundle";
import { monitoringContent } from "../../compose/content";
import { grafanaLayout } from "../../compose/layout";

const content = monitoringContent();
const files = composeBundle(content);

/** Grafana's own pseudo-datasources, which need no provisioning. */
const builtIn = new Set(["-- Grafana --", "-- Mixed --", "-- Dashboard --", "grafana"]);

/** Every `datasource` reference in a dashboard, with where it sits. */
function datasourceRefs(node: unknown, at = "$"): Array<{ at: string; ref: unknown }> {
  if (!node || typeof node !== "object") return [];
  const out: Array<{ at: string; ref: unknown }> = [];
  for (const [k, v] of Object.entries(node)) {
    if (k === "datasource" && v !== null) out.push({ at: `${at}.${k}`, ref: v });
    out.push(...datasourceRefs(v, `${at}.${k}`));
  }
  return out;
}

describe("Grafana provisioning in the compose bundle", () => {
  const datasources = parse(files["grafana/provisioning/datasources/prometheus.yaml"]);
  const providers = parse(files["grafana/provisioning/dashboards/vllm.yaml"]);

  it("provisions one default Prometheus datasource in the layout Grafana reads", () => {
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toHaveLength(1);
    const [ds] = datasources.datasources;
    expect(ds).toMatchObject({
      name: expect.any(String),
      type: "prometheus",
      access: "proxy",
      url: "http://prometheus:9090",
      uid: grafanaLayout.datasourceUid,
      isDefault: true,
    });
  });

  it("has file dashboard providers whose paths are where the compose file mounts the dashboards", () => {
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers.length).toBeGreaterThan(0);
    for (const p of providers.providers) {
      expect(p).toMatchObject({ name: expect.any(String), type: "file", options: { path: expect.any(String) } });
      expect(p.options.path).toBe(grafanaLayout.dashboardsDir);
    }
    expect(files["docker-compose.yaml"]).toContain(`./grafana/dashboards:${grafanaLayout.dashboardsDir}:ro`);
  });

  it("ships every dashboard of the monitoring content as parseable JSON with its uid and title", () => {
    expect(content.dashboards.length).toBeGreaterThan(0);
    for (const d of content.dashboards) {
      const text = files[`grafana/dashboards/${d.fileName}`];
      expect(text, `${d.fileName} missing from the bundle`).toBeDefined();
      const json = JSON.parse(text);
      expect(json.uid).toBe(d.uid);
      expect(json.title).toBe(d.title);
      expect(
        Array.isArray(json.panels),
        `${d.fileName}: Grafana file provisioning needs classic JSON with panels`,
      ).toBe(true);
    }
    const shipped = Object.keys(files).filter((f) => f.startsWith("grafana/dashboards/"));
    expect(shipped).toHaveLength(content.dashboards.length);
  });

  it("resolves every datasource reference to the provisioned uid or a datasource variable", () => {
    const uid = datasources.datasources[0].uid;
    for (const d of content.dashboards) {
      const json = JSON.parse(files[`grafana/dashboards/${d.fileName}`]);
      const variables = new Set<string>(
        (json.templating?.list ?? [])
          .filter((v: any) => v.type === "datasource" && v.query === "prometheus")
          .map((v: any) => v.name),
      );
      const refs = datasourceRefs(json);
      expect(refs.length, `${d.fileName} has no datasource references at all`).toBeGreaterThan(0);
      for (const { at, ref } of refs) {
        const value = typeof ref === "string" ? ref : (ref as { uid?: string }).uid;
        if (value && builtIn.has(value)) continue;
        const variable = value?.match(/^\$\{?(\w+)\}?$/)?.[1];
        const ok = value === uid || (variable !== undefined && variables.has(variable));
        expect(
          ok,
          `${d.fileName} ${at} = ${JSON.stringify(ref)} resolves to neither uid "${uid}" nor a prometheus datasource variable`,
        ).toBe(true);
      }
    }
  });
});
