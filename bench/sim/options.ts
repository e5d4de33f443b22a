import { parseArgs, type ParseArgsOptionDescriptor } from "node:util";

// Every simulator knob, with its flag, environment variable and default in one table.

export interface FaultOptions {
  /** Fraction (0-1) of requests answered with an error instead of a completion. */
  errorRate: number;
  /** HTTP status of injected errors. */
  errorStatus: number;
  /** Extra delay before the first token of every stream (ms). */
  stallBeforeFirstTokenMs: number;
  /** After this many tokens, pause the stream for stallMidStreamMs (0 = off). */
  stallAfterTokens: number;
  stallMidStreamMs: number;
  /** After this many tokens, destroy the connection without finishing (0 = off). */
  dropAfterTokens: number;
  /** After this many tokens, send one chunk that is not valid JSON and end the stream without [DONE] (0 = off). */
  malformedAfterTokens: number;
  /**
   * Engine steps take this many times longer (1 = normal): a throttled or degraded GPU. Unlike the
   * stalls, the engine's own metrics (TTFT, inter-token latency) see it, as vLLM's would.
   */
  slowdown: number;
}

export interface SimOptions extends FaultOptions {
  host: string;
  port: number;
  model: string;
  maxModelLen: number;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  /** KV-cache capacity in tokens (blocks of 16). */
  kvCacheTokens: number;
  /** Engine step time = stepBaseMs + perSeqMs × decoding sequences + prefillPerTokenMs × prefill tokens. */
  stepBaseMs: number;
  perSeqMs: number;
  prefillPerTokenMs: number;
  /** Divides every simulated duration (tests run the same behaviour faster). */
  speedup: number;
  /** Constant TTFT / inter-token gap per stream, independent of load (0 = engine model). */
  fixedTtftMs: number;
  fixedItlMs: number;
  /** Mean output length without ignore_eos (tokens); lengths vary around it, seeded. */
  meanOutputTokens: number;
  /** Reject with 429 when this many requests wait (0 = queue without limit). */
  maxWaiting: number;
  /**
   * "Load the model" this long before listening (ms): like vLLM, no route answers meanwhile. With a
   * model cache directory, this is the cold start (download + load), taken when the cache is empty.
   */
  startupDelayMs: number;
  /** Load time when the model cache directory already holds the weights (ms): load, no download. */
  warmStartupDelayMs: number;
  /**
   * Directory standing for HF_HOME ("" = none: every start is cold). A start finding the weights
   * marker there is warm; a cold start writes it once loaded, as a real download fills the cache.
   */
  modelCacheDir: string;
  seed: number;
  logStats: boolean;
  /** Serve the /sim/* control endpoints (fault injection, timing log); off unless asked for. */
  controlEndpoints: boolean;
  /** Bearer key required on /v1/* (vLLM's --api-key / VLLM_API_KEY); "" = no key. */
  apiKey: string;
  /** Largest request body read (bytes); larger ones get 413 before parsing. */
  maxBodyBytes: number;
  /** Open connections accepted at once; further ones are closed at once. */
  maxConnections: number;
  /** Time a client has to send its request headers (ms). */
  headersTimeoutMs: number;
  /** Time a client has to send its whole request, headers and body (ms). */
  requestTimeoutMs: number;
}

type Spec = {
  flag: string;
  env: string;
  help: string;
  min?: number;
  max?: number;
  /** `path`: a string that may be empty (unset). */
  kind: "number" | "string" | "boolean" | "secret" | "path";
};
const S = (flag: string, kind: Spec["kind"], help: string, min?: number, max?: number, env?: string): Spec => ({
  flag,
  env: env ?? `SIM_${flag.replace(/-/g, "_").toUpperCase()}`,
  kind,
  help,
  min,
  max,
});

