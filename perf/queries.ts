// `npm run bench:queries`: how fast every dashboard query is on a day of data from a fleet our
// users run (32 vLLM pods, 2 models × 2 namespaces, 64 GPUs on 8 nodes). The data is synthetic
// OpenMetrics turned into TSDB blocks by the real promtool, recording rules are backfilled from it
// the same way, and a real Prometheus answers every panel query as Grafana would send it (range
// query at the step Grafana derives from the panel's width, "All" selected; instant targets as one
// evaluation) over the dashboards' default 3 h and over 24 h.
// Baseline, measured in the same run: `up` over the same range and step. Target: P95 < 100 ms.
// --pod-lifetime-hours H replaces every pod after H hours (staggered), so the range queries also
// meet the series churn of rollouts and autoscaling (0, the default: the same 32 pods all day).
//   npm run bench:queries [-- --hours 24 --step 30 --reps 5 --pod-lifetime-hours 6 --json out.json --keep]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { entryArgs } from "../scripts/entry-args";
import { findPrometheus, runPrometheus, type RunningPrometheus } from "../scripts/dev/prometheus";
import { stealMeter } from "./child";
import { buildTsdb } from "./queries/build";
import { FULL_FLEET } from "./queries/fleet";
import { dashboardQueries, grafanaStep, substitute, type PanelQuery } from "./queries/panels";
import { blockDirs } from "./queries/tsdb";
import { percentile } from "../bench/client/stats";
import { timeQuery, type QueryTiming } from "./queries/timing";

const TARGET_P95_MS = 100;

const values = entryArgs(
  "Usage: npm run bench:queries -- [--hours 24] [--step 30] [--reps 5] [--pod-lifetime-hours 0] [--json out.json] [--keep]",
  {
    hours: { type: "string", default: "24" },
    step: { type: "string", default: "30" },
    reps: { type: "string", default: "5" },
    "pod-lifetime-hours": { type: "string", default: "0" },
    json: { type: "string" },
    keep: { type: "boolean", default: false },
  },
);
const HOURS = Number(values.hours),
  STEP = Number(values.step),
  REPS = Number(values.reps),
  LIFETIME_H = Number(values["pod-lifetime-hours"]);
for (const [flag, v, ok] of [
  ["--hours", HOURS, HOURS >= 3 && HOURS <= 168],
  ["--step", STEP, STEP >= 5 && STEP <= 300],
  ["--reps", REPS, Number.isInteger(REPS) && REPS >= 1],
  ["--pod-lifetime-hours", LIFETIME_H, LIFETIME_H === 0 || LIFETIME_H >= 0.25],
] as const) {
  if (!ok)
    throw new Error(
      `${flag} ${v}: expected --hours 3..168, --step 5..300 (seconds), --reps a whole number ≥ 1, --pod-lifetime-hours 0 (no churn) or ≥ 0.25`,
    );
}
const prometheusBin = findPrometheus();
if (!prometheusBin)
  throw new Error(
    "prometheus not found on PATH: install the Debian package `prometheus` (apt-get install prometheus) or set PROMETHEUS_BIN",
  );

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-queries-"));
let prometheus: RunningPrometheus | undefined;
const cleanup = async () => {
  await prometheus?.stop();
  if (values.keep) console.log(`kept ${workDir}`);
  else fs.rmSync(workDir, { recursive: true, force: true });
};
process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));
process.once("SIGTERM", () => void cleanup().then(() => process.exit(143)));

