import { startSimulator, type RunningSimulator } from "../sim";
import { randomPromptSource, serverTokenizer } from "./dataset";
import { fileDatasetSource, loadFileDataset, type FileEntry } from "./file-dataset";
import { htmlReport } from "./html";
import { consoleSummary, pushResults, writeOutputs, type ScenarioResult } from "./outputs";
import { concurrencyShare, owns, scaleProfile, scenarioGaps, type ShardHooks } from "../fleet/plan";
import { rehearsalTimeline, timelineTable } from "../fleet/rehearsal";
import type { RampUp } from "./random";
import { closeIdleConnections, RequestGroup, sendRequest, type RequestRecord, type Target } from "./request";
import { loadScenarioFile, type Scenario } from "./scenario";
import { aggregate, checkThresholds } from "./stats";

export interface RunOptions {
  /** OpenAI-compatible base URL; none = start the built-in simulator on loopback. */
  baseUrl?: string;
  endpoint?: string;
  backend?: "openai-chat" | "openai";
  model?: string;
  apiKey?: string;
  config: string;
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
  /** Aborting stops sending; in-flight requests get a short grace period; results are still written. */
  signal?: AbortSignal;
  /** Run only this shard's requests of the seeded plan (--workers, Indexed Job); see bench/fleet. */
  shard?: ShardHooks;
  /** Read the cluster's side of a rate-profile run (HPA, pending GPU pods, GPU nodes) from this Prometheus. */
  prometheusUrl?: string;
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

/**
 * Wait until the server answers /v1/models (a Job may start before vLLM has loaded its model),
 * then return the model to use: the given one, else the first listed.
 */
async function readyModel(baseUrl: string, opts: Pick<RunOptions, "apiKey" | "model" | "readyTimeoutS" | "log" | "signal">): Promise<string> {
  const until = performance.now() + (opts.readyTimeoutS ?? 0) * 1000;
  let lastLog = 0;
  for (;;) {
    let problem: string;
    try {
      const res = await fetch(`${baseUrl}/v1/models`, { headers: opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}, signal: AbortSignal.timeout(10_000) });
      if (res.ok) {
        if (opts.model) return opts.model;
        const id = ((await res.json()) as { data?: { id: string }[] }).data?.[0]?.id;
        if (!id) throw new Error(`--model not given and ${baseUrl}/v1/models lists no model; pass --model (env SERVED_MODEL_NAME)`);
        return id;
      }
      // A server without /v1/models is fine when the model is given; 503 means "still loading".
      if (opts.model && res.status !== 503) return opts.model;
      if (res.status === 401 || res.status === 403) throw new Error(`${baseUrl}/v1/models answered ${res.status}: set the API key (env OPENAI_API_KEY or VLLM_API_KEY)`);
      problem = `answered ${res.status}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (!(err instanceof TypeError) && err.name !== "TimeoutError") throw err;
      problem = `unreachable (${err.cause?.code ?? err.cause?.message ?? err.message})`;
    }
    if (performance.now() >= until || opts.signal?.aborted)
      throw new Error(`target ${baseUrl}/v1/models ${problem}${opts.model ? "" : " and --model was not given"}; check --base-url (env MODEL_ENDPOINT)${opts.readyTimeoutS ? "" : ", or wait for it with --ready-timeout SECONDS (env READY_TIMEOUT)"}`);
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      opts.log(`Waiting for ${baseUrl}/v1/models (${problem})...`);
    }
    await sleep(2000, opts.signal);
  }
}

async function runScenario(sc: Scenario, t: Target, opts: RunOptions, fileDefaults: { percentiles: number[]; goodput?: Record<string, number>; dataset?: FileEntry[] }, backend: string): Promise<Omit<ScenarioResult, "thresholds">> {
  const tokenizer = await serverTokenizer(t.baseUrl, t.model);
  const gaps = scenarioGaps(sc, opts.seed);
  const n = gaps.length; // num_prompts, or what a rate_profile yields
  const total = sc.num_warmups + n;
  const prompts = fileDefaults.dataset
    ? fileDatasetSource(fileDefaults.dataset, { seed: opts.seed, outputLen: sc.random_output_len, tokenizer })
    : randomPromptSource({ count: total, inputLen: sc.random_input_len, outputLen: sc.random_output_len, rangeRatio: sc.random_range_ratio, prefixLen: sc.random_prefix_len, seed: opts.seed, tokenizer });
  // Build what the first burst needs before the clock starts; the rest is built ahead of use.
  await prompts.prefetch(0, sc.num_warmups + Math.max(1024, 2 * Math.min(sc.max_concurrency ?? sc.num_prompts, 4096)));
  const concurrency = concurrencyShare(sc.max_concurrency ?? Infinity, opts.shard);
  let inFlight = 0;
  const waiters: (() => void)[] = [];
  const acquire = async () => {
    while (inFlight >= concurrency) await new Promise<void>((r) => waiters.push(r));
    inFlight++;
  };
  const release = () => {
    inFlight--;
    waiters.shift()?.();
  };
  const inflight = new RequestGroup();
  const spec = async (i: number, phase: string) => {
    const p = await prompts.take(i);
    return { id: `${sc.name}-${phase}-${i}`, prompt: p.text, promptTokens: p.tokens, maxTokens: p.maxTokens };
  };

  // Warm-up (excluded from every figure).
  await Promise.all(Array.from({ length: sc.num_warmups }, async (_, i) => {
    if (!owns(opts.shard, i)) return;
    await acquire();
    try {
      await sendRequest(t, await spec(i, "warmup"), sc.name, performance.now(), inflight);
    } finally {
      release();
    }
  }));

  const records: RequestRecord[] = [];
  const pending: Promise<void>[] = [];
  const ramp = sc.ramp_up_strategy ? { strategy: sc.ramp_up_strategy, startRps: sc.ramp_up_start_rps!, endRps: sc.ramp_up_end_rps! } : undefined;
  if (opts.shard?.waitStart) {
    const at = await opts.shard.waitStart(sc.name);
    await sleep(at - Date.now(), opts.signal);
  }
  const start = performance.now();
  opts.shard?.started?.(sc.name, performance.timeOrigin + start);
  const deadline = sc.duration ? start + sc.duration * 1000 : Infinity;
  let lastLog = start;
  let partial = false;
  let nextArrival = start;
  for (let i = 0; i < n; i++) {
    if (opts.signal?.aborted) {
      partial = true;
      break;
    }
    nextArrival += gaps[i]! * 1000;
    if (!owns(opts.shard, i)) continue;
    const wait = Math.min(nextArrival, deadline) - performance.now();
    if (wait > 1) await sleep(wait, opts.signal);
    const req = await spec(sc.num_warmups + i, "req");
    await acquire();
    if (performance.now() >= deadline || opts.signal?.aborted) {
      release();
      partial ||= !!opts.signal?.aborted;
      break;
    }
    pending.push(
      sendRequest(t, req, sc.name, start, inflight).then((r) => {
        records.push(r);
        release();
      }),
    );
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      opts.log(`[${sc.name}] sent ${i + 1}/${n}, done ${records.length}, in flight ${inFlight}`);
    }
  }
  // On interrupt, give in-flight streams a short grace period, then cut them (counted as errors).
  const all = Promise.all(pending);
  if (opts.signal?.aborted) {
    await Promise.race([all, sleep(3000)]);
    inflight.cancel();
  } else if (deadline !== Infinity) {
    await Promise.race([all, sleep(Math.max(0, deadline - performance.now()) + t.timeoutMs)]);
    inflight.cancel();
  }
  await all;
  const duration = (performance.now() - start) / 1000;
  const result = aggregate(
    { date: new Date().toISOString(), backend, model_id: t.model, scenario: sc.name, num_prompts: n, request_rate: sc.request_rate, burstiness: sc.burstiness, ramp_up: ramp, max_concurrency: sc.max_concurrency ?? null, duration, percentiles: fileDefaults.percentiles, goodput: fileDefaults.goodput },
    records,
  );
  // The autoscaling rehearsal's per-second view (bench/fleet/timeline.ts).
  if (sc.rate_profile) result.timeline = await rehearsalTimeline(records, duration, performance.timeOrigin + start, { url: opts.prometheusUrl, log: opts.log });
  return { result, records: records.sort((a, b) => a.start_s - b.start_s), partial };
}

export async function runBenchmark(opts: RunOptions): Promise<RunOutcome> {
  const file = loadScenarioFile(opts.config);
  let scenarios = file.scenarios.map((s) => ({
    ...s,
    // A rate given on the command line replaces the file's rate or ramp.
    ...(opts.requestRate !== undefined ? { request_rate: opts.requestRate, ramp_up_strategy: undefined, ramp_up_start_rps: undefined, ramp_up_end_rps: undefined } : {}),
    ...(opts.rampUp ? { request_rate: "inf" as const, rate_profile: undefined, ramp_up_strategy: opts.rampUp.strategy, ramp_up_start_rps: opts.rampUp.startRps, ramp_up_end_rps: opts.rampUp.endRps } : {}),
    ...(opts.duration !== undefined ? { duration: opts.duration } : {}),
    // On a rate profile, a given rate is its peak: the shape stays.
    ...(s.rate_profile && opts.requestRate !== undefined ? { rate_profile: scaleProfile(s.rate_profile, opts.requestRate) } : {}),
  }));
  if (opts.concurrencyLevels?.length)
    scenarios = opts.concurrencyLevels.flatMap((c) => scenarios.map((s) => ({ ...s, name: `${s.name}-c${c}`, max_concurrency: c })));
  // Read (and check) a dataset file once, before any request: bad input fails early.
  const d = file.defaults;
  const dataset = d.dataset_type !== "random" && d.dataset_path ? loadFileDataset(d.dataset_path, d.dataset_type) : undefined;
  const percentiles = file.defaults.metric_percentiles.split(",").map((p) => Number(p.trim()));
  if (percentiles.some((p) => !(p > 0 && p < 100))) throw new Error(`defaults.metric_percentiles: ${file.defaults.metric_percentiles} must list numbers between 0 and 100`);
  const backend = opts.backend ?? file.defaults.backend;
  const chat = backend === "openai-chat";
  const runId = `${new Date().toISOString().replace(/[:.]/g, "-")}-${Math.floor(Math.random() * 1e6).toString(36)}`;

  let sim: RunningSimulator | undefined;
  let baseUrl = opts.baseUrl?.replace(/\/$/, "");
  if (!baseUrl) {
    sim = await startSimulator({ host: "127.0.0.1", port: 0 });
    baseUrl = sim.url;
    opts.log(`No --base-url given: started the built-in vLLM simulator at ${baseUrl} (embedded default).`);
  }
  const results: ScenarioResult[] = [];
  try {
    const model = await readyModel(baseUrl, opts);
    const target: Target = { baseUrl, endpoint: opts.endpoint ?? file.defaults.endpoint_path ?? (chat ? "/v1/chat/completions" : "/v1/completions"), chat, model, apiKey: opts.apiKey, timeoutMs: opts.timeoutMs };
    const estimate = scenarios.reduce((a, s) => a + (s.duration ?? 0) + s.pause_after_s, 0);
    opts.log(`Plan: ${scenarios.length} scenario(s) [${scenarios.map((s) => s.name).join(", ")}] against ${baseUrl}${target.endpoint}, model ${model}${estimate ? `, at most ~${Math.ceil(estimate)} s of timed load` : ""}.`);
    for (const sc of scenarios) {
      if (opts.signal?.aborted) break;
      const r = await runScenario(sc, target, opts, { percentiles, goodput: file.defaults.goodput, dataset }, backend);
      const s: ScenarioResult = { ...r, thresholds: checkThresholds(r.result, file.thresholds) };
      results.push(s);
      opts.log(consoleSummary(s, percentiles));
      if (Array.isArray(s.result.timeline)) opts.log(timelineTable(s.result.timeline, file.thresholds));
      if (opts.pushgatewayUrl) {
        await pushResults(opts.pushgatewayUrl, runId, s).catch((e) => opts.log(`warning: could not push to Pushgateway: ${(e as Error).message}`));
      }
      if (sc.pause_after_s && sc !== scenarios[scenarios.length - 1]) await sleep(sc.pause_after_s * 1000, opts.signal);
    }
  } finally {
    closeIdleConnections();
    await sim?.close();
  }
  const files = writeOutputs(opts.outputDir, runId, results, htmlReport(`vllm-bench: ${file.name}`, runId, results));
  opts.log(`Wrote ${files.length} files to ${opts.outputDir} (results JSON per scenario, CSV, report.html).`);
  const interrupted = opts.signal?.aborted || results.some((r) => r.partial);
  const failed = results.some((r) => r.thresholds.some((t) => !t.passed));
  return { exitCode: interrupted ? 3 : failed ? 1 : 0, results, files, runId };
}
