import * as fs from "node:fs";
import * as path from "node:path";
import { isUpperBound, parseLatencyKey, PLAN_PUSHGATEWAY_JOB, type LatencyKey, type ScenarioFile } from "../contract";
import { loadScenarioFile } from "../client/scenario";
import { assertWritableDir, pointLatest, writeFileAtomic } from "../client/outputs";
import { closeIdleConnections } from "../client/request";
import { CONNECTION_GONE, newRunId } from "../client/run";
import { startSimulator, type RunningSimulator, type SimOptions } from "../sim";
import { planReport } from "../report/html";
import { pinOneAddress } from "./address";
import { judge, type SloJudgement, type Verdict } from "./judge";
import { measurePoint, type PointMeasurement } from "./measure";
import { tradedAway } from "./modes";
import { configSetLines, table, yamlSnippet } from "./output";
import { checkFleet, recommend, type FleetInput, type Recommendation } from "./recommend";
import { answerRunsFor, CONFIRM_RUNS, Interrupted, searchRate, type SearchOptions, type SearchResult } from "./search";
import { planSlos, type Slos } from "./slo";

/** How long a later point waits for a target that answers but is not ready (still draining a queue). */
const BUSY_TARGET_GRACE_S = 30;

export interface PlanOptions {
  /** One vLLM replica (a pod address, not the autoscaled Service); none = the built-in simulator. */
  baseUrl?: string;
  /** Resolve baseUrl's host once and plan against its first address (a headless Service: one pod). */
  oneAddress?: boolean;
  /** Simulator settings when baseUrl is not given. */
  sim?: Partial<SimOptions>;
  model?: string;
  apiKey?: string;
  config: string;
  /** SLOs given as flags; they replace the file's SLO of the same name. */
  slos: Slos;
  /** Only the flags' SLOs, not the file's. */
  slosFromFlagsOnly?: boolean;
  search: Omit<SearchOptions, "signal">;
  /** Run with --quick (or other reduced settings): said in the plan with what it gave up. */
  quick?: boolean;
  durationS: number;
  warmupS: number;
  /** Confirm the answer with one point this long (quick's short points cannot see a queue build). */
  confirm?: { durationS: number; warmupS: number };
  fleet: Omit<FleetInput, "sustainableRps" | "meanOutputTokens">;
  outputDir: string;
  pushgatewayUrl?: string;
  readyTimeoutS?: number;
  seed: number;
  log: (line: string) => void;
  signal?: AbortSignal;
}

/** A point's latency keys: every figure of its result but the standard deviations. */
type PointLatencyKey = Exclude<LatencyKey, `std_${string}`>;

export interface PlanPoint {
  rate: number;
  /** Every SLO's point estimate met in this measurement. */
  passed: boolean;
  /** This measurement alone, judged with its intervals (judge.ts); a rate's verdict pools its measurements (`rates`). */
  verdict: Verdict;
  /** Requests that started in the steady window (after the warm-up). */
  samples: number;
  attempt: number;
  /** Cut short by an interrupt: recorded, not judged. */
  partial: boolean;
  request_throughput: number;
  output_throughput: number;
  completed: number;
  failed: number;
  success_rate: number;
  /** Each SLO's point estimate, with its 95 % interval (low, high) in this measurement. */
  /** Each SLO in this measurement; its verdict tells a null value's no data (no-data) from timed-out requests (any other). */
  slos: { name: string; limit: number; value: number; passed: boolean; low: number; high: number; verdict: Verdict }[];
  /** Mean, median, p50/p90/p99 (and any SLO percentile) of TTFT, TPOT, ITL and E2E latency, ms. */
  latency_ms: Partial<Record<PointLatencyKey, number>>;
}

/**
 * What plan.json holds (its schema: ./plan-file.ts): the recommendation's stack-config keys
 * (`pulumi config set --path KEY`), first, so `jq '."autoscaling.maxReplicas"'` works, all or none.
 */
