// The report's data: per-second timelines from the records, threshold sentences, baseline
// changes, and the rule that no plot is hand-written SVG. (Chromium: report.slow.test.ts.)
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { baselineRows, htmlReport } from "../../bench/report/html";
import { timelines } from "../../bench/report/series";
import { thresholdText } from "../../bench/report/thresholds";
import { scenario } from "./report-fixture";

const root = path.resolve(__dirname, "../..");

describe("report data", () => {
  it("builds per-second timelines from the records, up to the last full second", () => {
    const s = scenario("x", 30, 100, 10); // 30 requests over 3 s, each ~0.5 s long
    const tl = timelines(s.records);
    const ends = s.records.map((r) => r.start_s + r.e2el_ms! / 1000);
    const end = Math.max(...ends);
    expect(tl.seconds).toBe(Math.floor(end));
    expect(tl.leftOut).toBeCloseTo(end - tl.seconds, 9);
    // Every bucket is a whole second; what finished in the partial one after it is not drawn.
    expect(Math.max(...tl.throughput.map((r) => r.t))).toBe(tl.seconds - 1);
    const done = tl.throughput.reduce((a, r) => a + r.value, 0);
    expect(done).toBe(ends.filter((e) => e < tl.seconds).length);
    expect(done).toBeLessThan(30);
    // Mean concurrency × seconds = request-seconds up to the last full second.
    const busy = tl.concurrency.reduce((a, r) => a + r.value, 0);
    expect(busy).toBeCloseTo(
      s.records.reduce((a, r, i) => a + Math.max(0, Math.min(ends[i], tl.seconds) - r.start_s), 0),
      6,
    );
    expect(new Set(tl.ttft.map((r) => r.series))).toEqual(new Set(["P50", "P90", "P95", "P99"]));
  });
  it("says plainly that a scenario stopped in its warm-up has no main-run data, with no NaN", () => {
    const stopped = { ...scenario("moderate", 0, 100, 10), partial: true };
    const html = htmlReport("vllm-bench: smoke", "run-1", [stopped]);
    expect(html).not.toMatch(/NaN/);
    expect(html).toMatch(/No main-run data: the run was stopped before this scenario's main run sent a request/);
  });
  it("writes threshold rows as sentences and marks regressions against a baseline", () => {
    expect(thresholdText({ name: "ttft_p95_ms", limit: 2000, value: 133.66, passed: true })).toBe(
      "P95 TTFT 133.7 ms ≤ 2000 ms: pass",
    );
    expect(thresholdText({ name: "success_rate", limit: 0.95, value: 0.9, passed: false })).toBe(
      "Success rate 90.0 % ≥ 95.0 %: FAIL",
    );
    expect(thresholdText({ name: "throughput_min", limit: 10, value: 12.34, passed: true })).toBe(
      "Output throughput 12.3 tok/s ≥ 10 tok/s: pass",
    );
    const rows = baselineRows(
      { duration: 10, completed: 100, p99_ttft_ms: 100, output_throughput: 1000 },
      { duration: 10, completed: 100, p99_ttft_ms: 150, output_throughput: 950 },
    );
    expect(rows).toEqual([
      // Direction-aware: a lower throughput is worse, never "same or better"; with no per-request
      // samples behind them neither change can be told from noise, so neither is a regression.
      { metric: "output_throughput", change: -5, verdict: "worse", text: "1000 → 950" },
      { metric: "p99_ttft_ms", change: 50, verdict: "worse", text: "100 → 150" },
    ]);
  });
  it("draws no plot with hand-written SVG", () => {
    for (const f of [
      ...fs.readdirSync(path.join(root, "bench/report")).map((n) => `bench/report/${n}`),
      "bench/plan/plan.ts",
    ]) {
      const src = fs.readFileSync(path.join(root, f), "utf8");
      expect(src, f).not.toMatch(/<(rect|path|circle|line|polyline)\b/);
    }
  });
});
