// One shard of a benchmark run: a --workers child, or one pod of the Indexed Job. It sends its
// index's share of the seeded plan, starting each scenario at a wall-clock time all shards agree
// on, writes its records to the run folder (shard-<index>.json), and the last shard to finish
// merges the run (unless its parent merges, as with --workers).
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { JOB_ENV, parseLatencyKey } from "../contract";
import { assertWritableDir, consoleSummary, pushResults, writeOutputs, type ScenarioResult } from "../client/outputs";
import { runBenchmark, type LiveRun, type RunOptions, type RunOutcome } from "../client/run";
import { loadScenarioFile } from "../client/scenario";
import { collectForSizeFromNowOn } from "../client/heap-policy";
import { listShardFiles, mergeShards, readShardFiles, writeShardFile, type Merged, type ShardFile } from "./merge";
import type { ShardHooks } from "./plan";
import { resultTimeline, timelineTable } from "./rehearsal";

export interface ShardEnv {
  index: number;
  count: number;
  /** The run's shared folder (shard files, start barrier, merged results). */
  runDir: string;
  /** An agreed start of the first scenario (epoch ms); otherwise the shards agree through runDir. */
  startAtMs?: number;
  /** Clocks of the shards may differ by this much; the barrier leaves this much margin. */
  maxSkewMs: number;
  barrierTimeoutS: number;
  /** "last": the last shard to finish merges; "none": someone else does (the --workers parent). */
  merge: "last" | "none";
}