export interface PlanFile extends Partial<Recommendation["config"]> {
  plan: {
    date: string;
    /** The plan's folder under --output-dir. */
    plan_id: string;
    /** Stopped before the search ended (interrupt, target gone): the points are real, the answer is not. */
    partial: boolean;
    /** Why a partial plan stopped. */
    stop_reason?: string;
    target: string;
    model: string;
    workload: { input_len: number; output_len: number; dataset: ScenarioFile["defaults"]["dataset_type"] };
    slos: Slos;
    ignored_thresholds: string[];
    /** The answer the recommendation uses: the lower end of sustainable_interval. */
    sustainable_rps: number | null;
    /** Lowest rate above it that surely missed an SLO (the interval's upper end). */
    knee_rps: number | null;
    /**
     * Where the capacity lies: lower = highest rate that surely met every SLO, upper = lowest above
     * it that surely missed one; rates in between were unsure (their intervals straddle a limit).
     */
    sustainable_interval: {
      lower: number | null;
      upper: number | null;
      /** Lowest rate above `lower` that was not a sure pass (unsure or the upper end). */
      first_not_passed: number | null;
      /** (upper − lower) / lower. */
      relative_width: number | null;
    };
    /** Every rate judged, pooled over its measurements, in rate order; `near_knee` from the lower end up to the upper. */
    rates: PlanRate[];
    /** The search mode and, for anything short of the full search, what it gave up. */
    mode: { quick: boolean; traded_away: string[] };
    stop: SearchResult<PointMeasurement>["stop"];
    /** The search's settings as used (the CLI flags' values, and what the arrivals set). */
    search: {
      start_rps: number;
      min_rps: number;
      max_rps: number;
      precision: number;
      max_points: number;
      repeats: number;
      /** Whether the answer got the long confirmation runs. */
      confirm: boolean;
      /** Runs the answer rests on, at least (more for bursty arrivals). */
      answer_runs: number;
      duration_s: number;
      warmup_s: number;
      /** The long runs (two) that confirm a reduced search's answer. */
      confirm_duration_s?: number;
      confirm_warmup_s?: number;
    };
    /** The recommendation's inputs (the CLI flags' values). */
    fleet: {
      peak_rps: number;
      headroom: number;
      alert_fraction: number;
      tensor_parallel_size: number;
      instance_type: string;
      /** --gpus-per-node / --price-per-hour, when given (the values used: gpuNodes.gpusPerNode, price). */
      gpus_per_node?: number;
      price_per_hour_usd?: number;
    };
    price: { usd_per_hour: number; source: string } | null;
    cost_per_hour_at_peak_usd: number | null;
    cost_per_million_output_tokens_usd: number | null;
    mean_output_tokens: number | null;
    points: PlanPoint[];
  };
}

export interface PlanRate {
  rate: number;
  verdict: Verdict;
  /** Measured with the long runs that confirmed (or refuted) a reduced search's answer. */
  confirmation: boolean;
  measurements: number;
  /** Steady requests over every measurement at this rate. */
  samples: number;
  near_knee: boolean;
  slos: SloJudgement[];
}

export interface PlanOutcome {
  exitCode: 0 | 1 | 3;
  plan: PlanFile;
  recommendation?: Recommendation;
  measurements: PointMeasurement[];
  files: string[];
}

