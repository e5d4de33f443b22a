// The mixin config (monitoring/config.ts): windows follow the scrape interval, and the selectors and
// windows it holds are written nowhere else in monitoring/ or compose/.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { requestRateTriggerQuery } from "../../monitoring/autoscaling";
import { MIN_SCRAPES_PER_WINDOW, monitoringConfig, monitoringConfigFor, promDuration } from "../../monitoring/config";
import { allDashboards } from "../../monitoring/dashboards";
import { alertRuleGroups, recordingRuleGroups } from "../../monitoring/rules";
import { defaultAlertThresholds } from "../../monitoring/thresholds";

const root = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join(dir, f));
}

/** Literals that belong to config.ts alone: label matchers on job, HPA and resource, and PromQL range windows. */
const OWNED_BY_CONFIG: Array<[string, RegExp]> = [
  ["a job matcher", /\bjob\s*[=!]~?\s*\\?"/],
  ["an HPA matcher", /horizontalpodautoscaler\s*[=!]~?\s*\\?"/],
  ["the GPU resource label", /nvidia_com_gpu/],
  ["a literal range window", /\[\d+[smh]\]/],
  ["a literal scrape interval", /"15s"/],
];

function offenders(file: string, text: string): string[] {
  return text
    .split("\n")
    .flatMap((line, i) =>
      OWNED_BY_CONFIG.filter(([, re]) => re.test(line)).map(
        ([what]) => `${file}:${i + 1} writes ${what}: ${line.trim()}`,
      ),
    );
}

describe("monitoring config", () => {
  it("writes durations in their largest exact unit", () => {
    expect([15, 90, 120, 300, 3600, 5400].map(promDuration)).toEqual(["15s", "90s", "2m", "5m", "1h", "90m"]);
    expect(() => promDuration(0)).toThrow(/whole positive seconds/);
    expect(() => promDuration(7.5)).toThrow(/whole positive seconds/);
  });

  it("derives the rate windows from the scrape interval, each holding at least four scrapes", () => {
    const c = monitoringConfig;
    expect([c.scrapeInterval, c.evaluationInterval, c.rateWindow.duration, c.triggerRateWindow.duration]).toEqual([
      "15s",
      "15s",
      "5m",
      "2m",
    ]);
    const slow = monitoringConfigFor(30);
    expect([slow.scrapeInterval, slow.rateWindow.duration, slow.triggerRateWindow.duration]).toEqual([
      "30s",
      "10m",
      "4m",
    ]);
    for (const w of [c.rateWindow, c.triggerRateWindow])
      expect(w.seconds).toBeGreaterThanOrEqual(MIN_SCRAPES_PER_WINDOW * c.scrapeIntervalSeconds);
  });

  it("every rate window in the rules and the autoscaler trigger is the config's", () => {
    const exprs = [...recordingRuleGroups(), ...alertRuleGroups(defaultAlertThresholds)].flatMap((g) =>
      g.rules.map((r) => r.expr),
    );
    const windows = new Set(exprs.flatMap((e) => [...e.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1])));
    expect([...windows]).toEqual([monitoringConfig.rateWindow.duration]);
    expect(requestRateTriggerQuery("llm")).toContain(`[${monitoringConfig.triggerRateWindow.duration}]`);
  });

  it("the rules and dashboards select vLLM, the benchmark and the HPAs through the config's selectors", () => {
    const alerts = alertRuleGroups(defaultAlertThresholds)
      .flatMap((g) => g.rules.map((r) => r.expr))
      .join("\n");
    expect(alerts).toContain(`up{${monitoringConfig.vllmSelector}}`);
    expect(alerts).toContain(monitoringConfig.hpaSelector);
    expect(alerts).toContain(monitoringConfig.benchSelector);
    const dashboards = JSON.stringify(allDashboards().map((d) => d.json));
    expect(dashboards).toContain(JSON.stringify(monitoringConfig.benchPlanSelector).slice(1, -1));
  });

  it("no other file of monitoring/ or compose/ writes a selector, window or interval of the config", () => {
    const files = [...sources("monitoring"), ...sources("compose")].filter(
      (f) => f !== path.join("monitoring", "config.ts"),
    );
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap((f) => offenders(f, fs.readFileSync(path.join(root, f), "utf8")))).toEqual([]);
  });

  it("the scan can fail: a hard-coded job matcher or window is found", () => {
    const found = offenders("bad.ts", 'const q = `up{job="vllm"}`;\nconst r = "rate(x[5m])";\nconst ok = 1;\n');
    expect(found.map((o) => o.split(" writes ")[1].split(":")[0])).toEqual(["a job matcher", "a literal range window"]);
  });
});
