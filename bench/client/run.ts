import { DEFAULT_STOP_GRACE_S, type GoodputSlos, type RampUp, type Scenario, type ScenarioFile } from "../contract";
import type { RunningSimulator } from "../sim";
import { randomPromptSource, serverTokenizer } from "./dataset";
import { fileDatasetSource, loadFileDataset, type FileEntry } from "./file-dataset";
import { consoleSummary, pushResults, writeOutputs, type ScenarioResult } from "./outputs";
import { concurrencyShare, owns, scaleProfile, scenarioGaps, type ShardHooks } from "../fleet/plan";
import { rehearsalReport, rehearsalTimeline, watchRehearsalPods } from "../fleet/rehearsal";
import { closeIdleConnections, RequestGroup, sendRequest, type RequestRecord, type Target } from "./request";
import { loadScenarioFile } from "./scenario";
import { aggregate, checkThresholds } from "./stats";

/** In-flight requests are cut at this share of the grace; the rest is left for writing files. */
const CUT_SHARE = 0.7;
/** Prompt text built ahead of use, in tokens. */
const PROMPT_TOKENS_AHEAD = 2_000_000;
/** This many connection failures in a row (refused, reset, unreachable) mean the server is gone. */
const DEAD_SERVER_STREAK = 8;

export interface RunOptions {
  /** OpenAI-compatible base URL; none = start the built-in simulator on loopback. */
  baseUrl?: string;
  endpoint?: string;
  backend?: "openai-chat" | "openai";
  model?: string;
  apiKey?: string;
  config: string;
  /** Results go to OUTPUT_DIR/<run id>/, and OUTPUT_DIR/latest points at the newest run. */
  outputDir: string;
  pushgatewayUrl?: string;
  requestRate?: number;
  /** Replaces every scenario's rate or ramp, like --request-rate (the two are exclusive). */
  rampUp?: RampUp;
  concurrencyLevels?: number[];
  duration?: number;
  seed: number;
  timeoutMs: number;
  /** Keep retrying an unreachable or loading target for this long before giving up (s). */
  readyTimeoutS?: number;
  log: (line: string) => void;
  /** Aborting stops sending at once; in-flight requests are cut within the grace; results are still written. */
  signal?: AbortSignal;
  /** Seconds from `signal` aborting to results written (default DEFAULT_STOP_GRACE_S). */
  stopGraceS?: number;
  /** Filled by runBenchmark: `flush()` writes what was measured so far, synchronously (a second signal). */
  live?: LiveRun;
  /** Run only this shard's requests of the seeded plan (--workers, Indexed Job); see bench/fleet. */
  shard?: ShardHooks;
  /** Read the cluster's side of a rate-profile run (HPA, pending GPU pods, GPU nodes) from this Prometheus. */
  prometheusUrl?: string;
  /** false: no report.html (a --workers shard's own view is scratch; the parent reports the merged run). */
  report?: boolean;
  /**
   * Called once the last stream has closed, before the report is written: the run CLI switches V8
   * to its size-optimised policy there (heap-policy.ts). Not for callers that share the process
   * with other measurements (the planner, an in-process simulator): the policy is process-wide.
   */
  afterStreams?: () => void;
}

export interface LiveRun {
  flush?: () => string[];
  /** Filled by runBenchmark beside `flush`: the results so far, the running scenario's included. */
  snapshot?: () => ScenarioResult[];
  /**
   * Filled by runBenchmark beside `flush`: cut every in-flight request now. A second signal ends a
   * lone run by exiting; a --workers shard on its parent's own thread cannot exit, so it cuts.
   */
  cut?: () => void;
  /**
   * Filled by a --workers parent (bench/fleet/workers.ts): a stop signal goes to its worker threads,
   * which each stop and write their share as a lone run would; the parent then merges.
   */
  relay?: (signal: NodeJS.Signals) => void;
}

