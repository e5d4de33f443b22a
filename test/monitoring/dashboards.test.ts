import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { knownSeriesNames } from "../../monitoring/catalog";
import { allDashboards, renderDashboard } from "../../monitoring/dashboards";
import { exportDir } from "../../monitoring/export";
import { recordingRuleGroups } from "../../monitoring/rules";
import { defaultAlertThresholds } from "../../monitoring/thresholds";
import { parsePromql } from "./promql-names";

type Panel = {
  type: string;
  title: string;
  datasource?: { uid?: string };
  fieldConfig?: { defaults?: { unit?: string; thresholds?: { steps: { value: number | null }[] } } };
  targets?: { expr: string; refId?: string; legendFormat?: string }[];
  panels?: Panel[];
};
const dashboards = allDashboards();
const panelsOf = (json: Record<string, unknown>): Panel[] =>
  (json.panels as Panel[]).flatMap((p) => (p.type === "row" ? (p.panels ?? []) : [p]));
const recorded = new Set(recordingRuleGroups().flatMap((g) => g.rules.map((r) => ("record" in r ? r.record : ""))));
const known = new Set([...knownSeriesNames(), ...recorded]);

describe("Grafana dashboards", () => {
  it("the exported monitoring/*.json are current (run `npm run dashboards` after a change)", () => {
    const onDisk = fs
      .readdirSync(exportDir)
      .filter((f) => f.endsWith(".json"))
      .sort();
    expect(onDisk).toEqual(dashboards.map((d) => d.fileName).sort());
    for (const d of dashboards)
      expect(fs.readFileSync(path.join(exportDir, d.fileName), "utf8"), d.fileName).toBe(renderDashboard(d));
  });

  it("have unique uids and the datasource and namespace variables", () => {
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    for (const d of dashboards) {
      const vars = (d.json.templating as { list: { name: string; type: string }[] }).list;
      expect(vars.find((v) => v.name === "datasource")?.type, d.uid).toBe("datasource");
    }
    const serving = dashboards.find((d) => d.uid === "vllm-serving")!;
    expect((serving.json.templating as { list: { name: string }[] }).list.map((v) => v.name)).toEqual([
      "datasource",
      "namespace",
      "model",
      "pod",
    ]);
  });

  it("every panel has the datasource variable, a unit, and queries with refId and legend", () => {
    for (const d of dashboards) {
      for (const p of panelsOf(d.json)) {
        const where = `${d.uid} / ${p.title}`;
        expect(p.datasource?.uid, where).toBe("${datasource}");
        expect(p.fieldConfig?.defaults?.unit, where).toBeTruthy();
        expect(p.targets?.length, where).toBeGreaterThan(0);
        const refIds = p.targets!.map((t) => t.refId);
        expect(new Set(refIds).size, where).toBe(refIds.length);
        for (const t of p.targets!) {
          expect(t.refId, where).toMatch(/^[A-Z]$/);
          expect(t.legendFormat, where).toBeTruthy();
        }
      }
    }
  });

  it("every query parses with Prometheus' grammar and names only catalogued or recorded series", () => {
    let queries = 0;
    for (const d of dashboards) {
      for (const p of panelsOf(d.json)) {
        for (const t of p.targets!) {
          const { errors, metrics } = parsePromql(t.expr);
          expect(errors, `${d.uid} / ${p.title}: ${t.expr}`).toEqual([]);
          for (const m of metrics)
            expect(
              known.has(m),
              `${d.uid} / ${p.title}: ${m} is not in monitoring/catalog.ts or a recording rule`,
            ).toBe(true);
          queries++;
        }
      }
    }
    expect(queries).toBeGreaterThan(60);
  });

  it("the grammar check can fail: a broken query is caught", () => {
    expect(parsePromql("sum(rate(vllm:request_success_total[5m])").errors.length).toBeGreaterThan(0);
    expect(parsePromql("vllm:gpu_cache_usage").metrics).toEqual(["vllm:gpu_cache_usage"]);
    expect(known.has("vllm:gpu_cache_usage")).toBe(false);
  });

  it("latency SLO lines sit on vLLM's histogram bucket boundaries", () => {
    const fixture = JSON.parse(
      fs.readFileSync(new URL("../fixtures/vllm-metrics.json", import.meta.url), "utf8"),
    ).metrics;
    const on = (metric: string, v: number) => (fixture[metric].buckets as number[]).includes(v);
    const t = defaultAlertThresholds;
    expect(on("vllm:e2e_request_latency_seconds", t.e2eLatencyP95Seconds)).toBe(true);
    expect(on("vllm:time_to_first_token_seconds", t.ttftP95Seconds)).toBe(true);
    expect(on("vllm:inter_token_latency_seconds", t.interTokenLatencyP95Seconds)).toBe(true);
    expect(on("vllm:request_queue_time_seconds", t.queueTimeP95Seconds)).toBe(true);
    const serving = panelsOf(dashboards.find((d) => d.uid === "vllm-serving")!.json);
    const steps = serving
      .find((p) => p.title === "E2E request latency")!
      .fieldConfig!.defaults!.thresholds!.steps.map((s) => s.value);
    expect(steps).toContain(t.e2eLatencyP95Seconds);
  });

  it("cover the panels DESIGN §6 lists", () => {
    const titles = dashboards.flatMap((d) => panelsOf(d.json).map((p) => p.title.toLowerCase()));
    for (const want of [
      "request rate",
      "ttft",
      "e2e",
      "inter-token",
      "kv-cache",
      "queue time",
      "prefill vs decode",
      "prompt length",
      "generation length",
      "finish reasons",
      "max_tokens",
      "preemptions",
      "prefix-cache",
      "gpu utilisation",
      "framebuffer",
      "power",
      "temperature",
      "xid",
      "replicas",
      "pending gpu pods",
      "cluster autoscaler",
      "thresholds passed",
    ]) {
      expect(
        titles.some((t) => t.includes(want)),
        want,
      ).toBe(true);
    }
  });
});
