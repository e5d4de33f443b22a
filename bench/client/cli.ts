import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { CLEAN_STREAMS_PER_CORE } from "../fleet/plan";
import type { RampUp } from "./random";
import { pickRunner } from "../fleet/runner";

export const USAGE = `usage: vllm-bench run [options]

Load-tests an OpenAI-compatible endpoint with vLLM bench's metric definitions. With no
--base-url it starts the built-in vLLM simulator on 127.0.0.1 and runs against it.

  --base-url URL          target server (env MODEL_ENDPOINT)             default: built-in simulator
  --endpoint PATH         /v1/chat/completions or /v1/completions         default: from the scenario file
  --backend NAME          openai-chat | openai                            default: from the scenario file
  --model NAME            model to request (env SERVED_MODEL_NAME, MODEL_NAME) default: first of /v1/models
  --config NAME|PATH      preset smoke|baseline|sweep or a JSON file (env CONFIG_PATH) default: smoke
  --output-dir DIR        where results go (env OUTPUT_DIR)               default: results
  --pushgateway-url URL   push figures to a Pushgateway (env PUSHGATEWAY_URL)
  --request-rate R        override every scenario's request rate (env REQUEST_RATE)
  --ramp-up-strategy S    linear | exponential: move the rate from --ramp-up-start-rps to
                          --ramp-up-end-rps over each scenario's requests, instead of one rate
                          (env RAMP_UP_STRATEGY, RAMP_UP_START_RPS, RAMP_UP_END_RPS)
  --concurrency-levels L  e.g. 10,50,100: run every scenario at each level (env CONCURRENCY_LEVELS)
  --duration S            cap every scenario at S seconds (env DURATION)
  --seed N                dataset and arrival seed                        default: 0
  --timeout-ms N          per-request timeout                             default: 600000
  --ready-timeout S       wait up to S seconds for the target to answer /v1/models (env READY_TIMEOUT) default: 0
  --prometheus-url URL    with a rate_profile scenario (the rehearsal preset), read HPA replicas, pending
                          GPU pods and GPU nodes per second from this Prometheus (env PROMETHEUS_URL)
  --workers N             split the run over N processes and merge their records (env BENCH_WORKERS)
                          default: 1, or one per core above ${CLEAN_STREAMS_PER_CORE} streams
API key: env OPENAI_API_KEY or VLLM_API_KEY.
Exit codes: 0 thresholds passed, 1 a threshold failed, 2 bad input, 3 interrupted (partial results written).`;