const OPTION_SPECS: Record<keyof SimOptions, Spec> = {
  host: S("host", "string", "address to listen on"),
  port: S("port", "number", "port (0 = any free port)", 0, 65535),
  model: S("model", "string", "served model name"),
  maxModelLen: S("max-model-len", "number", "maximum prompt + output tokens", 16, 1_048_576),
  maxNumSeqs: S("max-num-seqs", "number", "running batch size", 1, 100_000),
  maxNumBatchedTokens: S("max-num-batched-tokens", "number", "token budget per engine step", 16, 1_048_576),
  kvCacheTokens: S("kv-cache-tokens", "number", "KV-cache capacity in tokens", 16, 1e9),
  stepBaseMs: S("step-base-ms", "number", "fixed cost of one engine step (ms)", 0, 10_000),
  perSeqMs: S("per-seq-ms", "number", "added step cost per decoding sequence (ms)", 0, 1_000),
  prefillPerTokenMs: S("prefill-per-token-ms", "number", "added step cost per prefill token (ms)", 0, 1_000),
  speedup: S("speedup", "number", "divide all simulated durations by this", 0.01, 1000),
  fixedTtftMs: S("fixed-ttft-ms", "number", "fixed-latency mode: constant TTFT (ms, 0 = off)", 0, 600_000),
  fixedItlMs: S("fixed-itl-ms", "number", "fixed-latency mode: constant inter-token gap (ms, 0 = off)", 0, 60_000),
  meanOutputTokens: S("mean-output-tokens", "number", "mean output length without ignore_eos", 1, 1_048_576),
  maxWaiting: S("max-waiting", "number", "429 when this many wait (0 = unlimited)", 0, 1e9),
  startupDelayMs: S(
    "startup-delay-ms",
    "number",
    "'load the model' this long before listening (ms); like vLLM, nothing answers meanwhile",
    0,
    3_600_000,
  ),
  warmStartupDelayMs: S(
    "warm-startup-delay-ms",
    "number",
    "load time when --model-cache-dir already holds the weights (ms; no download)",
    0,
    3_600_000,
  ),
  modelCacheDir: S(
    "model-cache-dir",
    "path",
    "model cache (HF_HOME): warm when it holds the weights, cold otherwise (then filled); empty = always cold",
  ),
  seed: S("seed", "number", "random seed", 0, 2 ** 31),
  logStats: S("log-stats", "boolean", "log one line of load figures per second"),
  controlEndpoints: S(
    "enable-control-endpoints",
    "boolean",
    "serve /sim/* (change faults, read the timing log): for tests, never in a cluster",
  ),
  // The same variable vLLM reads (vllm/entrypoints/openai/cli_args.py --api-key, envs VLLM_API_KEY).
  apiKey: S(
    "api-key",
    "secret",
    "require 'Authorization: Bearer <key>' on /v1/* as vLLM does (empty = no key)",
    undefined,
    undefined,
    "VLLM_API_KEY",
  ),
  maxBodyBytes: S(
    "max-body-bytes",
    "number",
    "largest request body read; larger ones get 413 before parsing",
    1024,
    1 << 30,
  ),
  maxConnections: S("max-connections", "number", "open connections accepted at once", 1, 1_000_000),
  headersTimeoutMs: S(
    "headers-timeout-ms",
    "number",
    "time a client has to send its request headers (ms)",
    100,
    3_600_000,
  ),
  requestTimeoutMs: S(
    "request-timeout-ms",
    "number",
    "time a client has to send its whole request (ms)",
    100,
    3_600_000,
  ),
  errorRate: S("error-rate", "number", "fault: fraction of requests answered with an error", 0, 1),
  errorStatus: S("error-status", "number", "fault: HTTP status of injected errors", 400, 599),
  stallBeforeFirstTokenMs: S(
    "stall-before-first-token-ms",
    "number",
    "fault: extra delay before the first token (ms)",
    0,
    600_000,
  ),
  stallAfterTokens: S("stall-after-tokens", "number", "fault: pause streams after this many tokens (0 = off)", 0, 1e9),
  stallMidStreamMs: S("stall-mid-stream-ms", "number", "fault: length of that pause (ms)", 0, 600_000),
  dropAfterTokens: S(
    "drop-after-tokens",
    "number",
    "fault: drop the connection after this many tokens (0 = off)",
    0,
    1e9,
  ),
  malformedAfterTokens: S(
    "malformed-after-tokens",
    "number",
    "fault: after this many tokens send one invalid JSON chunk and end the stream (0 = off)",
    0,
    1e9,
  ),
  slowdown: S("slowdown", "number", "fault: engine steps take this many times longer (1 = normal)", 1, 1000),
};

