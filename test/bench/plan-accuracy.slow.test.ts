// Honest accuracy, a smoke of the study `npm run bench:plan` runs (perf/plan.ts, about ten minutes,
// whose header derives its −20 % … +10 % tolerance): the rate `vllm-bench plan` finds against the
// simulator must match the capacity that follows from the simulator's engine settings
// (perf/plan-capacity.ts).
//
// The smoke: the small setting four times faster (speedup 4: every modelled duration divided by 4,
// so the capacity is 4× the model's, 34.4 req/s), 3 s points (0.5 s warm-up), TTFT P95 ≤ 500 ms,
// 10 % bisection precision, starting at 16 req/s: five or six points, about 40 s. Measured here
// while other suites loaded the machine (load average 13 on 2 cores): +10.7 % with 3 s points,
// −6.9 % and +10.7 % with 4 s points, and −39.7 % once with 3 s points. Above: at low load the TTFT
// P95 is ~0.2 s (~0.45 s just below the knee), and a 2.5 s counted window sees an overload only
// once it has grown the queue by tenths of a second, so an overload of ~10 % passes, plus the
// precision: +25 %. Below: the modelled step is a quarter of the study's (100 ms), so the engine
// loop running late on a loaded machine costs several times the study's 11 %: −50 %. So the smoke
// fails a planner (search, measurement or aggregation) that finds less than half the capacity or
// more than 1.25× it; the ±10 %-level accuracy is the study's to show.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measurePoint } from "../../bench/plan/measure";
import { parseScenarioFile } from "../../bench/contract";
import { closeIdleConnections } from "../../bench/client/request";
import { defaultSimOptions, startSimulator, type RunningSimulator } from "../../bench/sim";
import { planAccuracy, predictedRps } from "../../perf/plan-accuracy";
import { engineCapacityRps, scenarioFile, SETTINGS, WORKLOAD } from "../../perf/plan-capacity";

const SMOKE_TOLERANCE = { below: 0.5, above: 0.25 };
const studyDir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-plan-accuracy-"));
afterAll(() => fs.rmSync(studyDir, { recursive: true, force: true }));

describe("planner accuracy against the simulator's engine model", () => {
  it("uses two settings whose predicted capacities differ by at least 4×", () => {
    expect(predictedRps("large", 1) / predictedRps("small", 1)).toBeGreaterThanOrEqual(4);
  });

  it("finds the small setting's capacity (speedup 4, short points) within −50 % … +25 %", async () => {
    const a = await planAccuracy("small", {
      speedup: 4,
      durationS: 3,
      warmupS: 0.5,
      ttftP95Ms: 500,
      precision: 0.1,
      startRps: 16,
      outputDir: studyDir,
    });
    console.log(
      `plan accuracy smoke: predicted ${a.predictedRps.toFixed(2)} req/s, found ${a.foundRps?.toFixed(2)} (knee ${a.kneeRps?.toFixed(2)}), error ${((a.error ?? NaN) * 100).toFixed(1)} %, ${a.points} points in ${a.seconds.toFixed(0)} s`,
    );
    expect(a.stop).toBe("converged");
    expect(a.error).toBeGreaterThanOrEqual(-SMOKE_TOLERANCE.below);
    expect(a.error).toBeLessThanOrEqual(SMOKE_TOLERANCE.above);
  }, 120_000);
});

// A reduced variant (a few seconds; run it alone with -t reduced): the small engine setting, four times
// faster (speedup 4: every modelled duration divided by 4, so the capacity is 4× the model's),
// measured at half and at twice its predicted capacity. Half must meet TTFT P95 ≤ 1000 ms
// (low-load TTFT there is ~230 ms); at twice, the queue grows by one second per second, so its
// P95 passes 1 s within the 2.5 s point.
const SPEEDUP = 4;
let sim: RunningSimulator;
const fastDir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-plan-fast-"));
beforeAll(async () => {
  sim = await startSimulator({ ...SETTINGS.small, speedup: SPEEDUP });
});
afterAll(async () => {
  closeIdleConnections();
  await sim.close();
  fs.rmSync(fastDir, { recursive: true, force: true });
});

describe("reduced variant: two points against the engine model", () => {
  it("a rate at half the predicted capacity meets the SLO and one at twice it misses", async () => {
    const capacity =
      SPEEDUP * engineCapacityRps({ ...defaultSimOptions, ...SETTINGS.small }, WORKLOAD.inputLen, WORKLOAD.outputLen);
    const file = parseScenarioFile(scenarioFile({ ttft_p95_ms: 1000 }), "test");
    const settings = {
      baseUrl: sim.url,
      file,
      slos: { ttft_p95_ms: 1000 },
      durationS: 2.5,
      warmupS: 0.5,
      seed: 3,
      outputDir: fastDir,
      log: () => {},
    };
    const half = await measurePoint(capacity / 2, 0, settings);
    const twice = await measurePoint(capacity * 2, 0, settings);
    expect(half.passed, JSON.stringify(half.checks)).toBe(true);
    expect(twice.passed, JSON.stringify(twice.checks)).toBe(false);
    // Below the knee the replica serves what it is offered; above it, it cannot.
    expect(half.result.request_throughput).toBeGreaterThan((capacity / 2) * 0.7);
    expect(twice.checks[0].value).toBeGreaterThan(half.checks[0].value * 2);
  }, 30_000);
});
