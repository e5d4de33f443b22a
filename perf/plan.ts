// `npm run bench:plan`: how close `vllm-bench plan` comes to a brute-force sweep of the simulator
// (perf/plan-accuracy.ts) on settings of different shapes (perf/plan-shapes.ts): prefill-bound,
// decode-bound, batch-limited and bursty arrivals. For each it prints the reference (where the
// sweep's P95s cross their limits, with the range its windows' spread allows) and the error of the
// full plan's and the quick plan's answer (the lower end of their intervals) against it.
// Target: full within ±5 % of the reference, quick never above it; the exit code is 1 otherwise.
// What it measured is in docs/benchmark.md, "How close the plan comes to a sweep". The machine's
// load moves the simulator's capacity, so only a sweep and plans run side by side compare.
// Long: a grid of 70 s windows (first 10 s dropped, as the hand check with vLLM's client did;
// bursty arrivals pool 4 windows per rate) over ~12 rates, then four-minute windows (first minute
// dropped, 4 pooled per rate, bursty 6) stepping from the grid's answer until the verdict turns,
// then both plans, per shape: hours at --speedup 2, which divides every duration (plan-accuracy.ts).
//   npm run bench:plan [-- --shapes bursty,batch-limited --speedup 2 --sweep-long 240/60 --json plan-accuracy.json]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { entryArgs } from "../scripts/entry-args";
import { planAccuracy, type Accuracy, type PlanAnswer } from "./plan-accuracy";
import { SHAPES, shapesOrExit } from "./plan-shapes";

export const TARGET = { fullWithin: 0.05, quickAbove: 0 };
const values = entryArgs(
  "Usage: npm run bench:plan -- [--shapes prefill-bound,decode-bound,batch-limited,bursty] [--speedup 2] [--sweep-duration 70] [--sweep-drop 10] [--fine-step 0.02] [--low-fraction 0.5] [--sweep-windows N] [--sweep-rates R1,R2,…] [--sweep-long 240/60|none] [--sweep-long-windows N] [--repeats N] [--full-confirm 240/60] [--modes full,quick] [--seed 1] [--sweep-rps R --sweep-miss-rps M] [--json plan-accuracy.json]",
  {
    shapes: { type: "string", default: Object.keys(SHAPES).join(",") },
    speedup: { type: "string", default: "2" },
    "sweep-duration": { type: "string", default: "70" },
    "sweep-drop": { type: "string", default: "10" },
    "fine-step": { type: "string", default: "0.02" },
    "low-fraction": { type: "string", default: "0.5" },
    // Windows pooled per sweep rate (default 1 / the gamma shape: 4 for bursty), and a rate list
    // that replaces the grid (a closer look near a knee an earlier sweep found).
    "sweep-windows": { type: "string" },
    "sweep-rates": { type: "string" },
    // Then long windows near the knee (RUN/DROP simulated seconds; none: the grid is the reference),
    // pooled per rate (default 4, bursty 6): a minute reads the knee's P95 low (docs/benchmark.md).
    "sweep-long": { type: "string", default: "240/60" },
    "sweep-long-windows": { type: "string" },
    // Runs of an unsure rate at most in the full plan (its default: bench/plan/modes.ts).
    repeats: { type: "string" },
    // Confirm the full plan's answer with long runs (simulated seconds, run/warm-up), as quick does.
    "full-confirm": { type: "string" },
    modes: { type: "string", default: "full,quick" },
    seed: { type: "string", default: "1" },
    // Compare with an earlier sweep's answer and first miss instead of sweeping again (one shape).
    "sweep-rps": { type: "string" },
    "sweep-miss-rps": { type: "string" },
    json: { type: "string" },
  },
);
const shapes = shapesOrExit(values.shapes);
for (const [flag, v] of [
  ["sweep-windows", values["sweep-windows"]],
  ["sweep-rates", values["sweep-rates"]],
  ["repeats", values.repeats],
  ["sweep-long-windows", values["sweep-long-windows"]],
] as const)
  if (
    v !== undefined &&
    !v.split(",").every((x) => Number(x) > 0 && (flag === "sweep-rates" || Number.isInteger(Number(x))))
  ) {
    console.error(
      `--${flag}: ${JSON.stringify(v)} must be ${flag !== "sweep-rates" ? "a positive integer" : "positive rates (req/s) separated by commas"}`,
    );
    process.exit(2);
  }
