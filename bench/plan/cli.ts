import { parseArgs } from "node:util";
import { MAX_TIMER_S, targetUrl } from "../client/cli";
import { assertWritableDir } from "../client/outputs";
import { JOB_ENV, PRESETS } from "../contract";
import { simOptionsFrom } from "../sim";
import { FULL, QUICK } from "./modes";
import { INSTANCE_PRICES, PRICE_REGION, PRICES_AS_OF } from "./prices";
import { runPlan, type PlanOptions } from "./plan";
import { checkFleet } from "./recommend";
import { parseSloFlags } from "./slo";

const PLAN_USAGE = `usage: vllm-bench plan [options]

Finds the highest request rate ONE vLLM replica surely sustains with every SLO met (Poisson
arrivals, or the scenario's burstiness; bracket by doubling or halving, then bisect; the first
seconds of each point are not counted). Each rate's verdict comes with a 95 % interval per SLO:
pass (interval and the window's later half inside the limit), miss (interval outside), unsure
(measured again, up to --repeats) or no data (no request in the steady window). The answer is an
interval, [highest sure pass, lowest sure miss]; the recommendation for an expected fleet peak
uses its lower end. With no --base-url it plans against the
built-in simulator (its SIM_* environment variables apply, see vllm-bench sim --help).

Target and workload
  --base-url URL            ONE replica: a pod address or a headless Service, not the autoscaled
                            Service (env MODEL_ENDPOINT)                    default: built-in simulator
  --one-address             resolve the --base-url host once and send every request to its first
                            address: with a headless Service's name, one pod (the plan Job uses it)
  --model NAME              model to request (env SERVED_MODEL_NAME)        default: first of /v1/models
  --config NAME|PATH        scenario file or preset: its thresholds are the SLOs and its first
                            scenario's lengths (or dataset) the workload (env CONFIG_PATH);
                            presets: ${PRESETS.join(", ")}            default: baseline
  --slo NAME=VALUE          an SLO as a threshold name, repeatable; replaces the file's one of that
                            name: ttft_p95_ms=2000, itl_p99_ms=100, tpot_mean_ms=50,
                            e2el_p95_ms=5000, output_rate_per_request_min=30, success_rate=0.99
  --slo-only                plan against the --slo flags only, not the file's thresholds
  --ready-timeout S         wait up to S s for the target to answer (env READY_TIMEOUT) default: 0
Search
  --quick                   reduced search: ${QUICK.pointDurationS} s points (${QUICK.warmupS} s warm-up), ${QUICK.precision * 100} % precision, ${QUICK.maxPoints} rates, ${QUICK.repeats} run
                            per rate, then two ${QUICK.confirm?.pointDurationS} s runs (${QUICK.confirm?.warmupS} s warm-up) judged together to
                            confirm the answer: two to ten minutes, coarser;
                            the plan lists what it traded away. Full: ${FULL.pointDurationS} s points (${FULL.warmupS} s warm-up), ${FULL.precision * 100} %, ${FULL.maxPoints}, ${FULL.repeats},
                            the answer on ${FULL.answerRuns} runs
  --point-duration S        seconds per rate point
  --confirm-duration S      with --quick: seconds per confirmation run      default: ${QUICK.confirm?.pointDurationS}
  --confirm-warmup S        with --quick: warm-up of each confirmation run  default: ${QUICK.confirm?.warmupS}
  --warmup S                seconds at the start of each point not counted
  --precision F             stop when the bracket is narrower than this fraction
  --max-points N            rates at most
  --repeats N               runs of a rate whose verdict is unsure, at most
  --start-rps R             first rate tried                                default: 4
  --min-rps R / --max-rps R search range                                    default: 0.05 / 1000
  --seed N                  dataset and arrival seed                        default: 0
Recommendation
  --peak-rps R              expected fleet peak (req/s) for maxReplicas and cost (env PEAK_RPS) default: 50
  --headroom F              HPA target = F × sustainable rate               default: 0.6
  --alert-fraction F        VllmCapacityLow threshold = F × sustainable     default: 0.9
  --instance-type T         GPU instance type                               default: g6.xlarge
  --gpus-per-node N         GPUs per node                                   default: from the price table
  --tensor-parallel-size N  GPUs per vLLM pod                               default: 1
  --price-per-hour USD      instance price per hour                         default: price table (${PRICE_REGION} on-demand, ${PRICES_AS_OF})
Output
  --output-dir DIR          a folder per plan, DIR/<plan id>/: plan.json, plan.html and every point's
                            results; DIR/latest points at the newest (env OUTPUT_DIR) default: results
  --pushgateway-url URL     push the sustainable rate and target for the capacity dashboard (env PUSHGATEWAY_URL)

Priced instance types: ${Object.keys(INSTANCE_PRICES).join(", ")}.
Exit codes: 0 a rate met every SLO, 1 none did (or the search ran out of points before one missed), 2 bad input,
3 interrupted or the target went away (plan.json still written, marked partial, with no recommendation).`;