const intEnv = (env: NodeJS.ProcessEnv, name: string, min: number, fallback?: number): number => {
  const v = env[name];
  if (v === undefined || v === "") {
    if (fallback === undefined)
      throw new Error(`${name}: missing; a sharded run needs JOB_COMPLETION_INDEX and BENCH_SHARDS`);
    return fallback;
  }
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}: ${JSON.stringify(v)} must be an integer ≥ ${min}`);
  return n;
};

/**
 * The shard this process is, from the environment an Indexed Job gives its pods
 * (JOB_COMPLETION_INDEX, set by Kubernetes for completionMode: Indexed) and ours (BENCH_*).
 * Undefined when not sharded.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv, outputDir: string): ShardEnv | undefined {
  if (env[JOB_ENV.shards] === undefined || env[JOB_ENV.shards] === "") return undefined;
  const count = intEnv(env, JOB_ENV.shards, 1);
  const index = intEnv(env, "JOB_COMPLETION_INDEX", 0);
  if (index >= count) throw new Error(`JOB_COMPLETION_INDEX: ${index} must be below BENCH_SHARDS (${count})`);
  let startAtMs: number | undefined;
  if (env.BENCH_START_AT) {
    startAtMs = /^\d+(\.\d+)?$/.test(env.BENCH_START_AT)
      ? Number(env.BENCH_START_AT) * 1000
      : Date.parse(env.BENCH_START_AT);
    if (!Number.isFinite(startAtMs))
      throw new Error(
        `BENCH_START_AT: ${JSON.stringify(env.BENCH_START_AT)} must be an ISO time (2026-12-01T17:00:00Z) or epoch seconds`,
      );
  }
  const merge = env.BENCH_MERGE ?? "last";
  if (merge !== "last" && merge !== "none")
    throw new Error(`BENCH_MERGE: ${JSON.stringify(merge)} must be last or none`);
  // Each run gets its own folder on a shared volume (the Job's name), so runs never mix.
  const runId = env[JOB_ENV.runId]?.replace(/[^\w.-]/g, "_");
  return {
    index,
    count,
    runDir: runId ? path.join(outputDir, runId) : outputDir,
    startAtMs,
    maxSkewMs: intEnv(env, JOB_ENV.maxSkewMs, 0, 1000),
    barrierTimeoutS: intEnv(env, "BENCH_BARRIER_TIMEOUT_S", 1, 900),
    merge,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Under the run folder: one file per shard known to be gone (a dead --workers child), named by its index. */
export const DEAD_DIR = "dead";

/**
 * Start barrier through the shared folder: each shard writes its own clock reading when ready;
 * once all are there, every shard computes the same start, the latest reading plus a margin for
 * clock skew and polling. No shard starts before all are ready.
 */
export function fileBarrier(
  se: ShardEnv,
  log: (l: string) => void,
  signal?: AbortSignal,
): (scenario: string) => Promise<number> {
  let first = true;
  const pollMs = 100;
  return async (scenario) => {
    if (first && se.startAtMs !== undefined) {
      first = false;
      if (Date.now() > se.startAtMs + se.maxSkewMs)
        log(`warning: shard ${se.index} ready ${Date.now() - se.startAtMs} ms after BENCH_START_AT; it starts late`);
      return se.startAtMs;
    }
    first = false;
    const dir = path.join(se.runDir, "ready", scenario.replace(/[^\w.-]/g, "_"));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, String(se.index)), String(Date.now()));
    const until = Date.now() + se.barrierTimeoutS * 1000;
    const deadDir = path.join(se.runDir, DEAD_DIR);
    for (;;) {
      const files = fs.readdirSync(dir).filter((f) => /^\d+$/.test(f));
      // A shard known to be dead is not waited for: the others start without its share.
      const gone = fs.existsSync(deadDir) ? fs.readdirSync(deadDir).filter((f) => !files.includes(f)).length : 0;
      if (files.length && files.length + gone >= se.count) {
        const latest = Math.max(...files.map((f) => Number(fs.readFileSync(path.join(dir, f), "utf8"))));
        return latest + se.maxSkewMs + 2 * pollMs;
      }
      // Interrupted while waiting: start now, so the run stops at once and still writes its (empty) share.
      if (signal?.aborted) return Date.now();
      if (Date.now() > until)
        throw new Error(
          `shard ${se.index}: only ${files.length} of ${se.count} shards were ready for ${scenario} after ${se.barrierTimeoutS} s (BENCH_BARRIER_TIMEOUT_S); check the other pods (pending? crashed?)`,
        );
      await sleep(pollMs);
    }
  };
}

/** Write a merged run in the usual formats, print its summaries, push it; the exit code follows its thresholds. */
export async function writeMerged(
  m: Merged,
  outputDir: string,
  opts: Pick<RunOptions, "log" | "pushgatewayUrl">,
): Promise<RunOutcome> {
  for (const w of m.warnings) opts.log(`warning: ${w}`);
  for (const s of m.results) {
    opts.log(
      consoleSummary(
        s,
        Object.keys(s.result).flatMap((k) => {
          const l = parseLatencyKey(k);
          return l?.metric === "ttft" && l.percentile !== undefined ? [l.percentile] : [];
        }),
      ),
    );
    const rows = resultTimeline(s.result);
    if (rows) opts.log(timelineTable(rows, Object.fromEntries(s.thresholds.map((t) => [t.name, t.limit]))));
    if (opts.pushgatewayUrl)
      await pushResults(opts.pushgatewayUrl, m.runId, s).catch((e) =>
        opts.log(`warning: could not push to Pushgateway: ${(e as Error).message}`),
      );
  }
  const count = m.results[0]?.result.shards; // the merge's shard count
  collectForSizeFromNowOn();
  const { htmlReport } = await import("../report/html");
  const files = writeOutputs(
    outputDir,
    m.runId,
    m.results,
    htmlReport(`vllm-bench: ${m.name} (${count ?? 1} shards, merged)`, m.runId, m.results),
  );
  opts.log(
    `Merged ${count ?? "?"} shards: wrote ${files.length} files to ${path.join(outputDir, m.runId)}; ${path.join(outputDir, "latest")} points at it.`,
  );
  if (m.results.some((r) => r.partial))
    opts.log("The merged run is partial: see the warnings above for what is missing.");
  const failed = m.results.some((r) => r.thresholds.some((t) => !t.passed));
  return { exitCode: m.results.some((r) => r.partial) ? 3 : failed ? 1 : 0, results: m.results, files, runId: m.runId };
}

/** Run this process's shard; the last shard to finish (with merge "last") merges the run. */
/** Each shard caps its share of a scenario's concurrency, so there can be no more shards than the cap. */
export function assertShardable(opts: Pick<RunOptions, "config" | "concurrencyLevels">, count: number): void {
  const file = loadScenarioFile(opts.config);
  const caps = file.scenarios.flatMap((s) =>
    (opts.concurrencyLevels?.length ? opts.concurrencyLevels : [s.max_concurrency ?? Infinity]).map(
      (c) => [s.name, c] as const,
    ),
  );
  const tight = caps.find(([, c]) => c < count);
  if (tight)
    throw new Error(
      `BENCH_SHARDS / --workers: ${count} shards but scenario ${tight[0]} allows only ${tight[1]} concurrent requests; use at most ${tight[1]} shards`,
    );
}

export async function runShard(opts: RunOptions, se: ShardEnv): Promise<RunOutcome> {
  assertShardable(opts, se.count);
  const file = loadScenarioFile(opts.config);
  const starts = new Map<string, number>();
  const hooks: ShardHooks = {
    index: se.index,
    count: se.count,
    waitStart: fileBarrier(se, opts.log, opts.signal),
    started: (sc, ms) => starts.set(sc, ms),
  };
  const log = (l: string) => opts.log(`[shard ${se.index}/${se.count}] ${l}`);
  const shardFile = (results: ScenarioResult[]): ShardFile => ({
    version: 1,
    shard: { index: se.index, count: se.count },
    run_id: path.basename(se.runDir),
    file: {
      name: file.name,
      percentiles: file.defaults.metric_percentiles,
      goodput: file.defaults.goodput,
      thresholds: file.thresholds,
    },
    max_skew_ms: se.maxSkewMs,
    scenarios: results
      .filter((r) => starts.has(r.result.scenario))
      .map((r) => ({
        result: r.result,
        records: r.records,
        partial: r.partial,
        start_epoch_ms: starts.get(r.result.scenario)!,
      })),
  });
  // A second signal writes at once what was measured: the shard file too, so the merge has it.
  const inner: LiveRun = {};
  // Written at a second signal: that is the shard's share, as a worker that exits then leaves it.
  let flushed = false;
  if (opts.live) {
    opts.live.flush = () => {
      flushed = true;
      const files = inner.flush?.() ?? [];
      const now = inner.snapshot?.();
      return now ? [...files, writeShardFile(se.runDir, shardFile(now))] : files;
    };
    opts.live.cut = () => inner.cut?.();
  }
  // The shard's own view goes to its own folder; only the merged run is pushed and judged.
  const own = await runBenchmark({
    ...opts,
    outputDir: path.join(se.runDir, `shard-${se.index}`),
    pushgatewayUrl: undefined,
    shard: hooks,
    log,
    live: inner,
    // Under a --workers parent the shard's folder is scratch: rendering a report there (Vega, tens of
    // MB of heap, in every worker thread at once) would only raise the process's peak.
    report: se.merge !== "none",
  });
  if (opts.live) opts.live.flush = opts.live.cut = undefined;
  if (!flushed) writeShardFile(se.runDir, shardFile(own.results));
  const interrupted = own.exitCode === 3 ? 3 : 0;
  if (se.merge === "none") return { ...own, exitCode: interrupted };
  // The last one to write sees every file; the lock keeps two finishing together from both merging.
  if (listShardFiles(se.runDir).length < se.count) {
    opts.log(`shard ${se.index}: done; the last shard to finish merges the run in ${se.runDir}`);
    return { ...own, exitCode: interrupted };
  }
  try {
    fs.writeFileSync(path.join(se.runDir, "merge.lock"), String(se.index), { flag: "wx" });
  } catch {
    return { ...own, exitCode: interrupted };
  }
  // writeOutputs writes into <dir>/<run id>/: the merged run lands beside the shard files.
  return writeMerged(mergeShards(readShardFiles(se.runDir)), path.dirname(se.runDir), opts);
}

export const MERGE_USAGE = `usage: vllm-bench merge RUN_DIR [--output-dir DIR] [--pushgateway-url URL]