export interface RunOutcome {
  exitCode: 0 | 1 | 3;
  results: ScenarioResult[];
  files: string[];
  runId: string;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const wake = () => (clearTimeout(t), resolve());
    // Remove the listener on the timer path too: arrivals sleep once per request.
    const t = setTimeout(() => (signal?.removeEventListener("abort", wake), resolve()), ms);
    signal?.addEventListener("abort", wake, { once: true });
  });

const authHeaders = (apiKey?: string): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {});

type Probe = { ok: true; res: Response } | { ok: false; problem: string; status?: number };
async function probe(url: string, apiKey?: string): Promise<Probe> {
  try {
    const res = await fetch(url, { headers: authHeaders(apiKey), signal: AbortSignal.timeout(10_000) });
    if (res.ok) return { ok: true, res };
    await res.body?.cancel();
    return { ok: false, problem: `answered ${res.status}`, status: res.status };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (!(err instanceof TypeError) && err.name !== "TimeoutError") throw err;
    return { ok: false, problem: `unreachable (${err.cause?.code ?? err.cause?.message ?? err.message})` };
  }
}

/** The served model and, when the server says, its context length (prompt + output tokens). */
interface ServedModel {
  model: string;
  maxModelLen?: number;
}

/**
 * A model card's `max_model_len`: vLLM's `/v1/models` lists it per model (vllm-project/vllm,
 * vllm/entrypoints/openai/protocol.py, `class ModelCard`: `max_model_len: int | None`, read late 2026).
 */
function servedModel(body: unknown, wanted: string | undefined): ServedModel | undefined {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return undefined;
  const cards = (data as unknown[]).filter(
    (c): c is { id: string; max_model_len?: unknown } =>
      typeof c === "object" &&
      c !== null &&
      typeof (c as { id?: unknown }).id === "string" &&
      !!(c as { id: string }).id,
  );
  const card = wanted === undefined ? cards[0] : cards.find((c) => c.id === wanted);
  if (!card) return wanted === undefined ? undefined : { model: wanted };
  const len = card.max_model_len;
  return { model: card.id, maxModelLen: typeof len === "number" && len > 0 ? len : undefined };
}

/**
 * Refuse, before the first request, a scenario whose longest prompt plus output cannot fit the
 * model's context: the server would refuse every request of it.
 */
export function checkContextLength(scenarios: Scenario[], served: ServedModel, hasDataset: boolean): void {
  if (served.maxModelLen === undefined) return;
  for (const sc of scenarios) {
    const spread = 1 + sc.random_range_ratio;
    const input = hasDataset ? 0 : Math.round(sc.random_input_len * spread);
    const output = Math.round(sc.random_output_len * spread);
    if (input + output > served.maxModelLen)
      throw new Error(
        `scenarios[${sc.name}]: ${hasDataset ? "" : `random_input_len ${sc.random_input_len} + `}random_output_len ${sc.random_output_len}${sc.random_range_ratio ? ` (± ${sc.random_range_ratio * 100} %)` : ""} = up to ${input + output} tokens, above the max_model_len ${served.maxModelLen} of ${served.model} (from /v1/models): every request would be refused; shorten the scenario`,
      );
  }
}

/**
 * Wait until the server is ready, as vLLM's own readiness works: `/health` answers 200 once the
 * engine is up (vLLM's Kubernetes probes use it, DESIGN §5), and only then `/v1/models`. A proxy or
 * the simulator may answer /v1/models while /health is still 503. A server without /health (404)
 * goes straight to /v1/models. Returns the model to use: the given one, else the first listed.
 */