function num(name: string, v: string | undefined, min: number, max = Infinity): number | undefined {
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(
      `--${name}: ${JSON.stringify(v)} must be a number from ${min}${max === Infinity ? " up" : ` to ${max}`}`,
    );
  return n;
}

/** A count: refused, not rounded, when it is not whole (--max-points 2.5 would otherwise run 3). */
function int(name: string, v: string | undefined, min: number, max: number): number | undefined {
  const n = num(name, v, min, max);
  if (n !== undefined && !Number.isInteger(n))
    throw new Error(`--${name}: ${JSON.stringify(v)} must be a whole number from ${min} to ${max}`);
  return n;
}

/** What `vllm-bench plan` was asked, checked: every flag and env value is refused here, before the search. */
export function parsePlanArgs(argv: string[], env: NodeJS.ProcessEnv): Omit<PlanOptions, "log" | "signal"> | "help" {
  const s = { type: "string" } as const;
  const { values } = parseArgs({
    args: argv,
    options: {
      "base-url": s,
      "one-address": { type: "boolean" },
      model: s,
      config: s,
      slo: { type: "string", multiple: true },
      "slo-only": { type: "boolean" },
      "ready-timeout": s,
      quick: { type: "boolean" },
      "point-duration": s,
      warmup: s,
      "confirm-duration": s,
      "confirm-warmup": s,
      precision: s,
      "max-points": s,
      repeats: s,
      "start-rps": s,
      "min-rps": s,
      "max-rps": s,
      seed: s,
      "peak-rps": s,
      headroom: s,
      "alert-fraction": s,
      "instance-type": s,
      "gpus-per-node": s,
      "tensor-parallel-size": s,
      "price-per-hour": s,
      "output-dir": s,
      "pushgateway-url": s,
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return "help";
  const quick = !!values.quick;
  const mode = quick ? QUICK : FULL;
  const durationS = num("point-duration", values["point-duration"], 1, MAX_TIMER_S) ?? mode.pointDurationS;
  const warmupS = num("warmup", values.warmup, 0, MAX_TIMER_S) ?? mode.warmupS;
  if (warmupS >= durationS)
    throw new Error(
      `--warmup: ${warmupS} s leaves nothing of a ${durationS} s point to measure; make it shorter than --point-duration`,
    );
  const confirm = confirmRuns(quick, values);
  const minRps = num("min-rps", values["min-rps"], 0.001) ?? 0.05;
  const maxRps = num("max-rps", values["max-rps"], minRps) ?? 1000;
  const baseUrl = targetUrl(values["base-url"], env);
  const fleet = {
    peakRps: num("peak-rps", values["peak-rps"] ?? env.PEAK_RPS, 0.001) ?? 50,
    headroom: num("headroom", values.headroom, 0.01, 1) ?? 0.6,
    alertFraction: num("alert-fraction", values["alert-fraction"], 0.01, 1) ?? 0.9,
    instanceType: values["instance-type"] ?? "g6.xlarge",
    gpusPerNode: int("gpus-per-node", values["gpus-per-node"], 1, 16),
    tensorParallelSize: int("tensor-parallel-size", values["tensor-parallel-size"], 1, 16) ?? 1,
    pricePerHour: num("price-per-hour", values["price-per-hour"], 0),
  };
  // The recommendation's inputs now, not after the search has spent its GPU-minutes.
  checkFleet(fleet);
  const config = values.config ?? env[JOB_ENV.configPath] ?? "baseline";
  if (!config.trim()) throw new Error(`--config: empty; give a preset (${PRESETS.join(", ")}) or a scenario file`);
  const outputDir = values["output-dir"] ?? env[JOB_ENV.outputDir] ?? "results";
  if (!outputDir.trim()) throw new Error("--output-dir: empty; give a folder for the plan (default: results)");
  const pushgatewayUrl = values["pushgateway-url"] ?? env[JOB_ENV.pushgatewayUrl];
  if (pushgatewayUrl !== undefined && !/^https?:\/\/[^/]/.test(pushgatewayUrl))
    throw new Error(`--pushgateway-url: ${JSON.stringify(pushgatewayUrl)} must be an http:// or https:// URL`);
  if (values["one-address"] && !baseUrl)
    throw new Error("--one-address: needs --base-url (env MODEL_ENDPOINT): the built-in simulator has one address");
  const seed = int("seed", values.seed, 0, Number.MAX_SAFE_INTEGER);
  return {
    baseUrl,
    oneAddress: !!values["one-address"],
    sim: baseUrl ? undefined : simOptionsFrom([], env),
    model: values.model ?? env[JOB_ENV.servedModelName] ?? env[JOB_ENV.modelName],
    apiKey: env.OPENAI_API_KEY ?? env[JOB_ENV.apiKey],
    config,
    slos: parseSloFlags(values.slo ?? []),
    slosFromFlagsOnly: !!values["slo-only"],
    search: {
      startRps: num("start-rps", values["start-rps"], minRps, maxRps) ?? Math.min(Math.max(4, minRps), maxRps),
      minRps,
      maxRps,
      precision: num("precision", values.precision, 0.001, 10) ?? mode.precision,
      maxPoints: int("max-points", values["max-points"], 2, 100) ?? mode.maxPoints,
      repeats: int("repeats", values.repeats, 1, 10) ?? mode.repeats,
      answerRuns: mode.answerRuns,
    },
    quick,
    ...(confirm ? { confirm } : {}),
    durationS,
    warmupS,
    fleet,
    outputDir,
    pushgatewayUrl,
    readyTimeoutS: num("ready-timeout", values["ready-timeout"] ?? env[JOB_ENV.readyTimeout], 0, MAX_TIMER_S) ?? 0,
    seed: seed ?? 0,
  };
}

/** Quick's confirmation runs: its long runs unless --point-duration reshapes the search (then none, or --confirm-duration's). */
function confirmRuns(
  quick: boolean,
  values: { "point-duration"?: string; "confirm-duration"?: string; "confirm-warmup"?: string },
): { durationS: number; warmupS: number } | undefined {
  const durationS = num("confirm-duration", values["confirm-duration"], 1, MAX_TIMER_S);
  const warmupS = num("confirm-warmup", values["confirm-warmup"], 0, MAX_TIMER_S);
  for (const [flag, v] of [
    ["confirm-duration", durationS],
    ["confirm-warmup", warmupS],
  ] as const)
    if (v !== undefined && !quick)
      throw new Error(
        `--${flag}: only with --quick (the full search confirms with its own points); add --quick or drop it`,
      );
  if (!quick || !QUICK.confirm || (values["point-duration"] !== undefined && durationS === undefined)) return undefined;
  const c = { durationS: durationS ?? QUICK.confirm.pointDurationS, warmupS: warmupS ?? QUICK.confirm.warmupS };
  if (c.warmupS >= c.durationS)
    throw new Error(
      `--confirm-warmup: ${c.warmupS} s leaves nothing of a ${c.durationS} s confirmation run to measure; make it shorter than --confirm-duration`,
    );
  return c;
}

export async function planMain(argv: string[]): Promise<number> {
  const parsed = parsePlanArgs(argv, process.env);
  if (parsed === "help") {
    console.log(PLAN_USAGE);
    return 0;
  }
  assertWritableDir(parsed.outputDir);
  const controller = new AbortController();
  const onSignal = (sig: string) => {
    console.error(`\n${sig}: stopping the search; plan.json will hold the points measured so far...`);
    controller.abort();
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
  const outcome = await runPlan({ ...parsed, log: (l) => console.log(l), signal: controller.signal });
  return outcome.exitCode;
}