function num(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name}: ${JSON.stringify(v)} must be a number ≥ ${min}`);
  return n;
}

/** The three ramp-up settings come together or not at all (flags first, then env). */
type RampFlags = Partial<Record<"ramp-up-strategy" | "ramp-up-start-rps" | "ramp-up-end-rps", string>>;
function rampUpFrom(values: RampFlags, env: NodeJS.ProcessEnv): RampUp | undefined {
  const strategy = values["ramp-up-strategy"] ?? env.RAMP_UP_STRATEGY;
  const start = num("ramp-up-start-rps", values["ramp-up-start-rps"] ?? env.RAMP_UP_START_RPS, 0.000001);
  const end = num("ramp-up-end-rps", values["ramp-up-end-rps"] ?? env.RAMP_UP_END_RPS, 0.000001);
  if (strategy === undefined && start === undefined && end === undefined) return undefined;
  if (strategy !== "linear" && strategy !== "exponential")
    throw new Error(`--ramp-up-strategy: ${JSON.stringify(strategy ?? null)} must be linear or exponential (a ramp needs it with --ramp-up-start-rps and --ramp-up-end-rps)`);
  if (start === undefined || end === undefined) throw new Error(`--ramp-up-${start === undefined ? "start" : "end"}-rps: missing; a ramp needs --ramp-up-strategy, --ramp-up-start-rps and --ramp-up-end-rps`);
  return { strategy, startRps: start, endRps: end };
}

export async function runMain(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "base-url": { type: "string" }, endpoint: { type: "string" }, backend: { type: "string" }, model: { type: "string" },
      config: { type: "string" }, "output-dir": { type: "string" }, "pushgateway-url": { type: "string" },
      "request-rate": { type: "string" }, "ramp-up-strategy": { type: "string" }, "ramp-up-start-rps": { type: "string" }, "ramp-up-end-rps": { type: "string" }, "concurrency-levels": { type: "string" }, duration: { type: "string" },
      seed: { type: "string" }, "timeout-ms": { type: "string" }, "ready-timeout": { type: "string" }, workers: { type: "string" }, "prometheus-url": { type: "string" }, help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const env = process.env;
  const backend = values.backend;
  if (backend !== undefined && backend !== "openai-chat" && backend !== "openai") throw new Error(`--backend: ${backend} must be openai-chat or openai`);
  const requestRate = num("request-rate", values["request-rate"] ?? env.REQUEST_RATE, 0.000001);
  const rampUp = rampUpFrom(values, env);
  if (rampUp && requestRate !== undefined) throw new Error("--request-rate and --ramp-up-strategy both set the arrival rate: give one of them");
  const levels = values["concurrency-levels"] ?? env.CONCURRENCY_LEVELS;
  const concurrencyLevels = levels ? levels.split(",").map((s) => num("concurrency-levels", s.trim(), 1)!) : undefined;
  const controller = new AbortController();
  const onSignal = (sig: string) => {
    console.error(`\n${sig}: stopping new requests, waiting briefly for in-flight ones, then writing results...`);
    controller.abort();
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
  // In DESIGN's Job env family, but a tokenizer download is not needed: the server's /tokenize sizes prompts.
  if (env.TOKENIZER) console.error(`TOKENIZER=${env.TOKENIZER} is not used: prompts are sized with the server's /tokenize (one word per token where it has none).`);
  const outputDir = values["output-dir"] ?? env.OUTPUT_DIR ?? "results";
  const outcome = await pickRunner(values.workers, argv, env)({
    baseUrl: values["base-url"] ?? env.MODEL_ENDPOINT,
    endpoint: values.endpoint,
    backend: backend as "openai-chat" | "openai" | undefined,
    model: values.model ?? env.SERVED_MODEL_NAME ?? env.MODEL_NAME,
    apiKey: env.OPENAI_API_KEY ?? env.VLLM_API_KEY,
    config: values.config ?? env.CONFIG_PATH ?? "smoke",
    outputDir,
    pushgatewayUrl: values["pushgateway-url"] ?? env.PUSHGATEWAY_URL,
    prometheusUrl: values["prometheus-url"] ?? env.PROMETHEUS_URL,
    requestRate,
    rampUp,
    concurrencyLevels,
    duration: num("duration", values.duration ?? env.DURATION, 0.001),
    seed: num("seed", values.seed, 0) ?? 0,
    timeoutMs: num("timeout-ms", values["timeout-ms"], 1) ?? 600_000,
    readyTimeoutS: num("ready-timeout", values["ready-timeout"] ?? env.READY_TIMEOUT, 0) ?? 0,
    log: (l) => console.log(l),
    signal: controller.signal,
  });
  fs.mkdirSync(outputDir, { recursive: true });
  return outcome.exitCode;
}

/** `vllm-bench compare old.json new.json [--tolerance 0.1]`: exit 1 on a regression. */
export async function compareMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { tolerance: { type: "string" } }, allowPositionals: true, strict: true });
  if (positionals.length !== 2) throw new Error("usage: vllm-bench compare OLD.results.json NEW.results.json [--tolerance 0.1]");
  const tol = num("tolerance", values.tolerance, 0) ?? 0.1;
  const [a, b] = positionals.map((p) => JSON.parse(fs.readFileSync(p!, "utf8")) as Record<string, number>);
  // Higher is better for throughputs, lower is better for latencies.
  const keys = Object.keys(a!).filter((k) => typeof a![k] === "number" && typeof b![k] === "number" && (/_ms$/.test(k) || /throughput$/.test(k)));
  let regressions = 0;
  for (const k of keys) {
    const old = a![k]!, cur = b![k]!;
    const higherBetter = /throughput$/.test(k);
    const change = old === 0 ? 0 : (cur - old) / old;
    const worse = higherBetter ? change < -tol : change > tol;
    if (worse) regressions++;
    console.log(`${worse ? "REGRESSION" : "ok        "} ${k.padEnd(28)} ${old.toFixed(2).padStart(12)} -> ${cur.toFixed(2).padStart(12)} (${(change * 100).toFixed(1)}%)`);
  }
  console.log(`${regressions} regression(s) beyond ${(tol * 100).toFixed(0)}% tolerance`);
  return regressions ? 1 : 0;
}
