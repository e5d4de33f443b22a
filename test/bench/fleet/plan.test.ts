import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../../bench/client/request";
import { aggregate } from "../../../bench/client/stats";
import { mergeShards, type ShardFile } from "../../../bench/fleet/merge";
import {
  concurrencyShare,
  defaultWorkers,
  plannedArrivals,
  profileArrivals,
  scaleProfile,
} from "../../../bench/fleet/plan";
import { fileBarrier, shardFromEnv } from "../../../bench/fleet/shard";
import { timelineTable } from "../../../bench/fleet/rehearsal";
import { timeline } from "../../../bench/fleet/timeline";
import { numpyPercentile } from "./helpers";

const sc = {
  num_prompts: 200,
  request_rate: 25 as number | "inf",
  burstiness: 1,
  ramp_up_strategy: undefined,
  ramp_up_start_rps: undefined,
  ramp_up_end_rps: undefined,
};

describe("one seeded plan, split by request index", () => {
  it("the shards' plans are disjoint and together exactly the single plan (any shard count, seed, rate)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.5, max: 500, noNaN: true }),
        fc.double({ min: 0.2, max: 4, noNaN: true }),
        (count, seed, rate, burstiness) => {
          const s = { ...sc, request_rate: rate, burstiness };
          const union = Array.from({ length: count }, (_, index) => plannedArrivals(s, seed, { index, count }))
            .flat()
            .sort((a, b) => a.index - b.index);
          expect(union).toEqual(plannedArrivals(s, seed));
        },
      ),
      { numRuns: 50 },
    );
  });

  it("splits a concurrency cap into shares that sum to it", () => {
    for (const [cap, count] of [
      [10, 3],
      [2000, 2],
      [7, 7],
      [8193, 4],
    ] as const) {
      const shares = Array.from({ length: count }, (_, index) => concurrencyShare(cap, { index, count }));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(cap);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }
    expect(concurrencyShare(Infinity, { index: 0, count: 2 })).toBe(Infinity);
  });

  it("a rate profile yields arrivals whose count per segment matches the integrated rate", () => {
    const profile: [number, number][] = [
      [0, 10],
      [100, 50],
      [200, 50],
      [300, 10],
    ];
    const t = profileArrivals(profile, 1, 3);
    const count = (a: number, b: number) => t.filter((x) => x >= a && x < b).length;
    // Expected 3000, 5000, 3000 (areas under the rate); Poisson sd ≈ √n, so 5 % is > 3 sd.
    expect(count(0, 100) / 3000).toBeCloseTo(1, 1);
    expect(count(100, 200) / 5000).toBeCloseTo(1, 1);
    expect(count(200, 300) / 3000).toBeCloseTo(1, 1);
    expect(t.at(-1)!).toBeLessThan(300);
    expect(t.every((x, i) => i === 0 || x >= t[i - 1])).toBe(true);
    expect(scaleProfile(profile, 100)).toEqual([
      [0, 20],
      [100, 100],
      [200, 100],
      [300, 20],
    ]);
  });

  it("defaults to one worker until one core stops being clean, then one per core", () => {
    expect(defaultWorkers(100, 8)).toBe(1);
    expect(defaultWorkers(1000, 8)).toBe(1);
    expect(defaultWorkers(1001, 8)).toBe(2);
    expect(defaultWorkers(4000, 8)).toBe(4);
    expect(defaultWorkers(8192, 8)).toBe(8);
    expect(defaultWorkers(8192, 2)).toBe(2);
  });
});

describe("shard environment", () => {
  it("reads the Indexed Job's index and our BENCH_* variables; bad values name the variable", () => {
    expect(shardFromEnv({}, "/r")).toBeUndefined();
    expect(
      shardFromEnv({ BENCH_SHARDS: "4", JOB_COMPLETION_INDEX: "3", BENCH_RUN_ID: "vllm-bench-123" }, "/r"),
    ).toMatchObject({ index: 3, count: 4, runDir: "/r/vllm-bench-123", maxSkewMs: 1000, merge: "last" });
    expect(
      shardFromEnv({ BENCH_SHARDS: "2", JOB_COMPLETION_INDEX: "0", BENCH_START_AT: "2026-12-01T17:00:00Z" }, "/r")!
        .startAtMs,
    ).toBe(Date.parse("2026-12-01T17:00:00Z"));
    expect(() => shardFromEnv({ BENCH_SHARDS: "4", JOB_COMPLETION_INDEX: "4" }, "/r")).toThrow(
      /JOB_COMPLETION_INDEX: 4 must be below BENCH_SHARDS \(4\)/,
    );
    expect(() => shardFromEnv({ BENCH_SHARDS: "4" }, "/r")).toThrow(/JOB_COMPLETION_INDEX: missing/);
    expect(() => shardFromEnv({ BENCH_SHARDS: "two", JOB_COMPLETION_INDEX: "0" }, "/r")).toThrow(
      /BENCH_SHARDS: "two" must be an integer/,
    );
    expect(() => shardFromEnv({ BENCH_SHARDS: "2", JOB_COMPLETION_INDEX: "0", BENCH_START_AT: "soon" }, "/r")).toThrow(
      /BENCH_START_AT/,
    );
  });

  it("the start barrier gives every shard the same start, after all are ready", async () => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-barrier-"));
    const envs = [0, 1, 2].map((i) =>
      shardFromEnv({ BENCH_SHARDS: "3", JOB_COMPLETION_INDEX: String(i), BENCH_MAX_SKEW_MS: "20" }, runDir)!,
    );
    const t0 = Date.now();
    const late = new Promise<number>((r) => setTimeout(() => r(fileBarrier(envs[2], () => {})("a")), 300));
    const starts = await Promise.all([fileBarrier(envs[0], () => {})("a"), fileBarrier(envs[1], () => {})("a"), late]);
    expect(new Set(starts).size).toBe(1);
    expect(starts[0]).toBeGreaterThanOrEqual(t0 + 300);
    fs.rmSync(runDir, { recursive: true, force: true });
  });
});