async function readyModel(
  baseUrl: string,
  opts: Pick<RunOptions, "apiKey" | "model" | "readyTimeoutS" | "log" | "signal">,
): Promise<ServedModel> {
  const until = performance.now() + (opts.readyTimeoutS ?? 0) * 1000;
  let lastLog = 0;
  let healthy = false;
  for (;;) {
    let problem: string;
    if (!healthy) {
      const h = await probe(`${baseUrl}/health`, opts.apiKey);
      healthy = h.ok || h.status === 404 || h.status === 405;
      problem = h.ok ? "" : `/health ${h.problem}`;
      if (h.ok) await h.res.body?.cancel();
    }
    if (healthy) {
      const m = await probe(`${baseUrl}/v1/models`, opts.apiKey);
      if (m.ok) {
        let served: ServedModel | undefined;
        try {
          served = servedModel(await m.res.json(), opts.model);
        } catch {
          served = undefined;
        }
        if (served) return served;
        if (opts.model) return { model: opts.model };
        throw new Error(
          `--model not given and ${baseUrl}/v1/models lists no model; pass --model (env SERVED_MODEL_NAME)`,
        );
      }
      // A server without /v1/models is fine when the model is given; 503 means "still loading".
      if (opts.model && m.status !== undefined && m.status !== 503) return { model: opts.model };
      if (m.status === 401 || m.status === 403)
        throw new Error(
          `${baseUrl}/v1/models answered ${m.status}: set the API key (env OPENAI_API_KEY or VLLM_API_KEY)`,
        );
      problem = `/v1/models ${m.problem}`;
    }
    problem ||= "not ready";
    if (performance.now() >= until || opts.signal?.aborted)
      throw new Error(
        `target ${baseUrl}${problem}${opts.model ? "" : " and --model was not given"}; check --base-url (env MODEL_ENDPOINT)${opts.readyTimeoutS ? "" : ", or wait for it with --ready-timeout SECONDS (env READY_TIMEOUT)"}`,
      );
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      opts.log(`Waiting for ${baseUrl}${problem}...`);
    }
    await sleep(2000, opts.signal);
  }
}

/** What a scenario shares with the run: the stop switch, the in-flight requests, a live view for flushes. */
interface RunState {
  /** Set when the run must stop: a signal, a dead server, an exception. */
  stopReason?: string;
  readonly stopped: AbortController;
  /** The running scenario's requests (a new group per scenario: a deadline cut ends only its own). */
  inflight: RequestGroup;
  /** The running scenario's result so far (for a flush on a second signal). */
  current?: () => ScenarioResult;
}

function stopRun(state: RunState, reason: string, cutNow: boolean): void {
  state.stopReason ??= reason;
  state.stopped.abort();
  if (cutNow) state.inflight.cancel();
}

// Nothing listening or no route: the server is gone. Not ECONNRESET: an overloaded server whose
// accept backlog overflows resets new connections in bursts, and those are failures to count, not a reason to stop.
export const CONNECTION_GONE = /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN/;

interface FileDefaults {
  percentiles: number[];
  goodput?: GoodputSlos;
  dataset?: FileEntry[];
  thresholds: Record<string, number>;
}

