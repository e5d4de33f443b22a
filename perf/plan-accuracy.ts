// How close `vllm-bench plan` (full and --quick) comes to the truth: a brute-force sweep of fixed
// rates (perf/plan-sweep.ts, which shares no code with the planner) finds the highest rate meeting
// the SLOs for a simulator setting (perf/plan-shapes.ts), then the planner runs against a fresh
// simulator of the same setting. `npm run bench:plan` runs the study (perf/plan.ts);
// test/bench/plan-accuracy.slow.test.ts runs a short smoke of the same code.
//
// Every duration is simulated time: with `speedup` S the simulator runs S times faster and every
// duration here (sweep windows, the planner's points) is divided by S, so the queueing the planner
// must see is the same, in fewer seconds (at the cost of timer precision on a busy machine).
import * as fs from "node:fs";
import * as path from "node:path";
import { runPlan } from "../bench/plan/plan";
import { FULL, QUICK, type SearchMode } from "../bench/plan/modes";
import { startSimulator } from "../bench/sim";
import { SHAPES, shapeScenario, type ShapeName } from "./plan-shapes";
import { crossing, sweep, type Crossing, type LongLook, type SweepPoint } from "./plan-sweep";

export interface AccuracyOptions {
  speedup: number;
  /** The sweep's window per rate and the seconds dropped from its start (simulated). */
  sweepDurationS: number;
  sweepDropS: number;
  /** Fine-grid step as a fraction of the shape's guess; the coarse grid's first rate and step (default 0.5, 0.1). */
  fineStep: number;
  lowFraction?: number;
  coarseStep?: number;
  /** Windows pooled per sweep rate (default: 1 / the shape's gamma shape, rounded up: 4 for bursty). */
  sweepWindows?: number;
  /** Sweep only these rates (req/s at speedup 1), pooled windows each, instead of the grid. */
  sweepRates?: number[];
  /** Then long windows near the knee (simulated seconds); the reference is where their P95s cross the limits. */
  sweepLong?: Pick<LongLook, "durationS" | "dropS"> & Partial<LongLook>;
  /** Skip the sweep and compare with this answer of an earlier one (req/s at speedup 1; first miss too). */
  given?: { sweepRps: number; sweepMissRps: number };
  /** Which planner modes to run. */
  modes: ("full" | "quick")[];
  /** Override a mode's settings (the smoke shortens the full search). */
  full?: Partial<SearchMode>;
  quick?: Partial<SearchMode>;
  outputDir: string;
  seed: number;
  log?: (line: string) => void;
}

export interface PlanAnswer {
  lower: number | null;
  upper: number | null;
  stop: string;
  rates: number;
  measurements: number;
  seconds: number;
  /** lower / sweep − 1 (null without both). */
  error: number | null;
}

export interface Accuracy {
  shape: ShapeName;
  sweepRps: number | null;
  /** Lowest rate the sweep saw miss (null: none). */
  sweepMissRps: number | null;
  sweepPoints: SweepPoint[];
  /** The long windows near the knee (with `sweepLong`). */
  sweepLongPoints: SweepPoint[];
  /** Where the long windows' P95s (else the grid's) cross the limits, with the ends their spread allows. */
  sweepCrossing?: Crossing;
  sweepSeconds: number;
  full?: PlanAnswer;
  quick?: PlanAnswer;
}

async function plan(shape: ShapeName, mode: SearchMode, quick: boolean, o: AccuracyOptions, truth: number | null) {
  const s = SHAPES[shape];
  const dir = path.join(o.outputDir, shape, quick ? "quick" : "full");
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, "scenario.json");
  fs.writeFileSync(config, JSON.stringify(shapeScenario(s, o.speedup)));
  const started = performance.now();
  const out = await runPlan({
    sim: { ...s.sim, speedup: o.speedup },
    config,
    slos: {},
    quick,
    search: {
      startRps: (s.guessRps / 2) * o.speedup,
      minRps: 0.05,
      maxRps: 1000,
      precision: mode.precision,
      maxPoints: mode.maxPoints,
      repeats: mode.repeats,
      answerRuns: mode.answerRuns,
    },
    durationS: mode.pointDurationS / o.speedup,
    warmupS: mode.warmupS / o.speedup,
    ...(mode.confirm
      ? { confirm: { durationS: mode.confirm.pointDurationS / o.speedup, warmupS: mode.confirm.warmupS / o.speedup } }
      : {}),
    fleet: { peakRps: 100, headroom: 0.6, alertFraction: 0.9, tensorParallelSize: 1, instanceType: "g6.xlarge" },
    outputDir: dir,
    seed: o.seed,
    log: o.log ?? (() => {}),
  });
  const p = out.plan.plan;
  const lower = p.sustainable_rps === null ? null : p.sustainable_rps / o.speedup;
  return {
    lower,
    upper: p.knee_rps === null ? null : p.knee_rps / o.speedup,
    stop: p.stop,
    rates: p.rates.length,
    measurements: p.points.length,
    seconds: (performance.now() - started) / 1000,
    error: lower !== null && truth !== null ? lower / truth - 1 : null,
  };
}

/** Windows a sweep pools per rate: as many as the arrivals multiply Poisson's variance (1 / gamma shape). */
export const sweepWindows = (burstiness: number) => Math.ceil(1 / burstiness);
/**
 * Long windows pooled per rate: four (a bootstrap interval needs a few), six for bursty arrivals,
 * whose four-minute windows still read the knee's P95 anywhere from 380 to 780 ms (limit 500).
 */
