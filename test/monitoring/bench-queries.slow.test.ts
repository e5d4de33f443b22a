// The generator behind `npm run bench:queries`, at a tiny size: its OpenMetrics goes through the
// real promtool into blocks, recording rules are backfilled from them, and dashboard queries read
// the result. Not a timing test; the figures come from the bench script.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportDir } from "../../monitoring/export";
import { recordingRuleGroups } from "../../monitoring/rules";
import { buildTsdb } from "../../perf/queries/build";
import { buildFamilies } from "../../perf/queries/families";
import { writeWindow } from "../../perf/queries/openmetrics";
import { dashboardQueries, grafanaStep, substitute } from "../../perf/queries/panels";
import { runQuery } from "../../perf/queries/timing";
import { rulePasses } from "../../perf/queries/tsdb";
import { findPrometheus, runPrometheus, type RunningPrometheus } from "../../scripts/dev/prometheus";

const bin = findPrometheus();
const TINY = {
  namespaces: ["ns-a", "ns-b"],
  models: ["org/model-one"],
  podsPerDeployment: 1,
  gpusPerPod: 1,
  gpusPerNode: 2,
};
// The same fleet with every pod replaced every 15 minutes (staggered): series end and begin mid-range.
const CHURNING = { ...TINY, podLifetimeSeconds: 900 };
const STEP = 30;

describe("bench:queries generator", () => {
  it("writes cumulative histograms whose +Inf bucket equals _count, and monotonic counters", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bq-om-"));
    try {
      const { families, series } = buildFamilies(CHURNING, 600, 0);
      await writeWindow(path.join(dir, "a.om"), families, 0, 1200, STEP);
      // Two pods, each replaced once or twice in 20 minutes: more pod names than pods, all counted.
      const text0 = fs.readFileSync(path.join(dir, "a.om"), "utf8");
      const podNames = new Set(
        [...text0.matchAll(/^vllm:num_requests_running\{[^}]*pod="([^"]+)"/gm)].map((m) => m[1]),
      );
      expect(podNames.size).toBeGreaterThanOrEqual(4);
      expect(series()).toBe(new Set([...text0.matchAll(/^([^#\s]+?(?:\{[^}]*\})?) \S+ \d+$/gm)].map((m) => m[1])).size);
      const text = fs.readFileSync(path.join(dir, "a.om"), "utf8");
      expect(text.endsWith("# EOF\n")).toBe(true);
      const last = new Map<string, number>();
      const buckets = new Map<string, number[]>();
      const inf = new Map<string, number>();
      const counts = new Map<string, number>();
      for (const line of text.split("\n")) {
        const m = /^(\S+?)(\{.*\})? (\S+) (\d+)$/.exec(line);
        if (!m) continue;
        const [, name, labels = "", value, t] = m;
        const v = Number(value);
        if (name.endsWith("_total") || name.endsWith("_count")) {
          const key = name + labels;
          expect(v, key).toBeGreaterThanOrEqual(last.get(key) ?? 0);
          last.set(key, v);
        }
        if (name.endsWith("_bucket")) {
          const key = `${name.slice(0, -7)}${labels.replace(/,le="[^"]+"/, "")}@${t}`;
          if (labels.includes('le="+Inf"')) inf.set(key, v);
          else buckets.set(key, [...(buckets.get(key) ?? []), v]);
        }
        if (name.endsWith("_count")) counts.set(`${name.slice(0, -6)}${labels}@${t}`, v);
      }
      expect(inf.size).toBeGreaterThan(100);
      for (const [key, bs] of buckets) {
        expect(
          [...bs].sort((a, b) => a - b),
          key,
        ).toEqual(bs);
        expect(bs.at(-1)!, key).toBeLessThanOrEqual(inf.get(key)!);
      }
      for (const [key, v] of inf) expect(counts.get(key), key).toBe(v);
      // Traffic happened: the last E2E count is well above zero.
      expect(
        Math.max(...[...counts].filter(([k]) => k.startsWith("vllm:e2e_request_latency_seconds")).map(([, v]) => v)),
      ).toBeGreaterThan(100);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("splits recording rules into passes so every rule runs after the records it reads", () => {
    const passes = rulePasses(recordingRuleGroups());
    expect(passes.length).toBeGreaterThanOrEqual(2);
    const seen = new Set<string>();
    for (const pass of passes) {
      const records = pass.flatMap((g) => g.rules.map((r) => ("record" in r ? r.record : "")));
      for (const g of pass)
        for (const r of g.rules)
          for (const rec of records)
            expect(r.expr.includes(rec), `${"record" in r ? r.record : ""} reads ${rec} of its own pass`).toBe(false);
      records.forEach((r) => seen.add(r));
    }
    const all = recordingRuleGroups().flatMap((g) => g.rules.map((r) => ("record" in r ? r.record : "")));
    expect([...seen].sort()).toEqual([...all].sort());
  });

  it("substitutes Grafana variables and picks Grafana's step", () => {
    expect(
      substitute('sum(increase(x{ns=~"$namespace"}[$__range])) / $__rate_interval $__interval', 10_800, 30, 30),
    ).toBe('sum(increase(x{ns=~".*"}[10800s])) / 120s 30s');
    // Full width (1,800 px): 24 h / 1,800 = 48 s → 1 m; half width: 96 s → 2 m; never under the scrape interval.
    expect(grafanaStep(24 * 3600, 30)).toBe(60);
    expect(grafanaStep(24 * 3600, 30, 12)).toBe(120);
    expect(grafanaStep(3 * 3600, 30, 12)).toBe(30);
    expect(grafanaStep(3 * 3600, 5, 24)).toBe(5);
  });

  describe.skipIf(!bin)("through promtool into a TSDB Prometheus reads", () => {
    let dir: string;
    let prometheus: RunningPrometheus;
    const end = Math.floor(Date.now() / 1000 / 7200) * 7200 - 7200;
    const start = end - 1800;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "bq-tsdb-"));
      const built = await buildTsdb({
        shape: CHURNING,
        start,
        end,
        step: STEP,
        prometheusBin: bin!,
        workDir: dir,
        benchRunEverySeconds: 600,
      });
      prometheus = await runPrometheus(bin!, built.configFile, built.dataDir);
    }, 90_000);
    afterAll(async () => {
      await prometheus?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const rangeHasData = async (expr: string, instant = false) =>
      (await runQuery(prometheus.url, expr, { start: start + 600, end, step: 60, instant })).series;

    it("every dashboard panel query returns data from the blocks, recorded quantiles included", async () => {
      const queries = dashboardQueries(exportDir);
      expect(queries.length).toBeGreaterThan(50);
      expect(queries.filter((q) => q.instant).length).toBeGreaterThan(0);
      const empty: string[] = [];
      for (const q of queries)
        if ((await rangeHasData(substitute(q.expr, 1800, 60, STEP), q.instant)) === 0)
          empty.push(`${q.dashboard} / ${q.panel} [${q.refId}]: ${q.expr}`);
      expect(empty).toEqual([]);
      // A quantile record (second pass) exists for both namespaces.
      expect(await rangeHasData("namespace_model_name:vllm_time_to_first_token_seconds:p95_5m")).toBe(2);
      // Replaced pods: more pod series over the range than pods at any instant.
      expect(await rangeHasData("vllm:num_requests_running")).toBeGreaterThan(2);
    }, 60_000);
  });
});
