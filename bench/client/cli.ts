import { parseArgs } from "node:util";
import { isMainThread, parentPort } from "node:worker_threads";
import { CLEAN_STREAMS_PER_CORE } from "../fleet/plan";
import { pickRunner } from "../fleet/runner";
import { collectForSizeFromNowOn } from "./heap-policy";
import type { StopMessage } from "../fleet/workers";
import {
  DEFAULT_REQUEST_TIMEOUT_S,
  DEFAULT_STOP_GRACE_S,
  JOB_ENV,
  PRESETS,
  type RampUp,
  setsRateTwice,
} from "../contract";
import { assertWritableDir } from "./outputs";
import type { LiveRun, RunOptions } from "./run";

/** setTimeout's largest delay (2^31 − 1 ms, about 24.8 days): a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
export const MAX_TIMER_S = Math.floor(MAX_TIMER_MS / 1000);

export const USAGE = `usage: vllm-bench run [options]

Load-tests an OpenAI-compatible endpoint with vLLM bench's metric definitions. With no
--base-url it starts the built-in vLLM simulator on 127.0.0.1 and runs against it.

  --base-url URL          target server (env MODEL_ENDPOINT)             default: built-in simulator
  --endpoint PATH         /v1/chat/completions or /v1/completions         default: from the scenario file
  --backend NAME          openai-chat | openai                            default: from the scenario file
  --model NAME            model to request (env SERVED_MODEL_NAME, MODEL_NAME) default: first of /v1/models
  --config NAME|PATH      preset ${PRESETS.join("|")} or a JSON file (env CONFIG_PATH) default: smoke
  --output-dir DIR        where results go (env OUTPUT_DIR)               default: results
  --pushgateway-url URL   push figures to a Pushgateway (env PUSHGATEWAY_URL)
  --request-rate R        override every scenario's request rate (env REQUEST_RATE)
  --ramp-up-strategy S    linear | exponential: move the rate from --ramp-up-start-rps to
                          --ramp-up-end-rps over each scenario's requests, instead of one rate
                          (env RAMP_UP_STRATEGY, RAMP_UP_START_RPS, RAMP_UP_END_RPS)
  --concurrency-levels L  e.g. 10,50,100: run every scenario at each level (env CONCURRENCY_LEVELS)
  --duration S            cap every scenario at S seconds (env DURATION)
  --seed N                dataset and arrival seed                        default: 0
  --timeout-ms N          per-request timeout                             default: ${DEFAULT_REQUEST_TIMEOUT_S * 1000}
  --ready-timeout S       wait up to S seconds for the target's /health, then /v1/models (env READY_TIMEOUT) default: 0
  --stop-grace S          on SIGTERM/SIGINT: stop sending at once, cut in-flight requests, write results
                          and exit within S seconds (env STOP_GRACE_SECONDS); a second signal writes
                          what was measured and exits at once                  default: ${DEFAULT_STOP_GRACE_S}
  --prometheus-url URL    with a rate_profile scenario (the rehearsal preset), read HPA replicas, pending
                          GPU pods and GPU nodes per second from this Prometheus (env PROMETHEUS_URL)
  --workers N             split the run over N worker threads and merge their records (env BENCH_WORKERS;
                          each thread's heap is capped from the memory limit, env BENCH_WORKER_HEAP_MB)
                          default: 1, or one per core above ${CLEAN_STREAMS_PER_CORE} streams
Results: OUTPUT_DIR/<run id>/ (results JSON and requests CSV per scenario, summary.csv, report.html);
OUTPUT_DIR/latest points at the newest run.
API key: env OPENAI_API_KEY or VLLM_API_KEY.
Exit codes: 0 thresholds passed, 1 a threshold failed or every request of a scenario failed, 2 bad input,
3 interrupted or the server went away (partial results written).`;

/**
 * node:util parseArgs reads "-1" after an option as another option ("argument is ambiguous"):
 * join a negative number to its option so the range check can name it.
 */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i],
      next = argv[i + 1];
    if (/^--[a-z-]+$/.test(a) && next !== undefined && /^-(\d|\.\d|inf)/i.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function num(name: string, v: string | undefined, min: number, max = Infinity): number | undefined {
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(
      `--${name}: ${JSON.stringify(v)} must be a number ${max === Infinity ? `≥ ${min}` : `from ${min} to ${max}`}`,
    );
  return n;
}

/** A target URL from a flag or its env fallback: an empty value is a mistake (an unset CI secret), never "use the simulator". */
export function targetUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const [v, from] =
    flag !== undefined ? [flag, "--base-url"] : ([env[JOB_ENV.endpoint], `env ${JOB_ENV.endpoint}`] as const);
  if (v === undefined) return undefined;
  if (!v.trim())
    throw new Error(
      `${from}: empty; give the server's URL (e.g. http://vllm.vllm.svc:8000), or leave it unset for the built-in simulator`,
    );
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new Error(`${from}: ${JSON.stringify(v)} is not a URL; give one such as http://localhost:8000`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new Error(`${from}: ${JSON.stringify(v)} must be an http:// or https:// URL`);
  return v;
}

/** The three ramp-up settings come together or not at all (flags first, then env). */
type RampFlags = Partial<Record<"ramp-up-strategy" | "ramp-up-start-rps" | "ramp-up-end-rps", string>>;
function rampUpFrom(values: RampFlags, env: NodeJS.ProcessEnv): RampUp | undefined {
  const strategy = values["ramp-up-strategy"] ?? env[JOB_ENV.rampUpStrategy];
  const start = num("ramp-up-start-rps", values["ramp-up-start-rps"] ?? env[JOB_ENV.rampUpStartRps], 0.000001);
  const end = num("ramp-up-end-rps", values["ramp-up-end-rps"] ?? env[JOB_ENV.rampUpEndRps], 0.000001);
  if (strategy === undefined && start === undefined && end === undefined) return undefined;
  if (strategy !== "linear" && strategy !== "exponential")
    throw new Error(
      `--ramp-up-strategy: ${JSON.stringify(strategy ?? null)} must be linear or exponential (a ramp needs it with --ramp-up-start-rps and --ramp-up-end-rps)`,
    );
  if (start === undefined || end === undefined)
    throw new Error(
      `--ramp-up-${start === undefined ? "start" : "end"}-rps: missing; a ramp needs --ramp-up-strategy, --ramp-up-start-rps and --ramp-up-end-rps`,
    );
  return { strategy, startRps: start, endRps: end };
}

/** What `vllm-bench run` was asked, checked: every flag and env value is refused here, before anything starts. */
export interface RunArgs {
  opts: Omit<RunOptions, "log" | "signal" | "live">;
  workers: string | undefined;
  stopGraceS: number;
}

export function parseRunArgs(argv: string[], env: NodeJS.ProcessEnv): RunArgs | "help" {
  const { values } = parseArgs({
    args: joinNegativeValues(argv),
    options: {
      "base-url": { type: "string" },
      endpoint: { type: "string" },
      backend: { type: "string" },
      model: { type: "string" },
      config: { type: "string" },
      "output-dir": { type: "string" },
      "pushgateway-url": { type: "string" },
      "request-rate": { type: "string" },
      "ramp-up-strategy": { type: "string" },
      "ramp-up-start-rps": { type: "string" },
      "ramp-up-end-rps": { type: "string" },
      "concurrency-levels": { type: "string" },
      duration: { type: "string" },
      seed: { type: "string" },
      "timeout-ms": { type: "string" },
      "ready-timeout": { type: "string" },
      "stop-grace": { type: "string" },
      workers: { type: "string" },
      "prometheus-url": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return "help";
  const backend = values.backend;
  if (backend !== undefined && backend !== "openai-chat" && backend !== "openai")
    throw new Error(`--backend: ${backend} must be openai-chat or openai`);
  if (values.endpoint !== undefined && !values.endpoint.startsWith("/"))
    throw new Error(`--endpoint: ${JSON.stringify(values.endpoint)} must be a path such as /v1/chat/completions`);
  const requestRate = num("request-rate", values["request-rate"] ?? env[JOB_ENV.requestRate], 0.000001);
  const rampUp = rampUpFrom(values, env);
  if (setsRateTwice({ requestRate, rampUp }))
    throw new Error("--request-rate and --ramp-up-strategy both set the arrival rate: give one of them");
  const levels = values["concurrency-levels"] ?? env[JOB_ENV.concurrencyLevels];
  const concurrencyLevels = levels
    ? levels.split(",").map((s) => {
        const c = num("concurrency-levels", s.trim(), 1, 100_000);
        if (c === undefined || !Number.isInteger(c))
          throw new Error(`--concurrency-levels: ${JSON.stringify(levels)} must be whole numbers ≥ 1, e.g. 10,50,100`);
        return c;
      })
    : undefined;
  // Every duration below reaches a timer: above setTimeout's limit it would fire at once.
  const stopGraceS =
    num("stop-grace", values["stop-grace"] ?? env.STOP_GRACE_SECONDS, 1, MAX_TIMER_S) ?? DEFAULT_STOP_GRACE_S;
  const workers = values.workers ?? env.BENCH_WORKERS;
  const workersN = workers === undefined || workers === "" ? undefined : Number(workers);
  if (workersN !== undefined && !(Number.isInteger(workersN) && workersN >= 1 && workersN <= 256))
    throw new Error(`--workers: ${JSON.stringify(workers)} must be an integer from 1 to 256 (env BENCH_WORKERS)`);
  if (workersN !== undefined && workersN > 1 && env[JOB_ENV.shards])
    throw new Error(
      `--workers: ${workersN} workers and env ${JOB_ENV.shards}=${env[JOB_ENV.shards]} (this process is one shard of an Indexed Job) both split the run; unset one`,
    );
  const seed = num("seed", values.seed, 0, Number.MAX_SAFE_INTEGER);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new Error(`--seed: ${JSON.stringify(values.seed)} must be a whole number ≥ 0`);
  const pushgatewayUrl = values["pushgateway-url"] ?? env[JOB_ENV.pushgatewayUrl];
  const prometheusUrl = values["prometheus-url"] ?? env[JOB_ENV.prometheusUrl];
  for (const [flag, v] of [
    ["--pushgateway-url", pushgatewayUrl],
    ["--prometheus-url", prometheusUrl],
  ] as const)
    if (v !== undefined && !/^https?:\/\/[^/]/.test(v))
      throw new Error(`${flag}: ${JSON.stringify(v)} must be an http:// or https:// URL`);
  const config = values.config ?? env[JOB_ENV.configPath] ?? "smoke";
  if (!config.trim()) throw new Error(`--config: empty; give a preset (${PRESETS.join(", ")}) or a scenario file`);
  const outputDir = values["output-dir"] ?? env[JOB_ENV.outputDir] ?? "results";
  if (!outputDir.trim()) throw new Error("--output-dir: empty; give a folder for the results (default: results)");
  return {
    workers,
    stopGraceS,
    opts: {
      baseUrl: targetUrl(values["base-url"], env),
      endpoint: values.endpoint,
      backend: backend,
      model: values.model ?? env[JOB_ENV.servedModelName] ?? env[JOB_ENV.modelName],
      apiKey: env.OPENAI_API_KEY ?? env[JOB_ENV.apiKey],
      config,
      outputDir,
      pushgatewayUrl,
      prometheusUrl,
      requestRate,
      rampUp,
      concurrencyLevels,
      duration: num("duration", values.duration ?? env[JOB_ENV.duration], 0.001, MAX_TIMER_S),
      seed: seed ?? 0,
      timeoutMs: num("timeout-ms", values["timeout-ms"], 1, MAX_TIMER_MS) ?? DEFAULT_REQUEST_TIMEOUT_S * 1000,
      readyTimeoutS: num("ready-timeout", values["ready-timeout"] ?? env[JOB_ENV.readyTimeout], 0, MAX_TIMER_S) ?? 0,
      stopGraceS,
    },
  };
}

export async function runMain(argv: string[]): Promise<number> {
  const env = process.env;
  const parsed = parseRunArgs(argv, env);
  if (parsed === "help") {
    console.log(USAGE);
    return 0;
  }
  const { stopGraceS } = parsed;
  // The folder is checked before a request is sent: a run never measures what it cannot keep.
  assertWritableDir(parsed.opts.outputDir);
  const runner = pickRunner(parsed.workers, argv, env);
  const controller = new AbortController();
  const live: LiveRun = {};
  let signals = 0;
  let watchdog: NodeJS.Timeout | undefined;
  const writeNowAndExit = () => {
    try {
      const files = live.flush?.() ?? [];
      console.error(
        files.length
          ? `wrote ${files.length} files with what was measured so far (partial)`
          : "nothing measured yet: no files written",
      );
    } catch (e) {
      console.error(`could not write results: ${(e as Error).message}`);
    }
    process.exit(3);
  };
  let firstAt = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    // A terminal's Ctrl-C reaches every process of the foreground group, and npm forwards its own
    // copy to its child: a SIGINT within 2 s of the first is that echo, not a second request.
    if (sig === "SIGINT" && signals > 0 && Date.now() - firstAt < 2_000) return;
    if (signals === 0) firstAt = Date.now();
    if (live.relay) {
      console.error(
        ++signals > 1
          ? `\n${sig} again: passed to every worker; each writes what it measured and ends at once, then they are merged (exit 3).`
          : `\n${sig}: passed to every worker; each stops sending, cuts its in-flight requests within ${stopGraceS} s and writes its share, then they are merged (exit 3).`,
      );
      return live.relay(sig);
    }
    if (++signals > 1) {
      console.error(`\n${sig} again: writing what was measured and exiting now.`);
      return writeNowAndExit();
    }
    console.error(
      `\n${sig}: sending stopped; in-flight requests are cut within ${stopGraceS} s, then results are written (exit 3). Send it again to write and exit at once.`,
    );
    controller.abort();
    // The promise, whatever blocks: written and gone within the grace.
    watchdog = setTimeout(() => {
      console.error(`still running ${stopGraceS} s after ${sig}: writing what was measured and exiting.`);
      writeNowAndExit();
    }, stopGraceS * 1000);
    watchdog.unref();
  };
  // Signals reach only the main thread (Node's worker_threads docs, "Notable differences inside a
  // Worker environment": not delivered through process.on): a --workers thread gets its parent's
  // as a message.
  const onMessage = (m: Partial<StopMessage>) => m.signal && onSignal(m.signal);
  if (isMainThread) {
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  } else parentPort?.on("message", onMessage);
  // In DESIGN's Job env family, but a tokenizer download is not needed: the server's /tokenize sizes prompts.
  if (env.TOKENIZER)
    console.error(
      `TOKENIZER=${env.TOKENIZER} is not used: prompts are sized with the server's /tokenize (one word per token where it has none).`,
    );
  try {
    const outcome = await runner({
      ...parsed.opts,
      log: (l) => console.log(l),
      signal: controller.signal,
      live,
      // A worker thread leaves it to its parent: the policy is process-wide, its siblings may still stream.
      afterStreams: isMainThread ? collectForSizeFromNowOn : undefined,
    });
    return outcome.exitCode;
  } finally {
    clearTimeout(watchdog);
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    parentPort?.off("message", onMessage);
  }
}