const runDrop = (v: string | undefined) => v?.match(/^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/);
const sweepLong = values["sweep-long"] === "none" ? undefined : runDrop(values["sweep-long"]);
if (values["sweep-long"] !== "none" && (!sweepLong || Number(sweepLong[2]) >= Number(sweepLong[1]))) {
  console.error(`--sweep-long: ${JSON.stringify(values["sweep-long"])} must be RUN/DROP seconds, e.g. 240/60, or none`);
  process.exit(2);
}
const fullConfirm = runDrop(values["full-confirm"]);
if (values["full-confirm"] !== undefined && (!fullConfirm || Number(fullConfirm[2]) >= Number(fullConfirm[1]))) {
  console.error(`--full-confirm: ${JSON.stringify(values["full-confirm"])} must be RUN/WARMUP seconds, e.g. 240/60`);
  process.exit(2);
}
// "none": the sweep alone (run it beside plans given --sweep-rps, so both see the same machine load).
const modes = (values.modes === "none" ? [] : values.modes.split(",")) as ("full" | "quick")[];
if (!modes.every((m) => m === "full" || m === "quick")) {
  console.error(`--modes: ${values.modes}: use full, quick, full,quick or none`);
  process.exit(2);
}
const options = {
  speedup: Number(values.speedup),
  sweepDurationS: Number(values["sweep-duration"]),
  sweepDropS: Number(values["sweep-drop"]),
  fineStep: Number(values["fine-step"]),
  lowFraction: Number(values["low-fraction"]),
  ...(values["sweep-windows"] ? { sweepWindows: Number(values["sweep-windows"]) } : {}),
  ...(values["sweep-rates"] ? { sweepRates: values["sweep-rates"].split(",").map(Number) } : {}),
  ...(sweepLong
    ? {
        sweepLong: {
          durationS: Number(sweepLong[1]),
          dropS: Number(sweepLong[2]),
          ...(values["sweep-long-windows"] ? { windows: Number(values["sweep-long-windows"]) } : {}),
        },
      }
    : {}),
  modes,
  seed: Number(values.seed),
  ...(values.repeats || fullConfirm
    ? {
        full: {
          ...(values.repeats ? { repeats: Number(values.repeats) } : {}),
          ...(fullConfirm
            ? { confirm: { pointDurationS: Number(fullConfirm[1]), warmupS: Number(fullConfirm[2]) } }
            : {}),
        },
      }
    : {}),
  ...(values["sweep-rps"]
    ? { given: { sweepRps: Number(values["sweep-rps"]), sweepMissRps: Number(values["sweep-miss-rps"] ?? NaN) } }
    : {}),
};
const load = () => os.loadavg()[0].toFixed(1);
const pct = (x: number | null) => (x === null ? "n/a" : `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)} %`);
const fullOk = (a: Accuracy) => !a.full || (a.full.error !== null && Math.abs(a.full.error) <= TARGET.fullWithin);
const quickOk = (a: Accuracy) =>
  !a.quick ||
  (a.quick.lower === null
    ? a.sweepRps !== null // no answer is not an optimistic one
    : a.sweepRps !== null &&
      a.quick.lower <= a.sweepRps * (1 + TARGET.quickAbove) &&
      (!a.full?.lower || a.quick.lower <= a.full.lower));
const rps = (x: number | null) => x?.toFixed(2) ?? "?";
const answer = (name: string, p: PlanAnswer | undefined) =>
  p
    ? `${name} ${p.lower?.toFixed(2) ?? "none"} req/s [${p.lower?.toFixed(2) ?? "?"}, ${p.upper?.toFixed(2) ?? "?"}] ${pct(p.error)} (${p.stop}, ${p.rates} rates, ${p.measurements} runs, ${p.seconds.toFixed(0)} s)`
    : "";

const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-plan-"));
console.log(
  `Planner accuracy against a sweep: ${shapes.join(", ")}; ${JSON.stringify(options)}; load average ${load()}`,
);
const rows: (Accuracy & { loadAverage: string })[] = [];
try {
  for (const s of shapes) {
    const a = await planAccuracy(s, { ...options, outputDir, log: (l) => console.log(`  ${l}`) });
    rows.push({ ...a, loadAverage: load() });
    console.log(
      `${s}: reference ${a.sweepRps?.toFixed(2) ?? "none"} req/s (${a.sweepPoints.length} grid and ${a.sweepLongPoints.length} long rates, ${a.sweepSeconds.toFixed(0)} s${a.sweepCrossing ? `; P95s cross their limits at ${rps(a.sweepCrossing.rate)} [${rps(a.sweepCrossing.low)}, ${rps(a.sweepCrossing.high)}]` : ""}); ${answer("full", a.full)}; ${answer("quick", a.quick)}; load average ${load()}: ${fullOk(a) && quickOk(a) ? "on target" : "OFF TARGET"}`,
    );
    // After every shape, so an interrupted study keeps what it measured.
    if (values.json) fs.writeFileSync(values.json, JSON.stringify({ options, target: TARGET, rows }, null, 2));
  }
} finally {
  fs.rmSync(outputDir, { recursive: true, force: true });
}
process.exitCode = rows.every((a) => fullOk(a) && quickOk(a)) ? 0 : 1;