function point(m: PointMeasurement): PlanPoint {
  const r = m.result;
  const latency: PlanPoint["latency_ms"] = {};
  for (const [k, v] of Object.entries(r)) {
    const l = parseLatencyKey(k);
    if (l && l.stat !== "std" && typeof v === "number") latency[l.name as PointLatencyKey] = v;
  }
  const ci = new Map(m.judgement.slos.map((j) => [j.name, j]));
  return {
    rate: m.rate,
    passed: m.passed,
    verdict: m.judgement.verdict,
    samples: m.steady.records.length,
    attempt: m.attempt,
    partial: m.partial,
    request_throughput: r.request_throughput,
    output_throughput: r.output_throughput,
    completed: r.completed,
    failed: r.failed,
    success_rate: r.success_rate,
    slos: m.checks.map((c) => ({
      name: c.name,
      limit: c.limit,
      value: c.value,
      passed: c.passed,
      low: ci.get(c.name)?.low ?? NaN,
      high: ci.get(c.name)?.high ?? NaN,
      verdict: ci.get(c.name)?.verdict ?? "no-data",
    })),
    latency_ms: latency,
  };
}

export async function runPlan(o: PlanOptions): Promise<PlanOutcome> {
  const file = loadScenarioFile(o.config);
  const fromFile = planSlos(file.thresholds);
  const slos: Slos = { ...(o.slosFromFlagsOnly ? {} : fromFile.slos), ...o.slos };
  if (!Object.keys(slos).length)
    throw new Error(`--slo: no SLO to plan against (${o.config} has none); give one such as --slo ttft_p95_ms=2000`);
  checkFleet(o.fleet); // before the search: its answer must be usable
  const sc = file.scenarios[0];
  // A folder per plan (OUTPUT_DIR/latest points at it): a second plan never mixes with the first.
  assertWritableDir(o.outputDir);
  const planId = `plan-${newRunId()}`;
  const planDir = path.join(o.outputDir, planId);
  fs.mkdirSync(planDir, { recursive: true });
  let sim: RunningSimulator | undefined;
  let baseUrl = o.baseUrl?.replace(/\/$/, "");
  if (baseUrl && o.oneAddress) baseUrl = await pinOneAddress(baseUrl, o.readyTimeoutS ?? 0, o.log, o.signal);
  if (!baseUrl) {
    sim = await startSimulator({ ...o.sim, host: "127.0.0.1", port: 0 });
    baseUrl = sim.url;
    o.log(`No --base-url given: started the built-in vLLM simulator at ${baseUrl}.`);
  }
  const measurements: PointMeasurement[] = [];
  let search: SearchResult<PointMeasurement>;
  const answerRuns = answerRunsFor(o.search.answerRuns ?? CONFIRM_RUNS, sc.burstiness);
  // Stops the search on an interrupt or when the target goes away mid-plan.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (o.signal?.aborted) stop.abort();
  else o.signal?.addEventListener("abort", onAbort, { once: true });
  let targetLost: string | undefined;
  const started = performance.now();
  try {
    o.log(
      `Planning against ${baseUrl}: ${sc.random_input_len} input / ${sc.random_output_len} output tokens (${file.defaults.dataset_type}), SLOs ${Object.entries(
        slos,
      )
        .map(([k, v]) => `${k}${isUpperBound(k) ? "≤" : "≥"}${v}`)
        .join(
          ", ",
        )}; points of ${o.durationS} s (first ${o.warmupS} s not counted), at most ${o.search.maxPoints} rates.`,
    );
    if (fromFile.ignored.length) o.log(`Not SLOs (they grow with the offered rate): ${fromFile.ignored.join(", ")}.`);
    let readyTimeoutS = o.readyTimeoutS;
    search = await searchRate(
      async (rate, attempt, long) => {
        const point = (timeoutS: number | undefined) =>
          measurePoint(rate, attempt, {
            ...(long && o.confirm ? { label: "long" } : {}),
            baseUrl: baseUrl,
            model: o.model,
            apiKey: o.apiKey,
            file,
            slos,
            durationS: long && o.confirm ? o.confirm.durationS : o.durationS,
            warmupS: long && o.confirm ? o.confirm.warmupS : o.warmupS,
            seed: o.seed,
            outputDir: planDir,
            log: o.log,
            signal: stop.signal,
            readyTimeoutS: timeoutS,
          });
        let m: PointMeasurement | undefined;
        let lost = "";
        try {
          m = await point(readyTimeoutS);
        } catch (e) {
          // Before any point, a target that does not answer is bad input (exit 2).
          if (!measurements.length) throw e;
          lost = (e as Error).message;
        }
        // After one, a target still draining the last point's queue may reset or time out the
        // readiness probe (seen on the bursty accuracy setting): wait for it a while. Nothing
        // listening, or no answer within the grace, means it went away: the plan stops partial.
        if (lost) {
          const until = performance.now() + BUSY_TARGET_GRACE_S * 1000;
          if (!CONNECTION_GONE.test(lost))
            o.log(`rate ${rate.toFixed(2)} req/s: ${lost}; waiting up to ${BUSY_TARGET_GRACE_S} s for it.`);
          while (!m && !CONNECTION_GONE.test(lost) && !stop.signal.aborted && performance.now() < until) {
            await new Promise((r) => setTimeout(r, 1000));
            try {
              m = await point(0);
            } catch (e) {
              lost = (e as Error).message;
            }
          }
        }
        if (!m) {
          targetLost = lost;
          stop.abort();
          throw new Interrupted();
        }
        readyTimeoutS = 0; // only the first point waits for the target
        measurements.push(m);
        // The target went away during the point: an outage, not an SLO miss; the point is kept, unjudged.
        if (m.partial && !o.signal?.aborted) {
          targetLost = m.stopReason ?? "the point stopped early";
          o.log(`rate ${rate.toFixed(2)} req/s: stopped early (${targetLost}); the plan stops here, partial.`);
          stop.abort();
          throw new Interrupted();
        }
        return m;
      },
      (ms) => {
        const j = judge(
          ms.map((m) => m.steady),
          slos,
        );
        const m = ms[ms.length - 1];
        o.log(
          `rate ${m.rate.toFixed(2).padStart(8)} req/s${m.steady.toS !== o.durationS ? ` (long point, ${m.steady.toS} s)` : ""}${ms.length > 1 ? ` (${ms.length} runs)` : ""}: ${verdictLine(j.verdict, j.slos)} over ${j.samples} requests; served ${m.result.request_throughput.toFixed(2)} req/s [${((performance.now() - started) / 1000).toFixed(0)} s]`,
        );
        return j.verdict;
      },
      { ...o.search, confirm: !!o.confirm, answerRuns, signal: stop.signal },
    );
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    closeIdleConnections();
    await sim?.close();
  }
  const partial = !!targetLost || !!o.signal?.aborted;
  const atAnswer = measurements.filter((m) => m.rate === search.sustainable);
  const served = atAnswer.reduce((a, m) => a + m.result.completed, 0);
  const meanOut = atAnswer.length
    ? atAnswer.reduce((a, m) => a + m.result.total_output_tokens, 0) / Math.max(1, served)
    : null;
  // Only a bracketed rate (a rate above it that was not a sure pass), or every rate up to --max-rps
  // met, is a capacity; an interrupted or budget-cut search below any such rate is a lower bound
  // and gets no recommendation.
  const complete = search.firstNotPassed !== undefined || search.stop === "max-rate";
  const lower = search.sustainable ?? null;
  const upper = search.knee ?? null;
  const rates: PlanRate[] = search.verdicts
    .map((v) => {
      const j = judge(
        v.measurements.map((m) => m.steady),
        slos,
      );
      return {
        rate: v.rate,
        verdict: v.verdict,
        confirmation: !!v.confirmation,
        measurements: v.measurements.length,
        samples: j.samples,
        near_knee: v.rate >= (lower ?? 0) && v.rate <= (upper ?? Infinity),
        slos: j.slos,
      };
    })
    .sort((a, b) => a.rate - b.rate);
  const mode = {
    pointDurationS: o.durationS,
    warmupS: o.warmupS,
    precision: o.search.precision,
    maxPoints: o.search.maxPoints,
    repeats: o.search.repeats,
    answerRuns,
    confirm: o.confirm && { pointDurationS: o.confirm.durationS, warmupS: o.confirm.warmupS },
  };
  const rec =
    complete && !partial && search.sustainable !== undefined && meanOut
      ? recommend({ ...o.fleet, sustainableRps: search.sustainable, meanOutputTokens: meanOut })
      : undefined;
  const servedModel = measurements[0]?.result.model_id; // the model the target named (a run's model_id)
  const plan: PlanFile = {
    ...(rec?.config ?? {}),
    plan: {
      date: new Date().toISOString(),
      plan_id: planId,
      partial,
      ...(partial ? { stop_reason: targetLost ? `target lost: ${targetLost}` : "interrupted by a signal" } : {}),
      target: sim ? `built-in simulator (${JSON.stringify(o.sim ?? {})})` : baseUrl,
      model: servedModel ?? o.model ?? "",
      workload: {
        input_len: sc.random_input_len,
        output_len: sc.random_output_len,
        dataset: file.defaults.dataset_type,
      },
      slos,
      ignored_thresholds: fromFile.ignored,
      sustainable_rps: lower,
      knee_rps: upper,
      sustainable_interval: {
        lower,
        upper,
        first_not_passed: search.firstNotPassed ?? null,
        relative_width: lower !== null && upper !== null ? (upper - lower) / lower : null,
      },
      rates,
      mode: { quick: !!o.quick, traded_away: tradedAway(mode) },
      stop: targetLost ? "target-lost" : search.stop,
      search: {
        start_rps: o.search.startRps,
        min_rps: o.search.minRps,
        max_rps: o.search.maxRps,
        precision: o.search.precision,
        max_points: o.search.maxPoints,
        repeats: o.search.repeats,
        confirm: !!o.confirm,
        answer_runs: answerRuns,
        duration_s: o.durationS,
        warmup_s: o.warmupS,
        ...(o.confirm ? { confirm_duration_s: o.confirm.durationS, confirm_warmup_s: o.confirm.warmupS } : {}),
      },
      fleet: {
        peak_rps: o.fleet.peakRps,
        headroom: o.fleet.headroom,
        alert_fraction: o.fleet.alertFraction,
        tensor_parallel_size: o.fleet.tensorParallelSize,
        instance_type: o.fleet.instanceType,
        ...(o.fleet.gpusPerNode !== undefined ? { gpus_per_node: o.fleet.gpusPerNode } : {}),
        ...(o.fleet.pricePerHour !== undefined ? { price_per_hour_usd: o.fleet.pricePerHour } : {}),
      },
      price: rec ? { usd_per_hour: rec.price.usdPerHour, source: rec.price.source } : null,
      cost_per_hour_at_peak_usd: rec?.costPerHourAtPeak ?? null,
      cost_per_million_output_tokens_usd: rec?.costPerMillionOutputTokens ?? null,
      mean_output_tokens: meanOut,
      points: measurements.map(point),
    },
  };
  const files = [path.join(planDir, "plan.json"), path.join(planDir, "plan.html")];
  writeFileAtomic(files[0], JSON.stringify(plan, null, 2) + "\n");
  const text = summary(plan, rec);
  writeFileAtomic(
    files[1],
    planReport(`vllm-bench plan: ${plan.plan.model}`, {
      points: plan.plan.points,
      slos,
      sustainable: plan.plan.sustainable_rps,
      knee: plan.plan.knee_rps,
      rates: plan.plan.rates,
      tradedAway: plan.plan.mode.traded_away,
      target: rec?.config["autoscaling.targetRequestsPerSecond"],
      summary: text,
    }),
  );
  pointLatest(o.outputDir, planId);
  o.log(text);
  o.log(
    `Wrote plan.json, plan.html and ${measurements.length} point(s) to ${planDir}; ${path.join(o.outputDir, "latest")} points at this plan.`,
  );
  if (partial)
    o.log(
      `Stopped early (${plan.plan.stop_reason}): the plan is partial; every measured point is in plan.json, no recommendation.`,
    );
  if (o.pushgatewayUrl && rec)
    await pushPlan(o.pushgatewayUrl, plan, rec).catch((e) =>
      o.log(`warning: could not push the plan to Pushgateway: ${(e as Error).message}`),
    );
  const exitCode = partial ? 3 : rec ? 0 : 1;
  return { exitCode, plan, recommendation: rec, measurements, files };
}

