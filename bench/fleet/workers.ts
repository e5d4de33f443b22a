// `vllm-bench run --workers N`: the same run split over N shards of this one process (one event
// loop, and so up to one core, each): shard 0 on the main thread, the others in worker threads. A
// thread costs ~30–40 MB where a child process cost the Node runtime plus the whole bundle again
// (~70 MB idle). Each shard has the environment an Indexed Job pod would get (bench/fleet/shard.ts);
// the parent starts the simulator when no target is given, relays stop signals to the shards
// (signals reach only the main thread), waits for them and merges their records into one result in
// the usual formats.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { DEFAULT_STOP_GRACE_S } from "../contract";
import type { LiveRun, RunOptions, RunOutcome } from "../client/run";
import { loadScenarioFile } from "../client/scenario";
import { listShardFiles, mergeShards, readShardFiles } from "./merge";
import { defaultWorkers } from "./plan";
import { newRunId } from "../client/run";
import { assertShardable, DEAD_DIR, runShard, shardFromEnv, writeMerged } from "./shard";

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

/** Memory the parent keeps beside its workers: the runtime, the loaded code, the built-in simulator when it runs one. */
const PARENT_RESERVE_MB = 160;
/**
 * Share of a worker's slice of the memory limit given to its V8 old generation: the rest is its
 * young generation, code and what lives outside the V8 heap (socket and Buffer memory), which the
 * cap does not count.
 */
const HEAP_SHARE = 0.6;
/** Below this a worker cannot even load the run's code and open its sockets. */
const MIN_HEAP_MB = 32;
/** The env variable that sets each worker's heap cap by hand (MB), overriding the cgroup-derived one. */
export const HEAP_ENV = "BENCH_WORKER_HEAP_MB";

/**
 * This process's memory limit (MB) from its cgroup (a pod's memory limit): v2 `memory.max` ("max"
 * = none; Linux Documentation/admin-guide/cgroup-v2.rst), else v1 `memory.limit_in_bytes` (no
 * limit reads as 2^63 − 1 rounded down to a page: 9223372036854771712 on this machine's cgroup v1).
 * Undefined when there is none.
 */
