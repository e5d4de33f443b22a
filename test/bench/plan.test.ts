// The planner's pure parts: the rate search against a known knee, the recommendation arithmetic,
// the output forms (pulumi config set lines, YAML snippet) and the price table's GPU counts.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { gpuInstanceInfo } from "../../infra/gpu-instances";
import { configSetLines, yamlSnippet } from "../../bench/plan/output";
import { summary, type PlanFile } from "../../bench/plan/plan";
import { INSTANCE_PRICES } from "../../bench/plan/prices";
import { floor2, recommend } from "../../bench/plan/recommend";
import type { Verdict } from "../../bench/plan/judge";
import { searchRate, type Measurement } from "../../bench/plan/search";
import { parseSloFlags, planSlos, slack } from "../../bench/plan/slo";
import { stackConfigSchema } from "../../infra/config";
import { defaultSimOptions } from "../../bench/sim";
import { engineCapacityRps, SETTINGS } from "../../perf/plan-capacity";

const base = { startRps: 4, minRps: 0.05, maxRps: 1000, precision: 0.05, maxPoints: 30, repeats: 1 };
const at = (rate: number): Promise<Measurement> => Promise.resolve({ rate });
/** A replica whose SLOs hold below `knee` req/s, judged without noise. */
const sharp =
  (knee: number) =>
  (ms: Measurement[]): Verdict =>
    ms[0].rate <= knee ? "pass" : "miss";

describe("rate search", () => {
  it.each([0.3, 3.7, 12.5, 140])(
    "brackets then bisects to within the precision of a knee at %s req/s",
    async (knee) => {
      const r = await searchRate(at, sharp(knee), base);
      expect(r.stop).toBe("converged");
      expect(r.sustainable!).toBeLessThanOrEqual(knee);
      expect(r.knee!).toBeGreaterThan(knee);
      expect((r.knee! - r.sustainable!) / r.sustainable!).toBeLessThanOrEqual(base.precision);
      // Every point is recorded, in order, with its verdict.
      expect(r.verdicts.every((v) => v.passed === v.rate <= knee)).toBe(true);
    },
  );

  it("stops at the point budget with the best bracket so far, and reports when nothing passes", async () => {
    const r = await searchRate(at, sharp(12.5), { ...base, maxPoints: 4 });
    expect(r.stop).toBe("max-points");
    expect(r.verdicts).toHaveLength(4);
    expect(r.sustainable).toBeCloseTo(Math.sqrt(8 * 16)); // 4, 8 pass; 16 fails; √(8·16) passes
    const none = await searchRate(at, sharp(0.01), base);
    expect(none.stop).toBe("min-rate");
    expect(none.sustainable).toBeUndefined();
  });

  it("measures an unsure rate again and judges it on every measurement so far", async () => {
    // At 11 req/s the first run is unsure, the second settles it as a pass.
    const judge = (ms: Measurement[]): Verdict =>
      ms[0].rate < 10 ? "pass" : ms[0].rate <= 12 ? (ms.length < 2 ? "unsure" : "pass") : "miss";
    const r = await searchRate(at, judge, { ...base, startRps: 11, repeats: 3 });
    const at11 = r.verdicts.find((v) => v.rate === 11)!;
    expect(at11.measurements).toHaveLength(2);
    expect(at11.verdict).toBe("pass");
    // Far from any limit, one measurement is enough.
    expect(r.verdicts.find((v) => v.rate === 22)!.measurements).toHaveLength(1);
  });

  it("never answers with an unsure rate: the answer is the highest sure pass, the upper end a sure miss", async () => {
    // Sure below 9, unsure from 9 to 12 (however often measured), sure miss above 12: a search
    // that took a lucky unsure rate as its answer would answer above 9.
    const judge = (ms: Measurement[]): Verdict => (ms[0].rate < 9 ? "pass" : ms[0].rate <= 12 ? "unsure" : "miss");
    const r = await searchRate(at, judge, { ...base, repeats: 3 });
    expect(r.stop).toBe("converged");
    expect(r.sustainable!).toBeLessThan(9);
    expect(r.sustainable!).toBeGreaterThan(9 / (1 + base.precision) - 1e-9);
    expect(r.knee!).toBeGreaterThan(12); // measured above the unsure rates until one surely missed
    expect(r.firstNotPassed!).toBeGreaterThanOrEqual(9);
    for (const v of r.verdicts.filter((v) => v.verdict === "unsure")) expect(v.measurements).toHaveLength(3);
  });

  it("stops with no data, not a miss, when the rates low enough to pass leave no request to judge", async () => {
    const judge = (ms: Measurement[]): Verdict => (ms[0].rate < 1 ? "no-data" : "miss");
    const r = await searchRate(at, judge, base);
    expect(r.stop).toBe("no-data");
    expect(r.sustainable).toBeUndefined();
    expect(r.verdicts.at(-1)!.verdict).toBe("no-data");
    // Starting below any data, the search climbs to where requests arrive.
    const up = await searchRate(at, (ms) => (ms[0].rate < 1 ? "no-data" : ms[0].rate <= 5 ? "pass" : "miss"), {
      ...base,
      startRps: 0.1,
    });
    expect(up.stop).toBe("converged");
    expect(up.sustainable!).toBeLessThanOrEqual(5);
  });
});

