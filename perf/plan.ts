// `npm run bench:plan`: how well the planner finds a known capacity (perf/plan-accuracy.ts), at two
// engine settings whose predicted capacities differ by 4×, with the points the planner's own
// defaults use (25 s, 5 s warm-up, TTFT P95 ≤ 2500 ms, 4 % bisection precision). About ten minutes.
//
// Tolerance, from what we measured on this project's 2-core shared machine, predicted 8.60 (small)
// and 34.39 req/s (large):
//   loaded (load average ~19):  found 7.66 and 30.64 req/s: −10.9 % at both settings
//   quiet  (load average < 2):  found 8.72 and 35.66 req/s: +1.5 % and +3.7 %
// Below: on a loaded machine the real-time engine loop runs late (timers and the event loop stretch
// every modelled step), the same fraction at both settings. Above: an overload of ε lets the queue
// grow by ε seconds per second, and within a 25 s point the TTFT P95 (~0.9 s at low load) crosses
// 2.5 s only once ε is about 7 %; a point near the knee also varies by a few percent from seed to
// seed (2606 vs 2500 ms at neighbouring rates), and the bisection stops within 4 %. So the found rate
// must lie within −20 % (the 11 % load shortfall plus noise and precision) and +10 % (the overload
// a point cannot see plus the precision) of the prediction. The exit code is 1 outside it.
//   npm run bench:plan [-- --settings small,large --duration 25 --warmup 5 --speedup 1 --start-rps 4 --json plan-accuracy.json]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { entryArgs } from "../scripts/entry-args";
import { planAccuracy, predictedRps, type Accuracy } from "./plan-accuracy";
import { SETTINGS } from "./plan-capacity";

const TOLERANCE = { below: 0.2, above: 0.1 };
const values = entryArgs(
  "Usage: npm run bench:plan -- [--settings small,large] [--duration 25] [--warmup 5] [--speedup 1] [--ttft-ms 2500] [--precision 0.04] [--start-rps 4] [--json plan-accuracy.json]",
  {
    settings: { type: "string", default: "small,large" },
    duration: { type: "string", default: "25" },
    warmup: { type: "string", default: "5" },
    speedup: { type: "string", default: "1" },
    "ttft-ms": { type: "string", default: "2500" },
    precision: { type: "string", default: "0.04" },
    "start-rps": { type: "string", default: "4" },
    json: { type: "string" },
  },
);
const settings = values.settings.split(",") as (keyof typeof SETTINGS)[];
for (const s of settings)
  if (!(s in SETTINGS)) {
    console.error(`--settings: unknown setting "${s}"; use ${Object.keys(SETTINGS).join(", ")}`);
    process.exit(2);
  }
const options = {
  speedup: Number(values.speedup),
  durationS: Number(values.duration),
  warmupS: Number(values.warmup),
  ttftP95Ms: Number(values["ttft-ms"]),
  precision: Number(values.precision),
  startRps: Number(values["start-rps"]),
};
const load = () => os.loadavg()[0].toFixed(1);
const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)} %`;
const within = (a: Accuracy) =>
  a.stop === "converged" && a.error !== null && a.error >= -TOLERANCE.below && a.error <= TOLERANCE.above;

const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-plan-"));
console.log(
  `Planner accuracy: ${settings.join(", ")}; ${JSON.stringify(options)}; predicted ${settings
    .map((s) => `${s} ${predictedRps(s, options.speedup).toFixed(2)} req/s`)
    .join(", ")}; load average ${load()}`,
);
const rows: (Accuracy & { loadAverage: string })[] = [];
try {
  for (const s of settings) {
    const a = await planAccuracy(s, { ...options, outputDir, log: (l) => console.log(`  ${l}`) });
    rows.push({ ...a, loadAverage: load() });
    console.log(
      `${s}: predicted ${a.predictedRps.toFixed(2)} req/s, found ${a.foundRps?.toFixed(2) ?? "none"} (knee ${a.kneeRps?.toFixed(2) ?? "none"}), error ${a.error === null ? "n/a" : pct(a.error)}, ${a.stop} after ${a.points} points in ${a.seconds.toFixed(0)} s, load average ${load()}: ${within(a) ? "within" : "OUTSIDE"} ${pct(-TOLERANCE.below)} … ${pct(TOLERANCE.above)}`,
    );
    // After every setting, so an interrupted study keeps what it measured.
    if (values.json) fs.writeFileSync(values.json, JSON.stringify({ options, tolerance: TOLERANCE, rows }, null, 2));
  }
} finally {
  fs.rmSync(outputDir, { recursive: true, force: true });
}
process.exitCode = rows.every(within) ? 0 : 1;