async function runScenario(
  sc: Scenario,
  t: Target,
  opts: RunOptions,
  fd: FileDefaults,
  backend: string,
  state: RunState,
): Promise<ScenarioResult> {
  const signal = state.stopped.signal;
  const records: RequestRecord[] = [];
  const ramp = sc.ramp_up_strategy
    ? { strategy: sc.ramp_up_strategy, startRps: sc.ramp_up_start_rps!, endRps: sc.ramp_up_end_rps! }
    : undefined;
  // One seeded plan for every shard (bench/fleet/plan.ts): num_prompts gaps, or what a rate_profile yields.
  const gaps = scenarioGaps(sc, opts.seed);
  const n = gaps.length;
  let start = performance.now();
  let pods: ReturnType<typeof watchRehearsalPods>;
  let partial = false;
  let error: string | undefined;
  const snapshot = (): ScenarioResult => {
    const result = aggregate(
      {
        date: new Date().toISOString(),
        backend,
        model_id: t.model,
        scenario: sc.name,
        num_prompts: n,
        request_rate: sc.request_rate,
        burstiness: sc.burstiness,
        ramp_up: ramp,
        max_concurrency: sc.max_concurrency ?? null,
        duration: (performance.now() - start) / 1000,
        percentiles: fd.percentiles,
        goodput: fd.goodput,
      },
      records,
    );
    const stop = partial || signal.aborted ? (state.stopReason ?? error) : undefined;
    if (stop) result.stop_reason = stop;
    return {
      result,
      records: [...records].sort((a, b) => a.start_s - b.start_s),
      partial: partial || signal.aborted,
      thresholds: checkThresholds(result, fd.thresholds),
    };
  };
  state.current = snapshot;
  state.inflight = new RequestGroup();

  // Slots: a semaphore that also wakes up (and refuses) when the run stops, so a stop never
  // waits for a stalled server to free a slot.
  const concurrency = concurrencyShare(sc.max_concurrency ?? Infinity, opts.shard);
  let inFlight = 0;
  const waiters: (() => void)[] = [];
  const wakeAll = () => waiters.splice(0).forEach((w) => w());
  signal.addEventListener("abort", wakeAll, { once: true });
  const acquire = async (): Promise<boolean> => {
    while (inFlight >= concurrency && !signal.aborted) await new Promise<void>((r) => waiters.push(r));
    if (signal.aborted) return false;
    inFlight++;
    return true;
  };
  const release = () => {
    inFlight--;
    waiters.shift()?.();
  };
  // Resolves with `undefined` as soon as the run stops (a tokenizer call must not hold up a stop).
  const stopped = new Promise<undefined>((r) =>
    signal.aborted ? r(undefined) : signal.addEventListener("abort", () => r(undefined), { once: true }),
  );

  let streak = 0; // connection failures in a row
  const noteOutcome = (r: RequestRecord) => {
    if (r.success) streak = 0;
    else if (r.error_kind === "connection" && CONNECTION_GONE.test(r.error ?? "")) {
      if (++streak >= DEAD_SERVER_STREAK)
        stopRun(state, `server unreachable: ${r.error} on ${streak} requests in a row`, true);
    }
  };

  const pending: Promise<void>[] = [];
  try {
    const warn = (m: string) => opts.log(`warning: ${m}`);
    const tokenizer = await serverTokenizer(t.baseUrl, t.model, warn);
    const total = sc.num_warmups + n;
    // Prompts built ahead hold at most ~2 M tokens of text (long prompts would otherwise take gigabytes).
    const budget = Math.max(8, Math.floor(PROMPT_TOKENS_AHEAD / sc.random_input_len));
    const prompts = fd.dataset
      ? fileDatasetSource(fd.dataset, { seed: opts.seed, outputLen: sc.random_output_len, tokenizer })
      : randomPromptSource({
          count: total,
          inputLen: sc.random_input_len,
          outputLen: sc.random_output_len,
          rangeRatio: sc.random_range_ratio,
          prefixLen: sc.random_prefix_len,
          seed: opts.seed,
          tokenizer,
          ahead: Math.min(256, budget),
          // A shard builds only its own share: warm-up i and main-run request i are owned by index.
          wanted: (k) => owns(opts.shard, k < sc.num_warmups ? k : k - sc.num_warmups),
        });
    // Build what the first burst needs before the clock starts; the rest is built ahead of use.
    await Promise.race([
      prompts.prefetch(
        0,
        sc.num_warmups + Math.min(budget, Math.max(1024, 2 * Math.min(sc.max_concurrency ?? sc.num_prompts, 4096))),
      ),
      stopped,
    ]);
    const spec = async (i: number, phase: string) => {
      const p = await Promise.race([prompts.take(i), stopped]);
      return p && { id: `${sc.name}-${phase}-${i}`, prompt: p.text, promptTokens: p.tokens, maxTokens: p.maxTokens };
    };

    // Warm-up (excluded from every figure); it stops with the run like the main phase.
    await Promise.all(
      Array.from({ length: sc.num_warmups }, async (_, i) => {
        if (!owns(opts.shard, i)) return;
        const req = await spec(i, "warmup");
        if (!req || !(await acquire())) return;
        try {
          await sendRequest(t, req, sc.name, performance.now(), state.inflight);
        } finally {
          release();
        }
      }),
    );

    if (opts.shard?.waitStart) {
      // Every shard starts at one agreed wall-clock time (bench/fleet).
      const at = await Promise.race([opts.shard.waitStart(sc.name), stopped]);
      if (at !== undefined) await sleep(at - Date.now(), signal);
    }
    start = performance.now();
    // On a cluster, the rehearsal notes when each vLLM pod was created, scheduled, started and ready.
    if (sc.rate_profile) pods = watchRehearsalPods(opts.log);
    opts.shard?.started?.(sc.name, performance.timeOrigin + start);
    const deadline = sc.duration ? start + sc.duration * 1000 : Infinity;
    let lastLog = start;
    let nextArrival = start;
    for (let i = 0; i < n && !signal.aborted; i++) {
      nextArrival += gaps[i] * 1000;
      // An arrival due after the deadline is never sent. (Sleeping only up to the deadline and
      // sending on waking sent every later arrival at once: a timer wakes up to a millisecond
      // early, so the deadline had not quite passed, and each late arrival waited 0 ms.)
      if (nextArrival >= deadline) break;
      if (!owns(opts.shard, i)) continue;
      const wait = nextArrival - performance.now();
      if (wait > 1) await sleep(wait, signal);
      const req = await spec(sc.num_warmups + i, "req");
      if (!req || !(await acquire())) break;
      if (performance.now() >= deadline) {
        release();
        break;
      }
      pending.push(
        sendRequest(t, req, sc.name, start, state.inflight).then((r) => {
          records.push(r);
          release();
          noteOutcome(r);
        }),
      );
      if (performance.now() - lastLog > 5000) {
        lastLog = performance.now();
        const of = sc.duration ? `${i + 1} (for ${sc.duration} s)` : `${i + 1}/${n}`;
        opts.log(`[${sc.name}] sent ${of}, done ${records.length}, in flight ${inFlight}`);
      }
    }
    partial = signal.aborted;
    const all = Promise.all(pending);
    if (!signal.aborted && deadline !== Infinity) {
      // Past the deadline, in-flight requests get one timeout to finish, then are cut.
      await Promise.race([all, sleep(Math.max(0, deadline - performance.now()) + t.timeoutMs, signal)]);
      if (!signal.aborted) state.inflight.cancel();
    }
    // On a stop, the run's cut timer (or a dead server) ends in-flight requests.
    await all;
  } catch (e) {
    // Anything thrown inside the scenario: stop, cut what is in flight, keep what was measured.
    error = `error: ${(e as Error).message}`;
    partial = true;
    stopRun(state, error, true);
    await Promise.all(pending);
  } finally {
    signal.removeEventListener("abort", wakeAll);
  }
  const out = snapshot();
  state.current = undefined;
  // The autoscaling rehearsal's per-second view (bench/fleet/rehearsal.ts).
  if (sc.rate_profile) {
    out.result.timeline = await rehearsalTimeline(out.records, out.result.duration, performance.timeOrigin + start, {
      url: opts.prometheusUrl,
      log: opts.log,
    });
    const replicas = await pods?.stop(performance.timeOrigin + start);
    if (replicas) out.result.replicas = replicas;
  }
  return out;
}