export const defaultSimOptions: SimOptions = {
  host: "127.0.0.1",
  port: 0,
  model: "Qwen/Qwen2.5-1.5B-Instruct",
  maxModelLen: 8192,
  maxNumSeqs: 256,
  maxNumBatchedTokens: 8192,
  kvCacheTokens: 262_144,
  stepBaseMs: 12,
  perSeqMs: 0.08,
  prefillPerTokenMs: 0.02,
  speedup: 1,
  fixedTtftMs: 0,
  fixedItlMs: 0,
  meanOutputTokens: 128,
  maxWaiting: 0,
  startupDelayMs: 0,
  warmStartupDelayMs: 0,
  modelCacheDir: "",
  seed: 0,
  logStats: false,
  controlEndpoints: false,
  apiKey: "",
  // 2 MiB holds a prompt of ~400k tokens; JSON-parsing it stays within a few ms of event loop.
  maxBodyBytes: 2 * 1024 * 1024,
  maxConnections: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  errorRate: 0,
  errorStatus: 500,
  stallBeforeFirstTokenMs: 0,
  stallAfterTokens: 0,
  stallMidStreamMs: 0,
  dropAfterTokens: 0,
  malformedAfterTokens: 0,
  slowdown: 1,
};

/** Check a partial option set; errors name the flag, its env var and the accepted range. */
export function validateOptions<T extends Partial<SimOptions>>(o: T): T {
  for (const [k, v] of Object.entries(o) as [keyof SimOptions, unknown][]) {
    const spec = OPTION_SPECS[k];
    if (!spec) throw new Error(`unknown simulator option '${k}'`);
    if (spec.kind === "number") {
      if (typeof v !== "number" || !Number.isFinite(v) || v < spec.min! || v > spec.max!)
        throw new Error(
          `--${spec.flag} (${spec.env}): ${JSON.stringify(v)} is not a number from ${spec.min} to ${spec.max}`,
        );
    } else if (spec.kind === "string" && (typeof v !== "string" || v.length === 0)) {
      throw new Error(`--${spec.flag} (${spec.env}): must be a non-empty string`);
    } else if ((spec.kind === "secret" || spec.kind === "path") && typeof v !== "string") {
      throw new Error(`--${spec.flag} (${spec.env}): must be a string`);
    } else if (spec.kind === "boolean" && typeof v !== "boolean") {
      throw new Error(`--${spec.flag} (${spec.env}): must be true or false`);
    }
  }
  return o;
}

function convert(spec: Spec, raw: string | boolean): number | string | boolean {
  if (spec.kind === "boolean") return raw === true || raw === "true" || raw === "1";
  if (spec.kind === "number") {
    const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
    if (!Number.isFinite(n))
      throw new Error(
        `--${spec.flag} (${spec.env}): ${JSON.stringify(raw)} is not a number from ${spec.min} to ${spec.max}`,
      );
    return n;
  }
  return String(raw);
}

/** Flags win over environment variables, which win over defaults. */
export function simOptionsFrom(
  argv: string[],
  env: NodeJS.ProcessEnv,
  base: SimOptions = defaultSimOptions,
): SimOptions {
  const entries = Object.entries(OPTION_SPECS) as [keyof SimOptions, Spec][];
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(
      entries.map(([, s]): [string, ParseArgsOptionDescriptor] => [
        s.flag,
        { type: s.kind === "boolean" ? "boolean" : "string" },
      ]),
    ),
    strict: true,
  });
  const out: Record<string, unknown> = { ...base };
  for (const [k, spec] of entries) {
    const fromFlag = (values as Record<string, string | boolean | undefined>)[spec.flag];
    const raw = fromFlag ?? env[spec.env];
    if (raw !== undefined) out[k] = convert(spec, raw);
  }
  return validateOptions(out as unknown as SimOptions);
}

export function optionsHelp(defaults: SimOptions = defaultSimOptions): string {
  return (Object.entries(OPTION_SPECS) as [keyof SimOptions, Spec][])
    .map(
      ([k, s]) =>
        `  --${s.flag.padEnd(30)} ${s.help} [env ${s.env}, default ${s.kind === "secret" ? "none" : JSON.stringify(defaults[k])}]`,
    )
    .join("\n");
}