const fmt = (n: number, d = 2) => (Number.isInteger(n) ? String(n) : n.toFixed(d));

const VERDICT_WORDS: Record<Verdict, string> = {
  pass: "meets every SLO",
  miss: "misses",
  unsure: "unsure",
  "no-data": "no data (no request in the steady window)",
};

/** One rate's verdict with the SLO that decided it: its estimate, 95 % interval and limit. */
function verdictLine(v: Verdict, slos: SloJudgement[]): string {
  if (v === "no-data") return VERDICT_WORDS[v];
  const shown = v === "pass" ? slos : slos.filter((j) => j.verdict === v);
  // The tightest SLO: the one whose interval reaches closest to (or past) its limit.
  const reach = (j: SloJudgement) =>
    /_ms$/.test(j.name) ? j.high / j.limit : j.limit / (j.name === "success_rate" ? j.value : j.low);
  const j = [...shown].sort((a, b) => reach(b) - reach(a))[0];
  const d = (x: number) => (Number.isFinite(x) ? x.toFixed(j.name === "success_rate" ? 3 : 1) : "∞");
  return `${VERDICT_WORDS[v]}${v === "pass" ? ", tightest" : ""} ${j.name} ${d(j.value)} [${d(j.low)}, ${d(j.high)}] vs ${j.limit}`;
}

