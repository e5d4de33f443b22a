// Honest accuracy: the rate `vllm-bench plan` finds against the simulator must match the capacity
// that follows from the simulator's engine settings (plan-capacity.ts), at two settings whose
// capacities differ by 4×.
//
// Tolerance, from what we measured on this project's 2-core shared machine (25 s points, 5 s
// warm-up, 4 % bisection precision, TTFT P95 ≤ 2500 ms), predicted 8.60 (small) and 34.39 req/s
// (large):
//   loaded (load average ~19):  found 7.66 and 30.64 req/s: −10.9 % at both settings
//   quiet  (load average < 2):  found 8.72 and 35.66 req/s: +1.5 % and +3.7 %
// Below: on a loaded machine the real-time engine loop runs late (timers and the event loop stretch
// every modelled step), the same fraction at both settings. Above: an overload of ε lets the queue
// grow by ε seconds per second, and within a 25 s point the TTFT P95 (~0.9 s at low load) crosses
// 2.5 s only once ε is about 7 %; a point near the knee also varies by a few percent from seed to
// seed (2606 vs 2500 ms at neighbouring rates), and the bisection stops within 4 %. So the found rate
// must lie within −20 % (the 11 % load shortfall plus noise and precision) and +10 % (the overload
// a point cannot see plus the precision) of the prediction.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measurePoint } from "../../bench/plan/measure";
import { parseScenarioFile } from "../../bench/contract";
import { closeIdleConnections } from "../../bench/client/request";
import { runPlan } from "../../bench/plan/plan";
import { defaultSimOptions, startSimulator, type RunningSimulator } from "../../bench/sim";
import { engineCapacityRps, scenarioFile, SETTINGS, WORKLOAD } from "./plan-capacity";

const TOLERANCE = { below: 0.2, above: 0.1 };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-plan-accuracy-"));
const config = path.join(dir, "scenario.json");
fs.writeFileSync(config, JSON.stringify(scenarioFile({ ttft_p95_ms: 2500 })));

describe("planner accuracy against the simulator's engine model", () => {
  const predicted = Object.fromEntries(
    Object.entries(SETTINGS).map(([k, s]) => [
      k,
      engineCapacityRps({ ...defaultSimOptions, ...s }, WORKLOAD.inputLen, WORKLOAD.outputLen),
    ]),
  );

  it("uses two settings whose predicted capacities differ by at least 4×", () => {
    expect(predicted.large / predicted.small).toBeGreaterThanOrEqual(4);
  });

  it.each(Object.keys(SETTINGS))(
    "finds the %s setting's capacity within −20 % … +10 %",
    async (name) => {
      const out = await runPlan({
        sim: SETTINGS[name as keyof typeof SETTINGS],
        config,
        slos: {},
        search: { startRps: 4, minRps: 0.5, maxRps: 1000, precision: 0.04, maxPoints: 14, repeats: 1, noiseBand: 0.1 },
        durationS: 25,
        warmupS: 5,
        fleet: { peakRps: 100, headroom: 0.6, alertFraction: 0.9, tensorParallelSize: 1, instanceType: "g6.xlarge" },
        outputDir: path.join(dir, name),
        seed: 1,
        log: () => {},
      });
      const found = out.plan.plan.sustainable_rps!;
      const error = found / predicted[name] - 1;
      console.log(
        `plan accuracy ${name}: predicted ${predicted[name].toFixed(2)} req/s, found ${found.toFixed(2)} (knee ${out.plan.plan.knee_rps?.toFixed(2)}), error ${(error * 100).toFixed(1)} %`,
      );
      expect(out.plan.plan.stop).toBe("converged");
      expect(error).toBeGreaterThanOrEqual(-TOLERANCE.below);
      expect(error).toBeLessThanOrEqual(TOLERANCE.above);
    },
    900_000,
  );
});

// A reduced variant (one minute rather than ten; run it alone with -t reduced): the small engine setting, four times
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
    expect(half.result.request_throughput as number).toBeGreaterThan((capacity / 2) * 0.7);
    expect(twice.checks[0].value).toBeGreaterThan(half.checks[0].value * 2);
  }, 30_000);
});
