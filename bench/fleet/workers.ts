// `vllm-bench run --workers N`: the same run split over N child processes (one event loop, and so
// up to one core, each). Each child is a shard (bench/fleet/shard.ts) with the environment an
// Indexed Job pod would get; the parent starts the simulator when no target is given, waits for
// the children and merges their records into one result in the usual formats.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RunOptions, RunOutcome } from "../client/run";
import { loadScenarioFile } from "../client/scenario";
import { listShardFiles, mergeShards, readShardFiles } from "./merge";
import { defaultWorkers } from "./plan";
import { newRunId } from "../client/run";
import { assertShardable, DEAD_DIR, writeMerged } from "./shard";

/** Lines of a worker's output kept to show when it fails. */
const TAIL_LINES = 20;

/** Where the CPU limits of this process are read; injectable for tests. */
export interface CpuReaders {
  /** CPUs in this process's affinity mask (taskset, cpuset, a pod's static CPU manager policy). */
  affinity: () => number;
  /** A file's text, or undefined when it does not exist (cgroup files). */
  read: (file: string) => string | undefined;
}

const hostReaders: CpuReaders = {
  // libuv's uv_available_parallelism: sched_getaffinity on Linux, so `taskset -c 0` gives 1.
  affinity: () => os.availableParallelism(),
  read: (file) => {
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  },
};

/**
 * CPUs of quota from the cgroup (a pod's CPU limit): v2 `cpu.max` ("max 100000" = none), else v1
 * `cpu.cfs_quota_us` / `cpu.cfs_period_us` (-1 = none). Undefined when there is no quota.
 */
function cgroupQuota(read: CpuReaders["read"]): number | undefined {
  const v2 = read("/sys/fs/cgroup/cpu.max")?.trim().split(/\s+/);
  if (v2) return v2[0] === "max" ? undefined : Number(v2[0]) / Number(v2[1]);
  const quota = Number(read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"));
  const period = Number(read("/sys/fs/cgroup/cpu/cpu.cfs_period_us"));
  return quota > 0 && period > 0 ? quota / period : undefined;
}

/**
 * Whole cores this process may use: the smaller of its affinity and its cgroup CPU quota (rounded
 * down: a worker needs a core of its own to help), at least 1. Not the host's core count: a pod
 * limited to 2 CPUs on a 64-core node has 2.
 */
export function usableCores(readers: CpuReaders = hostReaders): number {
  const quota = cgroupQuota(readers.read);
  const cores = readers.affinity();
  return Math.max(1, Math.min(cores, quota !== undefined && Number.isFinite(quota) ? Math.floor(quota) : cores));
}

/** --workers when not given: one per usable core once the streams exceed what one core measures cleanly. */
export function workersFor(opts: Pick<RunOptions, "config" | "concurrencyLevels">): number {
  const file = loadScenarioFile(opts.config);
  const streams = Math.max(
    ...file.scenarios.map((s) =>
      opts.concurrencyLevels?.length
        ? Math.max(...opts.concurrencyLevels)
        : (s.max_concurrency ?? (s.request_rate === "inf" ? s.num_prompts : 0)),
    ),
  );
  return defaultWorkers(streams, usableCores());
}

export interface WorkersOptions {
  workers: number;
  /** The CLI arguments of this run (passed on to every child, which then runs as a shard). */
  argv: string[];
  /** How to start `vllm-bench`: default this process's own node, loader flags and script. */
  command?: string[];
  /** A prefix for worker `index`'s command, e.g. taskset pinning it to a core (bench:client). */
  wrap?: (index: number) => string[];
}

export async function runWorkers(opts: RunOptions, w: WorkersOptions): Promise<RunOutcome> {
  assertShardable(opts, w.workers);
  const [node, ...pre] = w.command ?? [process.execPath, ...process.execArgv, process.argv[1]];
  // Under the output folder, not /tmp: the in-cluster pod's root filesystem is read-only.
  fs.mkdirSync(opts.outputDir, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(opts.outputDir, ".workers-"));
  const sim = opts.baseUrl ? undefined : await (await import("../sim")).startSimulator({ host: "127.0.0.1", port: 0 });
  if (sim) opts.log(`No --base-url given: started the built-in vLLM simulator at ${sim.url} (embedded default).`);
  opts.log(
    `Running ${w.workers} workers (one seeded plan, request i goes to worker i mod ${w.workers}); merging their records afterwards.`,
  );
  // Why each worker that failed is gone (exit code or signal); the others go on without it.
  const dead = new Map<number, string>();
  const tails: string[][] = [];
  try {
    await Promise.all(
      Array.from({ length: w.workers }, (_, index) => {
        // Flags given last win, so the child's target, folder and worker count are ours.
        const args = [
          ...pre,
          "run",
          ...w.argv,
          "--output-dir",
          runDir,
          "--workers",
          "1",
          ...(sim ? ["--base-url", sim.url] : []),
        ];
        const env = {
          ...process.env,
          JOB_COMPLETION_INDEX: String(index),
          BENCH_SHARDS: String(w.workers),
          BENCH_MERGE: "none",
          BENCH_MAX_SKEW_MS: "50",
          BENCH_RUN_ID: "",
        };
        const [cmd, ...cmdArgs] = [...(w.wrap?.(index) ?? []), node, ...args];
        const child = spawn(cmd, cmdArgs, { env, stdio: ["ignore", "pipe", "pipe"] });
        const tail: string[] = (tails[index] = []);
        const relay = (stream: NodeJS.ReadableStream) => {
          let buf = "";
          stream.on("data", (d) => {
            buf += d;
            const lines = buf.split("\n");
            buf = lines.pop()!;
            for (const l of lines) {
              if (/^\[shard|warning|error/.test(l)) opts.log(`[worker ${index}] ${l}`);
              tail.push(l);
              if (tail.length > TAIL_LINES) tail.shift();
            }
          });
        };
        relay(child.stdout);
        relay(child.stderr);
        const stop = () => child.kill("SIGTERM");
        opts.signal?.addEventListener("abort", stop, { once: true });
        return new Promise<void>((resolve) =>
          child.on("exit", (code, sig) => {
            opts.signal?.removeEventListener("abort", stop);
            if (code !== 0 && code !== 3) {
              const why = sig ? `killed by ${sig}` : `exit ${code}`;
              dead.set(index, `worker ${index} ${why}`);
              // The others' start barrier counts it as gone, so they start without waiting for it.
              fs.mkdirSync(path.join(runDir, DEAD_DIR), { recursive: true });
              fs.writeFileSync(path.join(runDir, DEAD_DIR, String(index)), why);
              opts.log(`warning: worker ${index} ${why}; the other workers go on, its share will be missing`);
              for (const l of tail) opts.log(`[worker ${index}] ${l}`);
            }
            resolve();
          }),
        );
      }),
    );
    // A worker that died after writing its shard file lost nothing.
    const present = new Set(listShardFiles(runDir).map((f) => Number(/shard-(\d+)\.json$/.exec(f)![1])));
    for (const i of present) dead.delete(i);
    if (!present.size)
      throw new Error(
        `every worker failed (${[...dead.values()].join(", ")}); nothing was measured. Their last lines:\n${tails
          .flatMap((t, i) => t.map((l) => `[worker ${i}] ${l}`))
          .join("\n")}`,
      );
    // The scratch folder goes; the merged run gets a run folder of its own, like a single-process run.
    return await writeMerged({ ...mergeShards(readShardFiles(runDir), dead), runId: newRunId() }, opts.outputDir, opts);
  } finally {
    await sim?.close();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}