export const longWindows = (burstiness: number) => Math.max(4, Math.ceil(1.5 / burstiness));

const ms = (v: number, i: [number, number] | undefined) =>
  `${v.toFixed(0)}${i ? ` [${i[0].toFixed(0)}, ${i[1].toFixed(0)}]` : ""} ms`;

/** A sweep point at speedup 1: rate divided by the speedup, latencies multiplied by it. */
function simulated(p: SweepPoint, speedup: number): SweepPoint {
  const t = (v: number) => v * speedup;
  const pair = (i: [number, number]): [number, number] => [t(i[0]), t(i[1])];
  return {
    ...p,
    rate: p.rate / speedup,
    countedS: t(p.countedS),
    ttftP95Ms: t(p.ttftP95Ms),
    itlP95Ms: t(p.itlP95Ms),
    windows: p.windows.map((x) => ({ ...x, ttftP95Ms: t(x.ttftP95Ms), itlP95Ms: t(x.itlP95Ms) })),
    ...(p.interval ? { interval: { ttftP95Ms: pair(p.interval.ttftP95Ms), itlP95Ms: pair(p.interval.itlP95Ms) } } : {}),
  };
}

/** Sweep a shape, then plan it; rates are reported at speedup 1 (divided by the speedup). */
export async function planAccuracy(shape: ShapeName, o: AccuracyOptions): Promise<Accuracy> {
  const s = SHAPES[shape];
  if (o.given) {
    const a: Accuracy = { shape, ...o.given, sweepPoints: [], sweepLongPoints: [], sweepSeconds: 0 };
    if (o.modes.includes("full")) a.full = await plan(shape, { ...FULL, ...o.full }, false, o, o.given.sweepRps);
    if (o.modes.includes("quick")) a.quick = await plan(shape, { ...QUICK, ...o.quick }, true, o, o.given.sweepRps);
    return a;
  }
  const sim = await startSimulator({ ...s.sim, speedup: o.speedup, host: "127.0.0.1", port: 0 });
  const started = performance.now();
  let result;
  try {
    result = await sweep(
      sim.url,
      s.guessRps * o.speedup,
      { inputLen: s.inputLen, outputLen: s.outputLen, burstiness: s.burstiness },
      {
        durationS: o.sweepDurationS / o.speedup,
        dropS: o.sweepDropS / o.speedup,
        graceS: 30 / o.speedup,
        seed: o.seed,
        ttftP95Ms: s.slos.ttft_p95_ms / o.speedup,
        itlP95Ms: "itl_p95_ms" in s.slos ? s.slos.itl_p95_ms / o.speedup : undefined,
        fineStep: o.fineStep,
        lowFraction: o.lowFraction,
        coarseStep: o.coarseStep,
        windows: o.sweepWindows ?? sweepWindows(s.burstiness),
        rates: o.sweepRates?.map((r) => r * o.speedup),
        ...(o.sweepLong
          ? {
              long: {
                windows: longWindows(s.burstiness),
                maxRates: 4,
                ...o.sweepLong,
                durationS: o.sweepLong.durationS / o.speedup,
                dropS: o.sweepLong.dropS / o.speedup,
              },
            }
          : {}),
        log: (point) => {
          const p = simulated(point, o.speedup);
          const each =
            p.windows.length > 1
              ? ` in ${p.windows.length} windows (TTFT / ITL each ${p.windows.map((x) => `${x.ttftP95Ms.toFixed(0)}/${x.itlP95Ms.toFixed(0)}`).join(", ")})`
              : "";
          o.log?.(
            `sweep ${shape} ${p.rate.toFixed(2)} req/s: P95 TTFT ${ms(p.ttftP95Ms, p.interval?.ttftP95Ms)}, ITL ${ms(p.itlP95Ms, p.interval?.itlP95Ms)} (simulated) over ${p.counted} requests${each}, ${p.countedS.toFixed(0)} s counted per window: ${p.passed ? "meets" : "misses"}`,
          );
        },
      },
    );
  } finally {
    await sim.close();
  }
  // Rates and latencies in simulated units (speedup 1), as the log prints them.
  const points = result.points.map((p) => simulated(p, o.speedup));
  const longPoints = result.longPoints.map((p) => simulated(p, o.speedup));
  const near = longPoints.length ? longPoints : points;
  const c = crossing(near, {
    ttftP95Ms: s.slos.ttft_p95_ms,
    itlP95Ms: "itl_p95_ms" in s.slos ? s.slos.itl_p95_ms : undefined,
  });
  // The reference: where the long windows' P95s cross the limits (none when they did not bracket
  // the knee in their rates); without long windows, the grid's highest pass.
  const grid = result.sustainableRps === null ? null : result.sustainableRps / o.speedup;
  const truth = longPoints.length ? c.rate : grid;
  const misses = near.filter((p) => !p.passed).map((p) => p.rate);
  const a: Accuracy = {
    shape,
    sweepRps: truth,
    sweepMissRps: misses.length ? Math.min(...misses) : null,
    sweepPoints: points,
    sweepLongPoints: longPoints,
    sweepCrossing: c,
    sweepSeconds: (performance.now() - started) / 1000,
  };
  if (o.modes.includes("full")) a.full = await plan(shape, { ...FULL, ...o.full }, false, o, truth);
  if (o.modes.includes("quick")) a.quick = await plan(shape, { ...QUICK, ...o.quick }, true, o, truth);
  return a;
}
