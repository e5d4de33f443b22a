// The simulator's engine in virtual time (perf/virtual-engine.ts): the engine's own step costs come
// out exactly, runs repeat by seed, a run leaves the process's timers and clock as it found them,
// and requests still unfinished at the point's end are cut as timeouts.
import { describe, expect, it } from "vitest";
import { virtualRun } from "../../perf/virtual-engine";
import { SHAPES } from "../../perf/plan-shapes";

const decode = SHAPES["decode-bound"]; // step: 10 ms + 2 ms per sequence + 0.005 ms per prefill token

describe("the engine in virtual time", () => {
  it("one request at a time takes the engine's own step costs, with Node's 1 ms floor on the scheduling timer", () => {
    const rs = virtualRun(decode, 0.2, 120, 1, 10_000);
    expect(rs.length).toBeGreaterThan(10);
    for (const r of rs) {
      expect(r.success).toBe(true);
      // First token: 1 ms timer, then a step with one prefilling sequence: 10 + 2 + 32 × 0.005.
      expect(r.ttft_ms).toBeCloseTo(1 + 10 + 2 + 32 * 0.005, 6);
      // Each later token: 1 ms timer, then a decode step of one sequence: 10 + 2.
      expect(r.itl_ms).toHaveLength(decode.outputLen - 1);
      for (const g of r.itl_ms) expect(g).toBeCloseTo(13, 6);
      expect(r.output_tokens).toBe(decode.outputLen);
    }
  });

  it("repeats a run from its seed, and another seed draws other arrivals", () => {
    const a = virtualRun(decode, 20, 60, 7, 10_000);
    expect(virtualRun(decode, 20, 60, 7, 10_000)).toEqual(a);
    expect(virtualRun(decode, 20, 60, 8, 10_000).map((r) => r.start_s)).not.toEqual(a.map((r) => r.start_s));
    // Arrivals at the offered rate: 20 req/s for 60 s, within four standard deviations of Poisson.
    expect(Math.abs(a.length - 1200)).toBeLessThan(4 * Math.sqrt(1200));
  });

  it("leaves setTimeout, clearTimeout and performance.now as it found them", () => {
    const timers = [globalThis.setTimeout, globalThis.clearTimeout];
    expect(Object.hasOwn(performance, "now")).toBe(false); // the prototype's own clock
    const wall = performance.now();
    virtualRun(decode, 10, 600, 1, 10_000); // ten virtual minutes
    expect([globalThis.setTimeout, globalThis.clearTimeout]).toEqual(timers);
    expect(Object.hasOwn(performance, "now")).toBe(false);
    expect(performance.now() - wall).toBeLessThan(60_000); // the clock is the real one again
  });

  it("cuts requests still unfinished at the point's end as timeouts, keeping the tokens they had", () => {
    // Far above capacity (one sequence at a time, 50 ms steps): the queue only grows.
    const s = { ...decode, sim: { ...decode.sim, maxNumSeqs: 1, stepBaseMs: 50 } };
    const rs = virtualRun(s, 50, 10, 1, 1_000);
    const cut = rs.filter((r) => !r.success);
    expect(cut.length).toBeGreaterThan(rs.length / 2);
    for (const r of cut) expect(r.error_kind).toBe("timeout");
    expect(cut.some((r) => r.ttft_ms === undefined)).toBe(true);
    expect(rs.filter((r) => r.success).every((r) => r.output_tokens === decode.outputLen)).toBe(true);
  });
});