/** A run's folder name under OUTPUT_DIR: sortable by time, unique among runs started together. */
export const newRunId = (): string =>
  `${new Date().toISOString().replace(/[:.]/g, "-")}-${Math.floor(Math.random() * 1e6).toString(36)}`;

/** Everything checked and derived before anything is sent: a bad file fails here, with nothing started. */
export interface RunPlan {
  file: ScenarioFile;
  scenarios: Scenario[];
  dataset?: FileEntry[];
  percentiles: number[];
  backend: "openai-chat" | "openai";
}

export function planRun(
  opts: Pick<RunOptions, "config" | "requestRate" | "rampUp" | "duration" | "concurrencyLevels" | "backend">,
): RunPlan {
  const file = loadScenarioFile(opts.config);
  let scenarios = file.scenarios.map((s) => ({
    ...s,
    // A rate given on the command line replaces the file's rate or ramp.
    ...(opts.requestRate !== undefined
      ? {
          request_rate: opts.requestRate,
          ramp_up_strategy: undefined,
          ramp_up_start_rps: undefined,
          ramp_up_end_rps: undefined,
        }
      : {}),
    ...(opts.rampUp
      ? {
          request_rate: "inf" as const,
          rate_profile: undefined,
          ramp_up_strategy: opts.rampUp.strategy,
          ramp_up_start_rps: opts.rampUp.startRps,
          ramp_up_end_rps: opts.rampUp.endRps,
        }
      : {}),
    ...(opts.duration !== undefined ? { duration: opts.duration } : {}),
    // On a rate profile, a given rate is its peak: the shape stays.
    ...(s.rate_profile && opts.requestRate !== undefined
      ? { rate_profile: scaleProfile(s.rate_profile, opts.requestRate) }
      : {}),
  }));
  if (opts.concurrencyLevels?.length)
    scenarios = opts.concurrencyLevels.flatMap((c) =>
      scenarios.map((s) => ({ ...s, name: `${s.name}-c${c}`, max_concurrency: c })),
    );
  // Read (and check) a dataset file once, before any request: bad input fails early.
  const d = file.defaults;
  const dataset =
    d.dataset_type !== "random" && d.dataset_path ? loadFileDataset(d.dataset_path, d.dataset_type) : undefined;
  const percentiles = file.defaults.metric_percentiles;
  return { file, scenarios, dataset, percentiles, backend: opts.backend ?? file.defaults.backend };
}

