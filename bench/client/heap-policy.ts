// V8's heap settings for a load test, where a collection's pause is measurement error: every open
// stream's next read waits for it, so its gap is measured long. Measured with `npm run
// bench:client` (docs/benchmark.md, "Where the rest of the error was"): at 1,000 streams one
// worker's own P99 error was 15–20 ms under the size-optimised policy (its memory-reducing full collections pause
// 10–27 ms every few hundred milliseconds), 4 ms under V8's default, and 2–3 ms with 4 MB
// semi-spaces, whose scavenges find fewer survivors and pause for about a millisecond.
import { isMainThread } from "node:worker_threads";
import * as v8 from "node:v8";
import { runInNewContext } from "node:vm";

/** Semi-space size (MB) of a run's young generation (V8's default grows to 16 for a large heap). */
export const RUN_SEMI_SPACE_MB = 4;
const SEMI_SPACE_FLAG = "--max-semi-space-size";

/**
 * Restart this process in place with the run's V8 flags unless it has them. V8 sizes the young
 * generation when the heap is set up, so the flag must be on Node's command line (setting it at
 * run time changes nothing, measured). `process.execve` replaces the process image: same PID, no
 * second process, the signal handlers of a Kubernetes pod's PID 1 unchanged. It must run before
 * anything is opened. A value the user gave (command line or NODE_OPTIONS) is kept; a Node without
 * execve (Windows), a worker thread and `node -e` run on without it.
 */
export function relaunchWithRunFlags(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  // No script (node -e, a REPL) has nothing to restart into.
  if (given.some((a) => a.startsWith(SEMI_SPACE_FLAG)) || !isMainThread || !process.argv[1]) return;
  if (typeof process.execve !== "function") return;
  process.execve(process.execPath, [
    process.execPath,
    `${SEMI_SPACE_FLAG}=${RUN_SEMI_SPACE_MB}`,
    ...process.execArgv,
    ...process.argv.slice(1),
  ]);
}

/**
 * Once no stream is measured, collect for size (`--optimize-for-size`) and collect once at once: the
 * report (Vega, tens of MB allocated in one synchronous step) then starts from a compacted heap
 * and collects as it goes instead of growing it, which is where a run's peak RSS came from (2,000
 * streams: whole-run peak 207–243 MB without the collection, 192–199 with it, the streaming peak
 * itself about 186). V8 reads both flags when they are used, so they take effect when set; `gc`
 * exposed this way reaches only new contexts, hence the one made for the call. Process-wide:
 * only the process that writes the report calls it, after its streams ended.
 */
export function collectForSizeFromNowOn(): void {
  v8.setFlagsFromString("--optimize-for-size");
  v8.setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}
