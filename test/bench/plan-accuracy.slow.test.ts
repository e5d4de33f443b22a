// A smoke of the accuracy study `npm run bench:plan` runs (perf/plan.ts: four shapes, a long
// sweep each, full and quick plans; its numbers are in docs/benchmark.md): the batch-limited shape
// four times faster (speedup 4: every simulated duration, SLO and point divided by 4), a short
// brute-force sweep (perf/plan-sweep.ts, no planner code) and `vllm-bench plan --quick` with its
// own settings scaled the same way (its confirmation point included). About two minutes: measured
// 112 s at load average 4 (sweep 7.74 req/s, first miss 8.17; quick 5.97, −22.8 %).
//
// What the fix allows: --quick answers the lower end of its interval, a rate every SLO's 95 %
// interval cleared in a point as long as the full search's, so it must never reach the lowest rate
// the sweep saw miss (before the fix the smoke accepted +25 % above the capacity); below, its 20 %
// bisection precision, a confirmation that steps down by it and its wide intervals over 1.5 s
// windows cost up to about a third (the smoke accepted −50 %).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measurePoint } from "../../bench/plan/measure";
import { parseScenarioFile } from "../../bench/contract";
import { closeIdleConnections } from "../../bench/client/request";
import { defaultSimOptions, startSimulator, type RunningSimulator } from "../../bench/sim";
import { planAccuracy, sweepWindows } from "../../perf/plan-accuracy";
import { sweepPoint } from "../../perf/plan-sweep";
import { engineCapacityRps, scenarioFile, SETTINGS, WORKLOAD } from "../../perf/plan-capacity";

const QUICK_BELOW = 0.4;
const studyDir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-plan-accuracy-"));
afterAll(() => fs.rmSync(studyDir, { recursive: true, force: true }));

describe("planner accuracy against a brute-force sweep (smoke)", () => {
  it("--quick never answers a rate the sweep saw miss, and stays within 40 % below the sweep", async () => {
    const a = await planAccuracy("batch-limited", {
      speedup: 4,
      sweepDurationS: 24,
      sweepDropS: 6,
      lowFraction: 0.6,
      coarseStep: 0.15,
      fineStep: 0.05,
      modes: ["quick"],
      outputDir: studyDir,
      seed: 1,
    });
    console.log(
      `plan accuracy smoke: sweep ${a.sweepRps?.toFixed(2)} req/s (first miss ${a.sweepMissRps?.toFixed(2)}, ${a.sweepPoints.length} rates, ${a.sweepSeconds.toFixed(0)} s); quick ${a.quick?.lower?.toFixed(2)} [${a.quick?.lower?.toFixed(2)}, ${a.quick?.upper?.toFixed(2)}] ${((a.quick?.error ?? NaN) * 100).toFixed(1)} % (${a.quick?.stop}, ${a.quick?.seconds.toFixed(0)} s)`,
    );
    expect(a.sweepRps).not.toBeNull();
    expect(a.sweepMissRps).not.toBeNull();
    if (a.quick!.lower === null) {
      // Under load (another suite on the other core) quick's 15 s long runs at speedup 4 can
      // disagree at every step down: then it gives no answer after its three confirmations, which
      // is not optimistic; a fresh-clone CI run did so once (quick 5.97, −22.8 % when quieter).
      expect(a.quick!.stop).toBe("max-points");
      return;
    }
    expect(a.quick!.lower).toBeLessThan(a.sweepMissRps!);
    expect(a.quick!.error!).toBeGreaterThanOrEqual(-QUICK_BELOW);
  }, 300_000);
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
    // The judge agrees: a sure miss at twice the capacity.
    expect(twice.judgement.verdict).toBe("miss");
  }, 30_000);
});

describe("the sweep's pooled windows", () => {
  it("judges the requests of every window together, each window its own seed", async () => {
    const capacity =
      SPEEDUP * engineCapacityRps({ ...defaultSimOptions, ...SETTINGS.small }, WORKLOAD.inputLen, WORKLOAD.outputLen);
    const o = { durationS: 1.5, dropS: 0.3, graceS: 5, seed: 7, ttftP95Ms: 1000 };
    const workload = { inputLen: WORKLOAD.inputLen, outputLen: WORKLOAD.outputLen, burstiness: 0.25 };
    const one = await sweepPoint(sim.url, capacity / 2, workload, o);
    const three = await sweepPoint(sim.url, capacity / 2, workload, { ...o, windows: 3 });
    // The first window is the single one's (same seed); the pool adds two more windows' requests.
    expect(three.counted).toBeGreaterThan(one.counted);
    expect(sweepWindows(0.25)).toBe(4);
    expect(sweepWindows(1)).toBe(1);
  }, 60_000);
});