Merges a sharded run's shard files (RUN_DIR/shard-<index>.json, written by each pod of the
Indexed Job or each --workers child) by hand, e.g. after a shard was re-run: the union of their
per-request records on one clock, every figure recomputed. Each file is checked (layout version,
fields) and every shard of the run must be there.
  --output-dir DIR        where the merged run goes: DIR/<run id>/, DIR/latest   default: RUN_DIR's parent
  --pushgateway-url URL   push the merged figures to a Pushgateway
Exit codes: 0 thresholds passed, 1 a threshold failed, 2 bad input, 3 a shard was partial.`;

/** `vllm-bench merge RUN_DIR [--output-dir DIR]`: merge a run's shard files by hand (e.g. after a shard was re-run). */
export async function mergeMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      "output-dir": { type: "string" },
      "pushgateway-url": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(MERGE_USAGE);
    return 0;
  }
  if (positionals.length !== 1)
    throw new Error(`merge: expected one RUN_DIR, got ${positionals.length}\n${MERGE_USAGE.split("\n")[0]}`);
  const dir = positionals[0];
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new Error(`merge: RUN_DIR ${dir} is not a folder; give the run folder holding shard-<index>.json`);
  const outputDir = values["output-dir"] ?? path.dirname(path.resolve(dir));
  const merged = mergeShards(readShardFiles(dir));
  assertWritableDir(outputDir);
  const outcome = await writeMerged(merged, outputDir, {
    log: (l) => console.log(l),
    pushgatewayUrl: values["pushgateway-url"],
  });
  return outcome.exitCode;
}