describe("rate search, confirmed with a long point", () => {
  it("does not answer a rate only short points passed: it steps down until a long point passes", async () => {
    // Short points pass up to 10 req/s (the queue has no time to build), long ones only up to 8.
    const measure = (rate: number, _attempt: number, long?: boolean) => Promise.resolve({ rate, long: !!long });
    const judge = (ms: { rate: number; long: boolean }[]): Verdict =>
      ms[0].rate <= (ms[0].long ? 8 : 10) ? "pass" : "miss";
    const r = await searchRate(measure, judge, { ...base, precision: 0.1, confirm: true });
    expect(r.stop).toBe("converged");
    expect(r.sustainable!).toBeLessThanOrEqual(8);
    expect(r.verdicts.filter((v) => v.confirmation).at(-1)!.verdict).toBe("pass");
    // Without the confirmation the short points' answer stands, above what holds.
    expect((await searchRate(measure, judge, { ...base, precision: 0.1 })).sustainable!).toBeGreaterThan(8);
  });
});

describe("rate search, an unsure confirmation", () => {
  it("measures an unsure long point once more and judges the runs pooled before stepping down", async () => {
    // A latency that barely moves with the rate: one long run is unsure at every rate, two pooled pass up to 8.
    const measure = (rate: number, _attempt: number, long?: boolean) => Promise.resolve({ rate, long: !!long });
    const judge = (ms: { rate: number; long: boolean }[]): Verdict =>
      !ms[0].long ? (ms[0].rate <= 10 ? "pass" : "miss") : ms.length < 2 ? "unsure" : ms[0].rate <= 8 ? "pass" : "miss";
    const r = await searchRate(measure, judge, { ...base, precision: 0.1, confirm: true });
    expect(r.sustainable).toBeDefined();
    expect(r.sustainable!).toBeLessThanOrEqual(8);
    const answer = r.verdicts.find((v) => v.confirmation && v.rate === r.sustainable)!;
    expect(answer.measurements).toHaveLength(2);
  });
});

describe("rate search, a confirmation that one lucky run would pass", () => {
  it("measures every long point at least twice and judges the runs together: one passing run is not a confirmation", async () => {
    // The first long run at any rate passes by luck; judged with a second, only rates up to 8 pass.
    const measure = (rate: number, _attempt: number, long?: boolean) => Promise.resolve({ rate, long: !!long });
    const judge = (ms: { rate: number; long: boolean }[]): Verdict =>
      !ms[0].long ? (ms[0].rate <= 10 ? "pass" : "miss") : ms.length < 2 || ms[0].rate <= 8 ? "pass" : "unsure";
    const r = await searchRate(measure, judge, { ...base, precision: 0.1, confirm: true });
    expect(r.sustainable!).toBeLessThanOrEqual(8);
    // Two runs at least; a pair that is unsure gets a third before the search steps down.
    for (const v of r.verdicts.filter((x) => x.confirmation))
      expect(v.measurements).toHaveLength(v.verdict === "pass" ? 2 : 3);
  });
});

