import { describe, expect, it } from "vitest";
import { HTTP_PORT } from "../../charts/vllm/labels";
import type { ServiceRoute } from "../../charts/netpol";
import { addonRoutes } from "../../infra/addons/connections";
import { ADDONS } from "../../infra/addons/registry";
import { parseStackConfig } from "../../infra/config-load";
import { addonSettings } from "../../infra/mapper/addons";
import { GENERATED_TABLES } from "../../scripts/docs/tables";
import { listDocs, type Doc } from "./extract";

// Facts the docs' prose restates from code (in-cluster ports, chart versions) must match it; the
// tables are generated (generated.test.ts), so a pinned version is named only there.

const docs = listDocs();

/** The doc's text without its generated blocks. */
function prose(doc: Doc): string {
  let text = doc.text;
  for (const b of GENERATED_TABLES.filter((g) => g.file === doc.file)) {
    const start = text.indexOf(b.begin);
    const end = text.indexOf(b.end);
    if (start >= 0 && end > start) text = text.slice(0, start) + text.slice(end + b.end.length);
  }
  return text;
}

/** `http://<service>.<namespace>.svc:<port>` URLs whose service is a route's (or vLLM's) but whose port is not. */
export function wrongPorts(text: string, routes: readonly Pick<ServiceRoute, "service" | "port">[]): string[] {
  const ports = new Map(routes.map((r) => [r.service, r.port]));
  return [...text.matchAll(/\b([a-z0-9-]+)\.[<>a-z0-9-]+\.svc(?:\.cluster\.local)?:(\d+)/g)]
    .filter(([, service, port]) => ports.has(service) && ports.get(service) !== Number(port))
    .map(([m, service]) => `${m} (the code says ${service}:${ports.get(service)})`);
}

/**
 * A pin restated: a version written after a pinned chart's name ("kube-prometheus-stack 88.5.3"),
 * or a pinned version after "chart" or "pinned" ("KEDA (chart 2.20.2").
 */
export function restatedVersions(text: string, pins: readonly { chart: string; version: string }[]): string[] {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const names = pins.map((p) => esc(p.chart)).join("|");
  const versions = pins.map((p) => esc(p.version)).join("|");
  const re = new RegExp(
    `\\b(?:(?:${names})(?: chart)? v?\\d+\\.\\d+\\.\\d+|(?:chart|pinned) v?(?:${versions}))\\b`,
    "g",
  );
  return [...text.matchAll(re)].map((m) => m[0]);
}

describe("prose that restates code", () => {
  const settings = addonSettings(parseStackConfig({ cluster: { mode: "existing" } }));
  const routes = [...addonRoutes(settings), { service: "vllm", port: HTTP_PORT }];

  it("every in-cluster URL of an add-on's or vLLM's Service names the port the code gives it", () => {
    for (const doc of docs) expect(wrongPorts(doc.text, routes), doc.file).toEqual([]);
  });

  it("no doc names a pinned chart's version outside the generated pin table (it would go stale)", () => {
    const pins = ADDONS.map((d) => d.chart);
    for (const doc of docs) expect(restatedVersions(prose(doc), pins), doc.file).toEqual([]);
  });

  it("the checks catch a wrong port and a restated version", () => {
    expect(wrongPorts("URL: `http://pushgateway.<namespace>.svc:9092`", routes)).toEqual([
      "pushgateway.<namespace>.svc:9092 (the code says pushgateway:9091)",
    ]);
    expect(wrongPorts("`http://kps-prometheus.monitoring.svc:9090`, vllm.vllm.svc:8000", routes)).toEqual([]);
    const pins = [
      { chart: "kube-prometheus-stack", version: "88.5.3" },
      { chart: "keda", version: "2.20.2" },
    ];
    const text = "rendering kube-prometheus-stack 88.5.3; KEDA (chart 2.20.2); the grafana chart 12.11.1";
    expect(restatedVersions(text, pins)).toEqual(["kube-prometheus-stack 88.5.3", "chart 2.20.2"]);
  });
});