export function summary(plan: PlanFile, rec: Recommendation | undefined): string {
  const p = plan.plan;
  const head = `${"=".repeat(16)} Capacity plan ${"=".repeat(19)}`;
  if (p.partial)
    return `${head}\nStopped early (${p.stop_reason}) after ${p.points.length} point(s): no recommendation.${p.sustainable_rps !== null ? ` ${fmt(p.sustainable_rps)} req/s met every SLO before that (a lower bound).` : ""}`;
  if (!rec && p.sustainable_rps !== null)
    return `${head}\nSearch ${p.stop} before any rate above it missed an SLO: ${fmt(p.sustainable_rps)} req/s met every SLO, but the capacity may be higher. No recommendation; run the plan to the end (raise --max-points).`;
  if (!rec && p.stop === "no-data")
    return `${head}\nNo rate that could be judged met every SLO: the lowest rates left no request in the steady window (no data, not a miss). Lengthen --point-duration, relax the SLOs or check the target.`;
  // Quick's long runs ran out (three rates, each unsure or missed): not "nothing down to the minimum".
  const confirmations = () => p.rates.filter((r) => r.confirmation).map((r) => `${fmt(r.rate)} (${r.verdict})`);
  if (!rec && p.sustainable_rps === null && p.stop === "max-points" && confirmations().length)
    return `${head}\nNo answer: the long runs confirming the short points' answer did not surely pass at ${confirmations().join(", ")} req/s. Their runs disagreed or missed; run the full plan, measure on a quieter machine, or relax the SLOs.`;
  if (!rec || p.sustainable_rps === null)
    return `${head}\nNo rate down to ${p.search.min_rps} req/s surely met every SLO (search stopped: ${p.stop}). Relax the SLOs, shorten the workload or check the target.`;
  const iv = p.sustainable_interval ?? { upper: p.knee_rps, relative_width: null };
  const between = iv.upper !== null ? `capacity between ${fmt(p.sustainable_rps)} and ${fmt(iv.upper)} req/s` : "";
  const c = rec.config;
  const rows: [string, string, string][] = [
    ["setting", "value", "why"],
    [
      "sustainable rate (1 replica)",
      `${fmt(p.sustainable_rps)} req/s`,
      `highest rate surely meeting every SLO${iv.upper !== null ? `; ${fmt(iv.upper)} req/s surely missed one` : "; no rate above it surely missed one"} (${p.stop})`,
    ],
    [
      "autoscaling.targetRequestsPerSecond",
      fmt(c["autoscaling.targetRequestsPerSecond"]),
      `${p.fleet.headroom} × sustainable: room for load growth while pods and GPU nodes start`,
    ],
    ["autoscaling.maxReplicas", String(c["autoscaling.maxReplicas"]), `⌈peak ${p.fleet.peak_rps} req/s ÷ target⌉`],
    [
      "gpuNodes.maxSize",
      String(c["gpuNodes.maxSize"]),
      `⌈maxReplicas ÷ ${rec.podsPerNode} pod(s) per ${c["gpuNodes.instanceTypes"][0]} (TP ${c["model.tensorParallelSize"]}, ${c["gpuNodes.gpusPerNode"]} GPU/node)⌉`,
    ],
    [
      "monitoring.alerts.requestsPerSecondPerPod",
      fmt(c["monitoring.alerts.requestsPerSecondPerPod"]),
      `${p.fleet.alert_fraction} × sustainable: VllmCapacityLow fires only when the HPA cannot keep pods near the target`,
    ],
    [
      "cost per hour at peak",
      `$${rec.costPerHourAtPeak.toFixed(2)}`,
      `${c["gpuNodes.maxSize"]} × $${rec.price.usdPerHour}/h (${rec.price.source})`,
    ],
    [
      // One replica keeps one GPU node up; at zero (autoscaling.minReplicas 0) the group drains.
      "cost per idle day (zero / 1 replica)",
      `$0 / $${(24 * rec.price.usdPerHour).toFixed(2)}`,
      `autoscaling.minReplicas 0 with a wake-up rule vs 1: one ${c["gpuNodes.instanceTypes"][0]} for 24 h`,
    ],
    [
      "cost per million output tokens",
      `$${rec.costPerMillionOutputTokens.toFixed(2)}`,
      `one replica at the target, ${fmt(p.mean_output_tokens ?? 0, 0)} output tokens per request`,
    ],
  ];
  const traded = p.mode?.traded_away ?? [];
  return [
    head,
    table(rows),
    ...(between ? [`The ${between} (95 % per-point intervals); every setting above uses the lower end.`] : []),
    ...(traded.length
      ? [
          `${p.mode?.quick ? "--quick" : "This search"} traded away precision for time (run the full plan before you commit):`,
          ...traded.map((t) => `  - ${t}`),
        ]
      : []),
    "",
    "# Stack settings (pulumi config set):",
    ...configSetLines(c),
    "",
    "# Or in Pulumi.<stack>.yaml:",
    yamlSnippet(c).trimEnd(),
    "=".repeat(50),
  ].join("\n");
}

/** The measured capacity for the capacity dashboard (grouped by model, replaced by the next plan). */
export async function pushPlan(url: string, plan: PlanFile, rec: Recommendation): Promise<void> {
  const body =
    [
      `vllm_bench_plan_sustainable_requests_per_second ${plan.plan.sustainable_rps}`,
      `vllm_bench_plan_target_requests_per_second ${rec.config["autoscaling.targetRequestsPerSecond"]}`,
      `vllm_bench_plan_last_run_timestamp_seconds ${Date.now() / 1000}`,
    ].join("\n") + "\n";
  const res = await fetch(
    `${url.replace(/\/$/, "")}/metrics/job/${PLAN_PUSHGATEWAY_JOB}/model_name/${encodeURIComponent(plan.plan.model || "unknown")}`,
    { method: "PUT", body },
  );
  if (!res.ok) throw new Error(`Pushgateway ${url} answered ${res.status}`);
}