try {
  // Whole 2 h blocks, ending two hours in the past so nothing overlaps Prometheus' head.
  const end = Math.floor(Date.now() / 1000 / 7200) * 7200 - 7200;
  const start = end - HOURS * 3600;
  const fleet = { ...FULL_FLEET, podLifetimeSeconds: LIFETIME_H * 3600 };
  const churn = LIFETIME_H ? `, each pod replaced every ${LIFETIME_H} h` : "";
  console.log(
    `bench:queries — ${HOURS} h at ${STEP} s resolution, ${fleet.namespaces.length * fleet.models.length * fleet.podsPerDeployment} vLLM pods${churn}, ${fleet.namespaces.length * fleet.models.length * fleet.podsPerDeployment * fleet.gpusPerPod} GPUs, ${REPS} timed runs per query`,
  );
  console.log("building the TSDB (promtool tsdb create-blocks-from openmetrics, then … rules):");
  const built = await buildTsdb({ shape: fleet, start, end, step: STEP, prometheusBin, workDir, log: console.log });
  console.log(
    `  ${built.series} series, ${(built.samples / 1e6).toFixed(1)} M raw samples; generate ${built.seconds.generate.toFixed(0)} s, import ${built.seconds.import.toFixed(0)} s, recording rules ${built.seconds.rules.toFixed(0)} s (${built.rulePasses} passes)`,
  );

  prometheus = await runPrometheus(prometheusBin, built.configFile, built.dataDir);
  await waitForCompaction(built.dataDir);

  const queries = dashboardQueries();
  const steal = stealMeter();
  const results: Array<{ range: string; step: number; ratio: number } & PanelQuery & QueryTiming> = [];
  const summaries = [];
  for (const rangeHours of new Set([3, HOURS])) {
    const range = rangeHours * 3600;
    // Baseline: `up` drawn on a full-width panel.
    const baseStep = grafanaStep(range, STEP);
    const baseline = await timeQuery(prometheus.url, "up", { start: end - range, end, step: baseStep }, REPS);
    const rows = [];
    for (const q of queries) {
      const step = grafanaStep(range, STEP, q.width);
      const t = await timeQuery(
        prometheus.url,
        substitute(q.expr, range, step, STEP),
        { start: end - range, end, step, instant: q.instant },
        REPS,
      );
      rows.push({ range: `${rangeHours}h`, step: q.instant ? 0 : step, ...q, ...t, ratio: t.wallMs / baseline.wallMs });
    }
    rows.sort((a, b) => b.wallMs - a.wallMs);
    results.push(...rows);
    const ms = rows.map((r) => r.wallMs).sort((a, b) => a - b);
    const p95 = percentile(ms, 95);
    const empty = rows.filter((r) => r.series === 0);
    summaries.push({
      range: `${rangeHours}h`,
      baselineStep: baseStep,
      queries: rows.length,
      baselineMs: baseline.wallMs,
      p50: percentile(ms, 50),
      p95,
      max: ms.at(-1)!,
      pass: p95 < TARGET_P95_MS && empty.length === 0,
      empty: empty.length,
    });

    console.log(`\n${rangeHours} h range; baseline \`up\` at step ${baseStep} s: ${baseline.wallMs.toFixed(1)} ms`);
    console.log(
      `${"ms".padStart(8)} ${"eval ms".padStart(8)} ${"× base".padStart(7)} ${"step".padStart(7)} ${"series".padStart(6)} ${"samples".padStart(10)}  dashboard / panel [ref]`,
    );
    for (const r of rows) {
      console.log(
        `${r.wallMs.toFixed(1).padStart(8)} ${r.evalMs.toFixed(1).padStart(8)} ${r.ratio.toFixed(1).padStart(7)} ${(r.step ? `${r.step}s` : "instant").padStart(7)} ${String(r.series).padStart(6)} ${String(r.samples).padStart(10)}  ${r.dashboard} / ${r.panel} [${r.refId}]${r.series === 0 ? "  ← NO DATA" : ""}`,
      );
    }
    for (const r of empty) console.log(`no data: ${r.dashboard} / ${r.panel} [${r.refId}]: ${r.expr}`);
  }
  console.log(`\nVM steal during the queries: ${(steal() * 100).toFixed(1)}%`);
  for (const s of summaries) {
    console.log(
      `${s.range}: ${s.queries} queries, P50 ${s.p50.toFixed(1)} ms, P95 ${s.p95.toFixed(1)} ms (${(s.p95 / s.baselineMs).toFixed(1)}× baseline ${s.baselineMs.toFixed(1)} ms), max ${s.max.toFixed(1)} ms; target P95 < ${TARGET_P95_MS} ms: ${s.pass ? "PASS" : "FAIL"}${s.empty ? `, ${s.empty} queries returned no data` : ""}`,
    );
  }
  if (values.json) {
    fs.writeFileSync(
      values.json,
      JSON.stringify(
        {
          hours: HOURS,
          scrapeSeconds: STEP,
          reps: REPS,
          podLifetimeHours: LIFETIME_H,
          series: built.series,
          samples: built.samples,
          build: built.seconds,
          summaries,
          results,
        },
        null,
        2,
      ),
    );
    console.log(`wrote ${values.json}`);
  }
  process.exitCode = summaries.every((s) => s.pass) ? 0 : 1;
} finally {
  await cleanup();
}

/**
 * Prometheus merges the imported 2 h blocks (and the per-rule blocks the rules importer writes)
 * into larger ones in the background, once a minute; a long-running server has long done that.
 * Measuring during it would time the compaction, so wait until the block list stops changing.
 */
async function waitForCompaction(dataDir: string): Promise<void> {
  const before = blockDirs(dataDir).length;
  process.stdout.write(`waiting for Prometheus to compact ${before} blocks `);
  let last = blockDirs(dataDir).join();
  let stableSince = Date.now();
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() - stableSince < 75_000 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5_000));
    const now = blockDirs(dataDir).join();
    if (now !== last) {
      last = now;
      stableSince = Date.now();
      process.stdout.write(".");
    }
  }
  console.log(` ${blockDirs(dataDir).length} blocks`);
}
