// Ramp-up (vLLM's --ramp-up-strategy): the arrival rate moves from a start to an end rate over a
// scenario's requests; checked in the arrival schedule, the scenario schema and a real run.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBenchmark } from "../../bench/client/run";
import { arrivalGaps, rampRate } from "../../bench/client/random";
import { parseScenarioFile } from "../../bench/contract";
import { startSimulator, type RunningSimulator } from "../../bench/sim";

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("ramp-up arrivals", () => {
  it("moves the rate linearly or geometrically by request index", () => {
    const linear = { strategy: "linear", startRps: 2, endRps: 20 } as const;
    const expo = { strategy: "exponential", startRps: 2, endRps: 32 } as const;
    expect([0, 50, 100].map((i) => rampRate(linear, i, 101))).toEqual([2, 11, 20]);
    expect([0, 25, 50, 75, 100].map((i) => rampRate(expo, i, 101))).toEqual(
      [2, 4, 8, 16, 32].map((v) => expect.closeTo(v, 9)),
    );
  });

  it("draws gaps whose mean follows the ramp (Poisson at each point)", () => {
    const gaps = arrivalGaps(4000, { strategy: "linear", startRps: 2, endRps: 20 }, 1, 7);
    // First and last 400 requests: rates around 2.9 and 19.1 per second.
    const first = mean(gaps.slice(0, 400));
    const last = mean(gaps.slice(-400));
    expect(first).toBeGreaterThan(1 / 3.6);
    expect(first).toBeLessThan(1 / 2.4);
    expect(last).toBeGreaterThan(1 / 21);
    expect(last).toBeLessThan(1 / 17);
  });

  it("draws gamma gaps with the asked mean and variance (CV² = 1 / burstiness, as numpy's gamma)", () => {
    for (const b of [1, 0.25, 0.5, 2]) {
      const g = arrivalGaps(200_000, 10, b, 7);
      const m = mean(g);
      const cv2 = mean(g.map((x) => (x - m) ** 2)) / m / m;
      expect(m, `burstiness ${b}`).toBeCloseTo(0.1, 2);
      // 200,000 draws: the sample CV² lands within a few percent (the old sampler: 1.13 for b = 1).
      expect(cv2 / (1 / b), `burstiness ${b}: CV² ${cv2}`).toBeGreaterThan(0.96);
      expect(cv2 / (1 / b), `burstiness ${b}: CV² ${cv2}`).toBeLessThan(1.04);
    }
  });

  it("rejects an incomplete ramp or a ramp with a fixed rate, naming the field", () => {
    const file = (sc: object) => ({ scenarios: [{ name: "r", ...sc }] });
    expect(() => parseScenarioFile(file({ ramp_up_strategy: "linear", ramp_up_start_rps: 1 }), "f.json")).toThrow(
      /scenarios\.0\.ramp_up_strategy: a ramp needs all of/,
    );
    expect(() =>
      parseScenarioFile(
        file({ ramp_up_strategy: "linear", ramp_up_start_rps: 1, ramp_up_end_rps: 5, request_rate: 3 }),
        "f.json",
      ),
    ).toThrow(/scenarios\.0\.request_rate: set either request_rate or the ramp_up_\* fields/);
    expect(() =>
      parseScenarioFile(file({ ramp_up_strategy: "sideways", ramp_up_start_rps: 1, ramp_up_end_rps: 5 }), "f.json"),
    ).toThrow(/scenarios\.0\.ramp_up_strategy/);
  });
});

describe("a ramped run against the simulator", () => {
  let sim: RunningSimulator;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-ramp-"));
  beforeAll(async () => {
    sim = await startSimulator({ fixedTtftMs: 5, fixedItlMs: 2, model: "fixed" });
  });
  afterAll(async () => {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("sends slowly first and fast at the end, and records the ramp in results.json", async () => {
    const config = path.join(dir, "ramp.json");
    fs.writeFileSync(
      config,
      JSON.stringify({
        scenarios: [
          {
            name: "ramp",
            num_prompts: 80,
            random_input_len: 8,
            random_output_len: 4,
            ramp_up_strategy: "linear",
            ramp_up_start_rps: 20,
            ramp_up_end_rps: 200,
          },
        ],
      }),
    );
    const { results } = await runBenchmark({
      baseUrl: sim.url,
      config,
      outputDir: dir,
      seed: 3,
      timeoutMs: 10_000,
      log: () => {},
    });
    const r = results[0];
    expect(r.result).toMatchObject({
      completed: 80,
      ramp_up_strategy: "linear",
      ramp_up_start_rps: 20,
      ramp_up_end_rps: 200,
    });
    const starts = r.records.map((x) => x.start_s).sort((a, b) => a - b);
    const spanFirst = starts[19] - starts[0];
    const spanLast = starts[79] - starts[60];
    // ~20 gaps at ~30 req/s vs at ~190 req/s: the first quarter takes several times longer.
    expect(spanFirst).toBeGreaterThan(2.5 * spanLast);
    const file = fs
      .readdirSync(dir, { recursive: true, encoding: "utf8" })
      .find((f) => f.endsWith("ramp.results.json"));
    expect(file, "ramp.results.json written").toBeDefined();
    expect(JSON.parse(fs.readFileSync(path.join(dir, file!), "utf8"))).toMatchObject({
      ramp_up_strategy: "linear",
      ramp_up_start_rps: 20,
      ramp_up_end_rps: 200,
    });
  });
});