describe("rate search, the answer run twice", () => {
  it("with repeats, the answer must still pass with a second run pooled in, or the next lower pass is tried", async () => {
    // Every rate from 9 up passes its first run (a lucky window) and fails pooled with a second.
    const judge = (ms: Measurement[]): Verdict =>
      ms[0].rate < 9 || ms.length < 2 ? (ms[0].rate <= 12 ? "pass" : "miss") : "unsure";
    const r = await searchRate(at, judge, { ...base, precision: 0.1, repeats: 3 });
    expect(r.sustainable!).toBeLessThan(9);
    const answer = r.verdicts.find((v) => v.rate === r.sustainable)!;
    expect(answer.measurements).toHaveLength(2);
    // Unsure after two runs, such a rate got a third (up to `repeats`) before the next lower pass was tried.
    expect(r.verdicts.some((v) => v.rate >= 9 && v.measurements.length === 3 && v.verdict === "unsure")).toBe(true);
  });
});

describe("rate search, an answer that fails its second run", () => {
  it("bisects the gap down to the next lower pass again, so the answer stays within the precision of the rate that failed", async () => {
    // One run passes up to 12 req/s; two runs pooled pass only up to 11.6.
    const judge = (ms: Measurement[]): Verdict => (ms[0].rate <= (ms.length < 2 ? 12 : 11.6) ? "pass" : "miss");
    const r = await searchRate(at, judge, { ...base, precision: 0.025, repeats: 3 });
    // 11.81 passed once and failed with a second run; the next lower pass, 11.31, is 4.4 % below it.
    const failed = r.verdicts.find((v) => v.rate > 11.6 && v.rate < 12 && v.measurements.length > 1)!;
    expect(failed.verdict).toBe("miss");
    expect(r.sustainable!).toBeGreaterThan(11.5);
    expect(r.sustainable!).toBeLessThanOrEqual(11.6);
    expect((failed.rate - r.sustainable!) / r.sustainable!).toBeLessThanOrEqual(0.025);
    expect(r.verdicts.find((v) => v.rate === r.sustainable)!.measurements).toHaveLength(2);
    expect(r.stop).toBe("converged");
  });
});

describe("rate search, bursty arrivals", () => {
  it("rests the answer on answerRuns runs: calm runs that agree are not enough where bursts are rare", async () => {
    // Runs 1–3 at any rate up to 12 are calm and pass; a fourth at 9 or more meets a burst.
    const judge = (ms: Measurement[]): Verdict =>
      ms[0].rate <= 12 && (ms.length < 4 || ms[0].rate < 9) ? "pass" : ms[0].rate <= 12 ? "unsure" : "miss";
    const r = await searchRate(at, judge, { ...base, precision: 0.1, repeats: 3, answerRuns: 4 });
    expect(r.sustainable!).toBeLessThan(9);
    expect(r.verdicts.find((v) => v.rate === r.sustainable)!.measurements.length).toBeGreaterThanOrEqual(4);
    // With the default two runs the calm runs carry the answer above 9.
    expect((await searchRate(at, judge, { ...base, precision: 0.1, repeats: 3 })).sustainable!).toBeGreaterThanOrEqual(
      9,
    );
  });
});

