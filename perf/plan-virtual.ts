// `npm run bench:plan-virtual`: the planner's error as a distribution. For each accuracy shape
// (perf/plan-shapes.ts) it finds the simulator engine's long-run limit in virtual time (where P95s
// pooled over long runs cross the SLOs) and runs the full and the quick plan's search and judge
// once per seed against the same engine (perf/virtual-plans.ts): how often each answer lands above
// the limit, by how much at worst, and how far below it typically. Minutes, not hours: no HTTP, no
// event loop, no machine load (docs/benchmark.md, "The plan's error over many seeds").
//   npm run bench:plan-virtual [-- --shapes batch-limited --plans 40 --limit-windows 8 --limit-seconds 1200 --json out.json]
import * as fs from "node:fs";
import { FULL, QUICK } from "../bench/plan/modes";
import { entryArgs } from "../scripts/entry-args";
import { SHAPES, shapesOrExit } from "./plan-shapes";
import { errorSpread, virtualLimit, type ErrorSpread } from "./virtual-plans";

const values = entryArgs(
  "Usage: npm run bench:plan-virtual -- [--shapes prefill-bound,decode-bound,batch-limited,bursty] [--modes full,quick] [--plans 40] [--limit-windows 8] [--limit-seconds 1200] [--json out.json]",
  {
    shapes: { type: "string", default: Object.keys(SHAPES).join(",") },
    modes: { type: "string", default: "full,quick" },
    plans: { type: "string", default: "40" },
    // Runs pooled per rate for the long-run limit (bursty arrivals: four times as many).
    "limit-windows": { type: "string", default: "8" },
    "limit-seconds": { type: "string", default: "1200" },
    json: { type: "string" },
  },
);
const shapes = shapesOrExit(values.shapes);
const modes = values.modes.split(",");
if (!modes.every((m) => m === "full" || m === "quick")) {
  console.error(`--modes: ${values.modes}: use full, quick or full,quick`);
  process.exit(2);
}
for (const flag of ["plans", "limit-windows", "limit-seconds"] as const)
  if (!(Number.isInteger(Number(values[flag])) && Number(values[flag]) > 0)) {
    console.error(`--${flag}: ${JSON.stringify(values[flag])} must be a positive integer`);
    process.exit(2);
  }
if (Number(values["limit-seconds"]) <= 120) {
  console.error(`--limit-seconds: ${values["limit-seconds"]} must exceed 120 (the first 60 s of each run are dropped)`);
  process.exit(2);
}

const pct = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)} %`;
const line = (m: string, e: ErrorSpread) =>
  `  ${m.padEnd(5)} above the limit in ${e.above} of ${e.plans} plans (worst ${pct(e.worst)}); median ${pct(e.median)}, 5–95 % ${pct(e.q5)} to ${pct(e.q95)}; no answer ${e.none}; ${e.meanMeasuredS.toFixed(0)} s measured per plan`;
const report: Record<string, unknown> = {};
for (const name of shapes) {
  const s = SHAPES[name];
  const t0 = performance.now();
  const windows = Number(values["limit-windows"]) * (s.burstiness < 1 ? 4 : 1);
  const limit = virtualLimit(s, windows, Number(values["limit-seconds"]));
  console.log(
    `${name}: long-run limit ${limit.rate.toFixed(2)} req/s (P95s over ${windows} runs of ${limit.seconds} s, first 60 s dropped; ${((performance.now() - t0) / 1000).toFixed(0)} s)`,
  );
  const entry: Record<string, unknown> = { limit };
  for (const m of modes) {
    const e = await errorSpread(s, m === "full" ? FULL : QUICK, limit.rate, Number(values.plans));
    console.log(line(m, e));
    entry[m] = e;
  }
  report[name] = entry;
  // After every shape, so an interrupted study keeps what it measured (as bench:plan does).
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(report, null, 2));
}