// The HTML report (and Vega, tens of MB of heap) is evaluated only once the run has ended. Under
// `npm start` the sources compile in tsx's esbuild child, which Ctrl-C stops together with us, so
// a module first loaded after Ctrl-C cannot load: from sources the report loads as the run starts.
// The image runs the bundle, which needs no compiler. A report that cannot load is one warning:
// the results JSON and CSV are written all the same.
const FROM_SOURCES = import.meta.url.endsWith(".ts");
type HtmlReport = typeof import("../report/html").htmlReport;
function reportLoader(): (log: (line: string) => void) => Promise<HtmlReport | undefined> {
  const load = () =>
    import("../report/html").then(
      (m) => m.htmlReport,
      (e: Error) => e,
    );
  const early = FROM_SOURCES ? load() : undefined;
  return async (log) => {
    const r = await (early ?? load());
    if (!(r instanceof Error)) return r;
    log(`warning: report.html not written (${r.message}); the results JSON and CSV are written`);
    return undefined;
  };
}

export async function runBenchmark(opts: RunOptions): Promise<RunOutcome> {
  const { file, scenarios, dataset, percentiles, backend } = planRun(opts);
  const loadReport = opts.report === false ? () => Promise.resolve(undefined) : reportLoader();
  const chat = backend === "openai-chat";
  const runId = newRunId();
  const graceMs = (opts.stopGraceS ?? DEFAULT_STOP_GRACE_S) * 1000;
  const state: RunState = { stopped: new AbortController(), inflight: new RequestGroup() };
  let cutTimer: NodeJS.Timeout | undefined;
  const onSignal = () => {
    stopRun(state, "interrupted by a signal", false);
    // In-flight streams get part of the grace to finish; the rest is for writing.
    cutTimer = setTimeout(() => state.inflight.cancel(), graceMs * CUT_SHARE);
  };
  if (opts.signal?.aborted) onSignal();
  else opts.signal?.addEventListener("abort", onSignal, { once: true });

  let sim: RunningSimulator | undefined;
  let baseUrl = opts.baseUrl?.replace(/\/$/, "");
  if (!baseUrl) {
    sim = await (await import("../sim")).startSimulator({ host: "127.0.0.1", port: 0 });
    baseUrl = sim.url;
    opts.log(`No --base-url given: started the built-in vLLM simulator at ${baseUrl} (embedded default).`);
  }
  const results: ScenarioResult[] = [];
  const written = new Set<ScenarioResult>(); // finished scenarios already on disk
  // The report (and Vega with it) is loaded only at the end, once no stream is open.
  const snapshot = () => (state.current ? [...results, state.current()] : results);
  const write = (report?: HtmlReport) => {
    const now = snapshot();
    const files = writeOutputs(opts.outputDir, runId, now, report?.(`vllm-bench: ${file.name}`, runId, now), written);
    for (const r of results) written.add(r);
    return files;
  };
  if (opts.live) {
    opts.live.flush = () => write();
    opts.live.snapshot = snapshot;
    opts.live.cut = () => state.inflight.cancel();
  }
  try {
    const served = await readyModel(baseUrl, opts);
    checkContextLength(scenarios, served, !!dataset);
    const model = served.model;
    const target: Target = {
      baseUrl,
      endpoint: opts.endpoint ?? file.defaults.endpoint_path ?? (chat ? "/v1/chat/completions" : "/v1/completions"),
      chat,
      model,
      apiKey: opts.apiKey,
      timeoutMs: opts.timeoutMs,
    };
    const estimate = scenarios.reduce((a, s) => a + (s.duration ?? 0) + s.pause_after_s, 0);
    opts.log(
      `Plan: ${scenarios.length} scenario(s) [${scenarios.map((s) => s.name).join(", ")}] against ${baseUrl}${target.endpoint}, model ${model}${estimate ? `, at most ~${Math.ceil(estimate)} s of timed load` : ""}.`,
    );
    for (const sc of scenarios) {
      if (state.stopped.signal.aborted) break;
      const s = await runScenario(
        sc,
        target,
        opts,
        { percentiles, goodput: file.defaults.goodput, dataset, thresholds: file.thresholds },
        backend,
        state,
      );
      results.push(s);
      // Written after every scenario: a SIGKILL later loses at most the running one.
      write();
      opts.log(consoleSummary(s, percentiles, file.defaults.percentile_metrics));
      const tables = rehearsalReport(s.result, file.thresholds);
      if (tables) opts.log(tables);
      if (opts.pushgatewayUrl) {
        await pushResults(opts.pushgatewayUrl, runId, s).catch((e) =>
          opts.log(`warning: could not push to Pushgateway: ${(e as Error).message}`),
        );
      }
      if (sc.pause_after_s && sc !== scenarios[scenarios.length - 1])
        await sleep(sc.pause_after_s * 1000, state.stopped.signal);
    }
  } finally {
    clearTimeout(cutTimer);
    opts.signal?.removeEventListener("abort", onSignal);
    if (opts.live) opts.live.flush = opts.live.snapshot = opts.live.cut = undefined;
    closeIdleConnections();
    await sim?.close();
  }
  opts.afterStreams?.();
  const files = write(await loadReport(opts.log));
  if (opts.live) opts.live.flush = undefined;
  opts.log(
    `Wrote ${files.length} files to ${files[0] ? files[0].replace(/[/\\][^/\\]*$/, "") : opts.outputDir} (results JSON per scenario, CSV, report.html); ${opts.outputDir}/latest points at this run.`,
  );
  if (state.stopReason) opts.log(`Stopped early (${state.stopReason}): the results are partial.`);
  const interrupted = !!state.stopReason || results.some((r) => r.partial);
  // A scenario in which every request failed never passes, thresholds or not.
  const failed = results.some(
    (r) => r.thresholds.some((t) => !t.passed) || (r.records.length > 0 && r.result.completed === 0),
  );
  return { exitCode: interrupted ? 3 : failed ? 1 : 0, results, files, runId };
}