describe("rate search, interrupted", () => {
  it("records no verdict for a point an interrupt cut short, and says it was interrupted", async () => {
    const ac = new AbortController();
    const measure = (rate: number): Promise<Measurement> => {
      if (rate > 4) ac.abort(); // the interrupt lands during the second point
      return Promise.resolve({ rate });
    };
    const r = await searchRate(measure, () => "pass", { ...base, signal: ac.signal });
    expect(r.stop).toBe("interrupted");
    expect(r.verdicts.map((v) => v.rate)).toEqual([4]);
    expect(r.knee).toBeUndefined(); // a lower bound only: runPlan recommends nothing from it
  });
});

describe("SLOs", () => {
  it("takes per-request thresholds from the scenario file and leaves rate-bound ones out", () => {
    expect(planSlos({ ttft_p95_ms: 2000, throughput_min: 10, success_rate: 0.95, request_throughput_min: 1 })).toEqual({
      slos: { ttft_p95_ms: 2000, success_rate: 0.95 },
      ignored: ["throughput_min", "request_throughput_min"],
    });
    expect(parseSloFlags(["itl_p99_ms=100", "success_rate=0.99"])).toEqual({ itl_p99_ms: 100, success_rate: 0.99 });
    expect(() => parseSloFlags(["ttft_p95_ms"])).toThrow(/--slo: "ttft_p95_ms" must be NAME=NUMBER/);
    // Slack: latency under its limit and success rate over its minimum are positive.
    expect(
      slack([
        { name: "ttft_p95_ms", limit: 1000, value: 900, passed: true },
        { name: "success_rate", limit: 0.9, value: 0.99, passed: true },
      ]),
    ).toBeCloseTo(0.1);
    expect(slack([{ name: "ttft_p95_ms", limit: 1000, value: 1200, passed: false }])).toBeCloseTo(-0.2);
  });
});