export function cgroupMemoryLimitMb(read: CpuReaders["read"]): number | undefined {
  const v2 = read("/sys/fs/cgroup/memory.max")?.trim();
  if (v2 !== undefined) return v2 === "max" ? undefined : Number(v2) / 2 ** 20;
  const v1 = Number(read("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
  return v1 > 0 && v1 < 2 ** 62 ? v1 / 2 ** 20 : undefined;
}

/**
 * Each worker thread's V8 old-generation cap (MB), so that a runaway worker hits its own heap limit
 * and dies alone (ERR_WORKER_OUT_OF_MEMORY; the others go on) before the process reaches the pod's
 * memory limit, where the kernel's OOM killer would take every worker at once. From env
 * BENCH_WORKER_HEAP_MB when set, else the cgroup limit less the parent's reserve, split evenly,
 * times HEAP_SHARE. Undefined (V8's own default, sized from the machine's memory, per worker) when
 * there is no cgroup limit: then no OOM kill of the whole process is near, and a runaway worker
 * still meets V8's default limit alone.
 */
export function workerHeapCapMb(
  workers: number,
  env: NodeJS.ProcessEnv,
  read: CpuReaders["read"] = hostReaders.read,
): number | undefined {
  const given = env[HEAP_ENV];
  if (given !== undefined && given !== "") {
    const mb = Number(given);
    if (!Number.isInteger(mb) || mb < 16)
      throw new Error(
        `${HEAP_ENV}: ${JSON.stringify(given)} must be a whole number of MB ≥ 16 (each --workers thread's heap cap)`,
      );
    return mb;
  }
  const limit = cgroupMemoryLimitMb(read);
  if (limit === undefined) return undefined;
  const cap = Math.floor(((limit - PARENT_RESERVE_MB) / workers) * HEAP_SHARE);
  if (cap < MIN_HEAP_MB)
    throw new Error(
      `--workers: ${workers} workers in a ${Math.round(limit)} MB memory limit leave ${Math.max(cap, 0)} MB of heap each (${MIN_HEAP_MB} at least); use fewer workers, raise the memory limit, or set ${HEAP_ENV}`,
    );
  return cap;
}

export interface WorkersOptions {
  workers: number;
  /** The CLI arguments of this run (passed on to every worker, which then runs as a shard). */
  argv: string[];
  /** The script each worker thread runs: default the running one (the bundle, or bench/cli.ts under tsx). */
  entry?: string;
}

/** The message a worker's `vllm-bench run` takes as the signal its parent received. */
export interface StopMessage {
  signal: NodeJS.Signals;
}

/** Past the stop grace, a worker that has not ended is terminated, so the parent can merge the rest. */
const TERMINATE_AFTER_GRACE_MS = 5_000;

export async function runWorkers(opts: RunOptions, w: WorkersOptions): Promise<RunOutcome> {
  assertShardable(opts, w.workers);
  const heapMb = workerHeapCapMb(w.workers, process.env);
  const entry = w.entry ?? process.argv[1];
  // tsx registers its loader in worker threads only from Node 22, the version we support (tsx
  // 4.23.15, dist/esm/index.mjs: hooks in every non-internal thread where node:worker_threads has
  // isInternalThread, else in the main thread only); on Node 20 a thread cannot load a .ts entry.
  if (entry.endsWith(".ts") && Number(process.versions.node.split(".")[0]) < 22)
    throw new Error(
      `--workers: worker threads cannot load the TypeScript sources on Node ${process.versions.node}; use Node 22 or later, or the bundle (npm run build:bench)`,
    );
  // Under the output folder, not /tmp: the in-cluster pod's root filesystem is read-only.
  fs.mkdirSync(opts.outputDir, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(opts.outputDir, ".workers-"));
  const threads: (Worker | undefined)[] = [];
  // Why each worker that failed is gone (exit code, uncaught error, heap limit); the others go on without it.
  const dead = new Map<number, string>();
  const tails: string[][] = [];
  // Signals reach only the main thread: each is passed on to every worker, which applies the
  // stop-grace rules as a lone run would (stop sending, cut, write its share; a second one: write
  // and end at once). A worker started after a signal gets it first thing.
  const signals: NodeJS.Signals[] = [];
  let watchdog: NodeJS.Timeout | undefined;
  // Shard 0's stop when it runs on this thread (below): the first signal stops it as a lone run's
  // first does; a second writes what it measured at once (its shard file too), without exiting.
  let stopHere: ((signalsSoFar: number) => void) | undefined;
  const relay = (signal: NodeJS.Signals) => {
    signals.push(signal);
    stopHere?.(signals.length);
    for (const t of threads) t?.postMessage({ signal } satisfies StopMessage);
    watchdog ??= setTimeout(
      () => {
        for (const [i, t] of threads.entries())
          if (t) {
            const why = `still running ${opts.stopGraceS ?? DEFAULT_STOP_GRACE_S} s after the stop; terminated`;
            dead.set(i, `worker ${i} ${why}`);
            opts.log(`warning: worker ${i} ${why}`);
            void t.terminate();
          }
      },
      (opts.stopGraceS ?? DEFAULT_STOP_GRACE_S) * 1000 + TERMINATE_AFTER_GRACE_MS,
    ).unref();
  };
  if (opts.live) opts.live.relay = relay;
  // The API's stop switch (and a signal that came before the relay was in place).
  const onAbort = () => relay("SIGTERM");
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener("abort", onAbort, { once: true });
  const sim = opts.baseUrl ? undefined : await (await import("../sim")).startSimulator({ host: "127.0.0.1", port: 0 });
  if (sim) opts.log(`No --base-url given: started the built-in vLLM simulator at ${sim.url} (embedded default).`);
  // node's own --max-old-space-size outranks resourceLimits (nodejs/node doc/api/worker_threads.md,
  // "resourceLimits", documented by PR #43992): then every worker gets that limit instead.
  if (heapMb && /--max-old-space-size/.test([...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ")))
    opts.log(
      `warning: node's --max-old-space-size (command line or NODE_OPTIONS) overrides the workers' ${heapMb} MB heap cap`,
    );
  // Shard 0 runs on this thread, which has the runtime and the code loaded already and would
  // otherwise idle: N workers then cost N − 1 threads (one with the bundle loaded: 42 MB here), not N.
  // Not when this thread serves the built-in simulator (the client would share its event loop) or
  // when each shard needs its own heap cap (a memory limit: the main thread's cannot be set here).
  const hereToo = !sim && heapMb === undefined;
  opts.log(
    `Running ${w.workers} workers (${hereToo ? `this thread and ${w.workers - 1} worker thread${w.workers > 2 ? "s" : ""}` : "worker threads"}; one seeded plan, request i goes to worker i mod ${w.workers}; heap cap ${heapMb ? `${heapMb} MB` : "V8's default"} each); merging their records afterwards.`,
  );
  const shardEnv = (index: number) => ({
    JOB_COMPLETION_INDEX: String(index),
    BENCH_SHARDS: String(w.workers),
    BENCH_MERGE: "none",
    BENCH_MAX_SKEW_MS: "50",
    BENCH_RUN_ID: "",
  });
  /** A worker's output: its last lines kept to show if it fails; shard lines, warnings and errors shown. */
  const keeper = (index: number) => {
    const tail: string[] = (tails[index] = []);
    return (l: string) => {
      if (/^\[shard|warning|error/.test(l)) opts.log(`[worker ${index}] ${l}`);
      tail.push(l);
      if (tail.length > TAIL_LINES) tail.shift();
    };
  };
  /** A worker that failed: the others' start barrier counts it as gone, so they start without waiting for it. */
  const gone = (index: number, why: string) => {
    dead.set(index, `worker ${index} ${why}`);
    fs.mkdirSync(path.join(runDir, DEAD_DIR), { recursive: true });
    fs.writeFileSync(path.join(runDir, DEAD_DIR, String(index)), why);
    opts.log(`warning: worker ${index} ${why}; the other workers go on, its share will be missing`);
    for (const l of tails[index] ?? []) opts.log(`[worker ${index}] ${l}`);
  };
  /** Shard 0 on this thread, as a worker would run it, its failure kept to itself. */
  const runHere = async (): Promise<void> => {
    const controller = new AbortController();
    const live: LiveRun = {};
    // A second signal: what it measured is written at once, as a worker's is, and its streams are cut.
    stopHere = (n) => {
      if (n === 1) return controller.abort();
      live.flush?.();
      live.cut?.();
    };
    for (let i = 1; i <= signals.length; i++) stopHere(i);
    const se = shardFromEnv({ ...process.env, ...shardEnv(0) }, runDir)!;
    try {
      await runShard(
        { ...opts, outputDir: runDir, log: keeper(0), signal: controller.signal, live, afterStreams: undefined },
        se,
      );
    } catch (e) {
      gone(0, `failed: ${(e as Error).message}`);
    } finally {
      stopHere = undefined;
    }
  };
  try {
    await Promise.all(
      Array.from({ length: w.workers }, (_, index) => {
        if (index === 0 && hereToo) return runHere();
        // Flags given last win, so the worker's target, folder and worker count are ours.
        const argv = [
          "run",
          ...w.argv,
          "--output-dir",
          runDir,
          "--workers",
          "1",
          ...(sim ? ["--base-url", sim.url] : []),
        ];
        const env = { ...process.env, ...shardEnv(index) };
        // execArgv is inherited, so a run from sources (node --import tsx) loads the same way in each thread.
        const worker = new Worker(entry, {
          argv,
          env,
          stdout: true,
          stderr: true,
          resourceLimits: heapMb ? { maxOldGenerationSizeMb: heapMb } : undefined,
        });
        threads[index] = worker;
        for (const signal of signals) worker.postMessage({ signal } satisfies StopMessage);
        const keep = keeper(index);
        const ends: (() => void)[] = [];
        for (const stream of [worker.stdout, worker.stderr]) {
          let buf = "";
          stream.setEncoding("utf8");
          stream.on("data", (d: string) => {
            const lines = (buf + d).split("\n");
            buf = lines.pop()!;
            lines.forEach(keep);
          });
          ends.push(() => buf && keep(buf));
        }
        let failure: (Error & { code?: string }) | undefined;
        worker.on("error", (e: Error) => (failure = e));
        return new Promise<void>((resolve) =>
          worker.on("exit", (code) => {
            threads[index] = undefined;
            ends.forEach((end) => end());
            if (code !== 0 && code !== 3 && !dead.has(index))
              gone(
                index,
                failure?.code === "ERR_WORKER_OUT_OF_MEMORY"
                  ? `ran out of its ${heapMb ? `${heapMb} MB ` : ""}heap (ERR_WORKER_OUT_OF_MEMORY)`
                  : failure
                    ? `failed: ${failure.message}`
                    : `exit ${code}`,
              );
            resolve();
          }),
        );
      }),
    );
    // A worker that died after writing its shard file lost nothing.
    const present = new Set(listShardFiles(runDir).map((f) => Number(/shard-(\d+)\.json$/.exec(f)![1])));
    for (const i of present) dead.delete(i);
    // One that ended without its shard file (it never got to write one) is missing too, not a failed merge.
    for (let i = 0; i < w.workers; i++)
      if (!present.has(i) && !dead.has(i)) dead.set(i, `worker ${i} ended without writing its share`);
    if (!present.size)
      throw new Error(
        `every worker failed (${[...dead.values()].join(", ")}); nothing was measured. Their last lines:\n${tails
          .flatMap((t, i) => t.map((l) => `[worker ${i}] ${l}`))
          .join("\n")}`,
      );
    // The scratch folder goes; the merged run gets a run folder of its own, like a single-process run.
    return await writeMerged({ ...mergeShards(readShardFiles(runDir), dead), runId: newRunId() }, opts.outputDir, opts);
  } finally {
    clearTimeout(watchdog);
    opts.signal?.removeEventListener("abort", onAbort);
    if (opts.live) opts.live.relay = undefined;
    await sim?.close();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}
