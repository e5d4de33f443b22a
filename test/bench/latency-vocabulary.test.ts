// The latency vocabulary (bench/contract/latency.ts) is the one home of the metric names, their
// statistics, result keys, threshold names and units: its parsers agree with its builders, the
// figures aggregate() makes are the keys it names, and no product file writes the metric list out
// again (an alternation, a list or a comma string of two or more metric names).
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { scenario } from "./report-fixture";
import {
  DEFAULT_PERCENTILES,
  isPlanSloName,
  isThresholdName,
  LATENCY_METRICS,
  latencyKey,
  parseLatencyKey,
  parseLatencyThreshold,
  PLAN_SLO_HELP,
  SUMMARY_STATS,
  THRESHOLD_HELP,
  thresholdUnit,
} from "../../bench/contract";

const root = path.join(import.meta.dirname, "../..");
const PRODUCT = ["bench", "infra", "charts", "perf", "scripts", "compose", "monitoring", "policy"];
const HOME = "bench/contract/latency.ts";
/** The simulator mirrors vLLM's engine on its own (DESIGN §6): its timing kinds are its own names. */
const OWN_NAMES = ["bench/sim/"];
const METRIC = "(ttft|tpot|itl|e2el)";
/** `ttft|tpot`, `"ttft", "tpot"`, `"ttft" | "itl"`, `ttft,tpot`: two metric names listed (not `{ ttft, itl }`). */
const WRITTEN_OUT = new RegExp(`\\b${METRIC}(\\s*\\|\\s*|["'\`]\\s*[,|]\\s*["'\`]|,)${METRIC}\\b`);

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true }).flatMap((e) => {
    const rel = path.relative(root, path.join(e.parentPath, e.name));
    return e.isFile() && rel.endsWith(".ts") ? [rel] : [];
  });
}

/** Code lines (comments aside) of product files, other than the home, that write the metric list out. */
export function writtenOut(): string[] {
  return PRODUCT.filter((d) => fs.existsSync(path.join(root, d)))
    .flatMap(sources)
    .filter((f) => f !== HOME && !OWN_NAMES.some((o) => f.startsWith(o)))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(root, f), "utf8")
        .split("\n")
        .flatMap((line, i) =>
          !/^\s*(\/\/|\*|\/\*)/.test(line) && WRITTEN_OUT.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
}

describe("the latency vocabulary", () => {
  it("is written out in one place: no product file lists the metrics again", () => {
    expect(writtenOut()).toEqual([]);
  });

  it("parses the keys and threshold names it builds", () => {
    for (const m of LATENCY_METRICS)
      for (const stat of [...SUMMARY_STATS, "p95", "p99.9"] as const) {
        expect(parseLatencyKey(latencyKey(stat, m))).toMatchObject({ metric: m, stat });
        if (stat !== "std") {
          const name = `${m}_${stat}_ms`;
          expect(parseLatencyThreshold(name)).toMatchObject({ metric: m, stat });
          expect([isThresholdName(name), isPlanSloName(name), thresholdUnit(name)]).toEqual([true, true, "ms"]);
        }
      }
    expect(parseLatencyThreshold("ttft_p99_ms")?.percentile).toBe(99);
    expect(parseLatencyKey("p99.9_itl_ms")?.percentile).toBe(99.9);
    for (const bad of ["ttft_std_ms", "ttft_p100_ms", "ttfx_p95_ms", "p95_ttft_ms", "ttft_p95"])
      expect(isThresholdName(bad), bad).toBe(false);
    expect(parseLatencyKey("ttft_p95_ms")).toBeUndefined();
  });

  it("tells the plan's SLOs from the thresholds that grow with the offered rate", () => {
    expect(
      ["success_rate", "output_rate_per_request_min", "throughput_min", "request_throughput_min"].map(isPlanSloName),
    ).toEqual([true, true, false, false]);
    expect(THRESHOLD_HELP).toBe(
      "<ttft|tpot|itl|e2el>_<mean|median|pNN>_ms, throughput_min (output tok/s), request_throughput_min, output_rate_per_request_min or success_rate",
    );
    expect(PLAN_SLO_HELP).toBe(
      "<ttft|tpot|itl|e2el>_<mean|median|pNN>_ms, output_rate_per_request_min or success_rate",
    );
  });

  it("names exactly the latency figures aggregate() computes, in vLLM's order", () => {
    const { result } = scenario("s", 20, 50, 10);
    const keys = Object.keys(result).filter((k) => parseLatencyKey(k));
    expect(keys).toEqual(
      LATENCY_METRICS.flatMap((m) =>
        [...SUMMARY_STATS, ...DEFAULT_PERCENTILES.map((p) => `p${p}` as const)].map((s) => latencyKey(s, m)),
      ),
    );
    expect(Object.keys(result.samples)).toEqual([...LATENCY_METRICS]);
  });
});