describe("recommendation", () => {
  const input = {
    sustainableRps: 12.5,
    peakRps: 100,
    headroom: 0.6,
    alertFraction: 0.9,
    tensorParallelSize: 1,
    instanceType: "g6.xlarge",
    meanOutputTokens: 256,
  };
  it("derives the HPA target, replicas, GPU nodes, alert threshold and cost", () => {
    const r = recommend(input);
    expect(r.config["autoscaling.targetRequestsPerSecond"]).toBe(7.5);
    expect(r.config["autoscaling.maxReplicas"]).toBe(14); // ⌈100 / 7.5⌉
    expect(r.config["gpuNodes.maxSize"]).toBe(14);
    expect(r.config["monitoring.alerts.requestsPerSecondPerPod"]).toBe(11);
    expect(r.costPerHourAtPeak).toBeCloseTo(14 * 0.8048);
    // One g6.xlarge per replica: $0.8048 / (7.5 req/s × 256 tok × 3600 s) per token.
    expect(r.costPerMillionOutputTokens).toBeCloseTo((0.8048 / (7.5 * 256 * 3600)) * 1e6);
  });
  it("prints what an idle day costs at zero and at one replica (one GPU node for 24 h)", () => {
    const r = recommend(input);
    const plan = {
      plan: {
        sustainable_rps: 12.5,
        knee_rps: 13,
        stop: "converged",
        fleet: { headroom: 0.6, alert_fraction: 0.9, peak_rps: 100 },
        mean_output_tokens: 256,
      },
    } as unknown as PlanFile;
    const row = summary(plan, r)
      .split("\n")
      .find((l) => l.startsWith("cost per idle day"));
    expect(row).toMatch(
      /\$0 \/ \$19\.32 +autoscaling\.minReplicas 0 with a wake-up rule vs 1: one g6\.xlarge for 24 h/,
    );
  });
  it("says which confirmations did not pass when quick's long runs ran out, not 'no rate down to the minimum'", () => {
    const plan = {
      plan: {
        sustainable_rps: null,
        knee_rps: null,
        stop: "max-points",
        search: { minRps: 0.05 },
        rates: [
          { rate: 9, confirmation: false, verdict: "pass" },
          { rate: 9, confirmation: true, verdict: "unsure" },
          { rate: 7.5, confirmation: true, verdict: "miss" },
        ],
      },
    } as unknown as PlanFile;
    const text = summary(plan, undefined);
    expect(text).toMatch(/No answer: the long runs .* did not surely pass at 9 \(unsure\), 7\.50 \(miss\) req\/s/);
    expect(text).not.toMatch(/No rate down to/);
  });
  it("packs tensor-parallel pods onto multi-GPU nodes and honours a price override", () => {
    const r = recommend({ ...input, tensorParallelSize: 2, instanceType: "g6.12xlarge", pricePerHour: 3 });
    expect(r.podsPerNode).toBe(2);
    expect(r.config["gpuNodes.maxSize"]).toBe(7); // 14 replicas, 2 per node
    expect(r.costPerHourAtPeak).toBe(21);
    expect(r.price.source).toBe("--price-per-hour");
  });
  it("refuses settings that cannot work, naming the flag", () => {
    expect(() => recommend({ ...input, tensorParallelSize: 2 })).toThrow(
      /--tensor-parallel-size: 2 GPUs per pod do not fit on g6.xlarge/,
    );
    expect(() => recommend({ ...input, instanceType: "x9.huge" })).toThrow(
      /--instance-type: x9.huge is not in the price table/,
    );
    expect(() => recommend({ ...input, headroom: 0.95 })).toThrow(/--headroom/);
    expect(floor2(3.3649)).toBe(3.3);
    expect(floor2(0.0457)).toBeCloseTo(0.045);
  });
  it("writes config the stack schema accepts, as set lines and as YAML", () => {
    const { config } = recommend(input);
    const lines = configSetLines(config);
    expect(lines).toContain("pulumi config set --path --type float autoscaling.targetRequestsPerSecond 7.5");
    expect(lines).toContain("pulumi config set --path autoscaling.maxReplicas 14");
    expect(lines).toContain("pulumi config set --path 'gpuNodes.instanceTypes[0]' g6.xlarge");
    const yaml = parse(yamlSnippet(config)).config as Record<string, unknown>;
    const sections = Object.fromEntries(Object.entries(yaml).map(([k, v]) => [k.replace(/^vllm-k8s:/, ""), v]));
    const parsed = stackConfigSchema.parse({
      ...sections,
      cluster: { mode: "eks", name: "demo", region: "us-east-1" },
    });
    expect(parsed.autoscaling.targetRequestsPerSecond).toBe(7.5);
    expect(parsed.gpuNodes.maxSize).toBe(14);
    expect(parsed.monitoring.alerts.requestsPerSecondPerPod).toBe(11);
  });
});

describe("price table", () => {
  it("lists GPU counts that agree with the stack's instance facts", () => {
    for (const [type, p] of Object.entries(INSTANCE_PRICES)) expect(gpuInstanceInfo(type)?.gpus, type).toBe(p.gpus);
  });
});

describe("the simulator's capacity model (perf/plan-capacity.ts, npm run bench:plan)", () => {
  it("the capacity formula refuses settings where the token budget or KV cache binds", () => {
    expect(() => engineCapacityRps({ ...defaultSimOptions, ...SETTINGS.large, kvCacheTokens: 1024 }, 32, 8)).toThrow(
      /KV cache binds/,
    );
    expect(() =>
      engineCapacityRps({ ...defaultSimOptions, ...SETTINGS.large, maxNumBatchedTokens: 64 }, 32, 8),
    ).toThrow(/token budget binds/);
  });

  it("predicts capacities 4× apart for the two accuracy settings", () => {
    const small = engineCapacityRps({ ...defaultSimOptions, ...SETTINGS.small }, 32, 8);
    expect(small).toBeCloseTo(8.6, 1); // 32 / (8·400 + 32·(2·8 + 0.01·32)) per ms
    expect(engineCapacityRps({ ...defaultSimOptions, ...SETTINGS.large }, 32, 8) / small).toBeGreaterThanOrEqual(4);
  });
});
