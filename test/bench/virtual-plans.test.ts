// The planner's search and judge against the engine in virtual time (perf/virtual-plans.ts): why
// the full plan rests its answer on eight runs, and the study's command refusing a bad flag. The
// long-run limit and a small study run in virtual-plans.slow.test.ts.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { FULL, QUICK } from "../../bench/plan/modes";
import { SHAPES } from "../../perf/plan-shapes";
import { virtualPlan } from "../../perf/virtual-plans";

const root = path.resolve(import.meta.dirname, "../..");

describe("plans against the engine in virtual time", () => {
  // Batch-limited near its knee: most 45 s windows are calm, so two runs at a rate above the
  // long-run limit (about 7.1 req/s here) can agree and pass. Seed 29 × 100003 is such a draw.
  it("two calm runs pass a rate 8 % above the long-run limit; the full plan's eight runs do not", async () => {
    const s = SHAPES["batch-limited"];
    const two = await virtualPlan(s, { ...FULL, answerRuns: 2 }, 100_003 * 29);
    const eight = await virtualPlan(s, FULL, 100_003 * 29);
    expect(two.answer).toBeGreaterThan(7.6);
    expect(eight.answer).toBeLessThan(7.1);
    expect(eight.runs).toBeGreaterThan(two.runs);
  });

  it("the quick plan runs its answer twice at the full plan's length", async () => {
    const p = await virtualPlan(SHAPES["prefill-bound"], QUICK, 100_003);
    expect(p.answer).toBeDefined();
    expect(p.measuredS).toBeGreaterThanOrEqual(QUICK.answerRuns * QUICK.confirm!.pointDurationS);
  });

  it("npm run bench:plan-virtual: a bad flag or shape is one line and exit 2", () => {
    const tsx = path.join(root, "node_modules/.bin/tsx");
    const bad = spawnSync(tsx, ["perf/plan-virtual.ts", "--plans", "0"], { cwd: root, encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('--plans: "0" must be a positive integer');
    const shape = spawnSync(tsx, ["perf/plan-virtual.ts", "--shapes", "decode"], { cwd: root, encoding: "utf8" });
    expect(shape.status).toBe(2);
    expect(shape.stderr.trim()).toBe(
      '--shapes: unknown shape "decode"; use prefill-bound, decode-bound, batch-limited, bursty',
    );
  });
});