function rec(id: number, start_s: number, ttft: number, itl: number[], ok = true): RequestRecord {
  const e2el = ttft + itl.reduce((a, b) => a + b, 0);
  return {
    request_id: `s-req-${id}`,
    scenario: "s",
    start_s,
    success: ok,
    prompt_tokens: 10 + id,
    output_tokens: itl.length + 1,
    ttft_ms: ttft,
    e2el_ms: e2el,
    tpot_ms: itl.length ? (e2el - ttft) / itl.length : undefined,
    itl_ms: itl,
  };
}

describe("merge", () => {
  const info = {
    date: "2026-12-01T00:00:00Z",
    backend: "openai-chat",
    model_id: "m",
    scenario: "s",
    num_prompts: 6,
    request_rate: 10 as const,
    burstiness: 1,
    max_concurrency: 4,
    percentiles: [50, 90, 99],
  };
  const shard = (index: number, startEpoch: number, records: RequestRecord[], duration: number): ShardFile => ({
    version: 1,
    shard: { index, count: 2 },
    run_id: "r",
    max_skew_ms: 1000,
    file: { name: "f", percentiles: [50, 90, 99], thresholds: { ttft_p99_ms: 100 } },
    scenarios: [
      { result: aggregate({ ...info, duration }, records), records, partial: false, start_epoch_ms: startEpoch },
    ],
  });

  it("recomputes every figure from the union on one clock, never averaging the shards' figures", () => {
    const a = [rec(0, 0, 30, [5, 5]), rec(2, 0.2, 90, [5, 50, 5]), rec(4, 0.4, 31, [5])];
    const b = [rec(1, 0.1, 200, [5, 5, 5, 5]), rec(3, 0.3, 32, [6]), rec(5, 0.5, 33, [], false)];
    // Shard 1 started 250 ms after shard 0: its records move by 0.25 s.
    const m = mergeShards([shard(1, 1_000_250, b, 0.9), shard(0, 1_000_000, a, 1)]);
    const r = m.results[0];
    expect(r.records.map((x) => x.request_id)).toEqual([
      "s-req-0",
      "s-req-2",
      "s-req-1",
      "s-req-4",
      "s-req-3",
      "s-req-5",
    ]);
    expect(r.records.find((x) => x.request_id === "s-req-1")!.start_s).toBeCloseTo(0.35, 9);
    expect(r.result.duration).toBeCloseTo(1.15, 9);
    expect(r.result).toMatchObject({ completed: 5, failed: 1, shards: 2, num_prompts: 6 });
    const ttft = [30, 90, 31, 200, 32];
    expect(r.result.p90_ttft_ms).toBeCloseTo(numpyPercentile(ttft, 90), 9);
    const itl = [5, 5, 5, 50, 5, 5, 5, 5, 5, 5, 6];
    expect(r.result.p99_itl_ms).toBeCloseTo(numpyPercentile(itl, 99), 9);
    // The average of the shards' own P90s would be something else.
    expect(r.result.p90_ttft_ms).not.toBeCloseTo(
      (shard(0, 0, a, 1).scenarios[0].result.p90_ttft_ms + shard(1, 0, b, 1).scenarios[0].result.p90_ttft_ms) / 2,
      3,
    );
    expect(r.thresholds).toEqual([{ name: "ttft_p99_ms", limit: 100, value: r.result.p99_ttft_ms, passed: false }]);
  });

  it("names missing shards instead of merging part of a run", () => {
    expect(() => mergeShards([shard(1, 0, [rec(1, 0, 1, [])], 1)])).toThrow(
      /shard\(s\) 0 of 2 have no results file yet/,
    );
    expect(() => mergeShards([])).toThrow(/no shard files/);
  });

  it("timeline: per-second request counts and TTFT / ITL percentiles from the records", () => {
    const t = timeline([rec(0, 0.1, 100, [400, 400]), rec(1, 0.5, 300, [100]), rec(2, 1.2, 50, [10], false)], 2);
    expect(t.map((s) => s.started)).toEqual([2, 1]);
    expect(t.map((s) => [s.completed, s.failed])).toEqual([
      [1, 0],
      [1, 1],
    ]);
    expect(t[0].ttft_p50_ms).toBe(200);
    // Gaps land where their token arrived: 0.1+0.1+0.4 = 0.6 s, 1.0 s; 0.5+0.3+0.1 = 0.9 s; 1.2+0.05+0.01.
    expect(t[0].itl_p50_ms).toBe(250);
    expect(t[1].itl_p99_ms).toBeCloseTo(numpyPercentile([400, 10], 99), 9);
    // The console table marks a P95 above its threshold; cluster columns appear only when read.
    const table = timelineTable(t, { ttft_p95_ms: 250 }).split("\n");
    expect(table[0]).toBe("Timeline (every 1 s; ! = above ttft_p95_ms 250):");
    expect(table[2]).toMatch(/^\s*0\s+2\s+1\s+0\s+200\s+290!/);
    expect(table[1]).not.toMatch(/HPA/);
  });
});
