// `vllm-bench compare` on real runs: a few pairs of back-to-back benchmark runs against the
// simulator (perf/compare-pairs.ts, the workload `npm run bench:compare` calibrates on). Runs of one
// setup are not called regressions; a second run whose latencies are 20 % longer is. The full
// calibration (40 + 40 pairs, rates reported) is the benchmark; this is its smoke, so it allows one
// miss either way on a shared machine where other processes take the CPU mid-run.
import { describe, expect, it } from "vitest";
import { comparePairs } from "../../perf/compare-pairs";

describe("compare on real simulator runs", () => {
  it("tells back-to-back runs of one setup from a 20 % slowdown", { timeout: 240_000 }, async () => {
    const outcomes = await comparePairs(3, [1, 1.2]);
    const called = (slowdown: number) => outcomes.filter((o) => o.slowdown === slowdown && o.regressions.length).length;
    expect(called(1), JSON.stringify(outcomes)).toBeLessThanOrEqual(1);
    expect(called(1.2), JSON.stringify(outcomes)).toBeGreaterThanOrEqual(2);
  });
});
