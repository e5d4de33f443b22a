// How well `vllm-bench plan` finds a known capacity: the planner runs against the built-in
// simulator, whose capacity follows from its engine settings (plan-capacity.ts), and the rate it
// finds is compared with that prediction. `npm run bench:plan` runs the full study (perf/plan.ts);
// test/bench/plan-accuracy.slow.test.ts runs a short smoke of the same code.
import * as fs from "node:fs";
import * as path from "node:path";
import { runPlan } from "../bench/plan/plan";
import { defaultSimOptions } from "../bench/sim";
import { engineCapacityRps, scenarioFile, SETTINGS, WORKLOAD } from "./plan-capacity";

export interface AccuracyOptions {
  /** Divide every simulated duration by this (the capacity grows by the same factor). */
  speedup: number;
  /** Seconds per measured rate, and the first seconds not counted. */
  durationS: number;
  warmupS: number;
  /** The SLO the planner must hold. */
  ttftP95Ms: number;
  /** The bisection stops when (fail − pass) / pass is below this. */
  precision: number;
  /** The first rate; the search doubles (or halves) from it. */
  startRps: number;
  outputDir: string;
  log?: (line: string) => void;
}

export interface Accuracy {
  setting: keyof typeof SETTINGS;
  predictedRps: number;
  foundRps: number | null;
  kneeRps: number | null;
  /** found / predicted − 1 (null when nothing passed). */
  error: number | null;
  stop: string;
  points: number;
  seconds: number;
}

/** The capacity the engine model predicts for a setting, at a speedup. */
export const predictedRps = (setting: keyof typeof SETTINGS, speedup: number) =>
  speedup * engineCapacityRps({ ...defaultSimOptions, ...SETTINGS[setting] }, WORKLOAD.inputLen, WORKLOAD.outputLen);

export async function planAccuracy(setting: keyof typeof SETTINGS, o: AccuracyOptions): Promise<Accuracy> {
  const dir = path.join(o.outputDir, setting);
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, "scenario.json");
  fs.writeFileSync(config, JSON.stringify(scenarioFile({ ttft_p95_ms: o.ttftP95Ms })));
  const started = performance.now();
  const out = await runPlan({
    sim: { ...SETTINGS[setting], speedup: o.speedup },
    config,
    slos: {},
    search: {
      startRps: o.startRps,
      minRps: 0.5,
      maxRps: 1000,
      precision: o.precision,
      maxPoints: 14,
      repeats: 1,
      noiseBand: 0.1,
    },
    durationS: o.durationS,
    warmupS: o.warmupS,
    fleet: { peakRps: 100, headroom: 0.6, alertFraction: 0.9, tensorParallelSize: 1, instanceType: "g6.xlarge" },
    outputDir: dir,
    seed: 1,
    log: o.log ?? (() => {}),
  });
  const predicted = predictedRps(setting, o.speedup);
  const found = out.plan.plan.sustainable_rps;
  return {
    setting,
    predictedRps: predicted,
    foundRps: found,
    kneeRps: out.plan.plan.knee_rps,
    error: found === null ? null : found / predicted - 1,
    stop: out.plan.plan.stop,
    points: out.plan.plan.points.length,
    seconds: (performance.now() - started) / 1000,
  };
}
