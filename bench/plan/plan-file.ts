// The layout of `plan.json`, as `vllm-bench plan` writes it (runPlan in ./plan.ts): the JSON Schema
// of docs/serving.md comes from it. The planner builds a `PlanFile` (./plan.ts) and the file is that
// object through JSON.stringify, so the two are tied at compile time below: the same keys and types,
// except that a number the planner holds as NaN (no data) or ±Infinity (a request that timed out
// counts as infinitely late) is written as null; each estimate's verdict tells the two apart.
import { z } from "zod";
import { LATENCY_METRICS, LATENCY_UNIT } from "../contract";
import type { PlanFile } from "./plan";

const count = z.number().int().min(0);
const rate = z.number().positive();
const whole = z.number().int().min(1);
const verdict = z.enum(["pass", "miss", "unsure", "no-data"]);
/** A number JSON.stringify writes as null when the planner holds NaN or ±Infinity. */
const estimate = z.number().nullable();

/** The stack-config keys of a recommendation (`pulumi config set --path KEY`): recommend.ts's `config`. */
const configShape = {
  "autoscaling.targetRequestsPerSecond": rate.describe("HPA target per pod: headroom × sustainable_rps"),
  "autoscaling.maxReplicas": whole.describe("⌈fleet.peakRps ÷ target⌉"),
  "gpuNodes.maxSize": whole.describe("⌈maxReplicas ÷ pods per node⌉"),
  "gpuNodes.instanceTypes": z.array(z.string()).min(1),
  "gpuNodes.gpusPerNode": whole,
  "model.tensorParallelSize": whole,
  "monitoring.alerts.requestsPerSecondPerPod": rate.describe(
    "VllmCapacityLow threshold: alertFraction × sustainable_rps",
  ),
};
const CONFIG_KEYS = Object.keys(configShape);

/** One SLO of a rate, pooled over every measurement at it (judge.ts `SloJudgement`). */
const sloJudgementSchema = z.strictObject({
  name: z.string(),
  limit: z.number().min(0),
  value: estimate.describe(
    "the estimate over every steady request of every measurement at this rate (null: no data, verdict no-data; else unbounded, requests timed out)",
  ),
  low: estimate.describe("95 % interval of the estimate, lower end"),
  high: estimate.describe("95 % interval of the estimate, upper end (null: unbounded, a request timed out)"),
  late: estimate.describe("the estimate over the later half of each steady window"),
  samples: count.describe("requests the estimate rests on"),
  verdict,
});

const rateSchema = z.strictObject({
  rate,
  verdict: verdict.describe("pooled over the rate's measurements"),
  confirmation: z.boolean().describe("measured with the long runs that confirm (or refute) a reduced search's answer"),
  measurements: whole,
  samples: count.describe("steady requests over every measurement at this rate"),
  near_knee: z.boolean().describe("between sustainable_interval's lower and upper end"),
  slos: z.array(sloJudgementSchema),
});

/** `mean_ttft_ms`, `median_itl_ms`, `p95_e2el_ms`: a point's latency keys (std is left out). */
const LATENCY_KEY = new RegExp(`^(mean|median|p\\d+(?:\\.\\d+)?)_(${LATENCY_METRICS.join("|")})_${LATENCY_UNIT}$`);
const latencyKey = z
  .templateLiteral([
    z.union([z.enum(["mean", "median"]), z.templateLiteral(["p", z.number().min(0)])]),
    "_",
    z.enum(LATENCY_METRICS),
    `_${LATENCY_UNIT}`,
  ])
  .refine((k) => LATENCY_KEY.test(k)); // zod's own pattern for a number would take `p-5_ttft_ms`

const pointSchema = z.strictObject({
  rate,
  passed: z.boolean().describe("every SLO's point estimate met in this measurement"),
  verdict: verdict.describe("this measurement alone, judged with its intervals; `rates` pools a rate's measurements"),
  samples: count.describe("requests that started in the steady window (after the warm-up)"),
  attempt: count.describe("0 for a rate's first measurement"),
  partial: z.boolean().describe("cut short by an interrupt: recorded, not judged"),
  request_throughput: z.number().min(0),
  output_throughput: z.number().min(0),
  completed: count,
  failed: count,
  success_rate: z.number().min(0).max(1),
  slos: z
    .array(
      z.strictObject({
        name: z.string(),
        limit: z.number().min(0),
        value: estimate.describe(
          "the point estimate (null: no data, verdict no-data; else unbounded, requests timed out)",
        ),
        passed: z.boolean(),
        low: estimate.describe("95 % interval in this measurement, lower end"),
        high: estimate.describe("95 % interval in this measurement, upper end (null: unbounded or no data)"),
        verdict: verdict.describe("this SLO in this measurement alone"),
      }),
    )
    .describe("each SLO's point estimate, with its 95 % interval in this measurement"),
  latency_ms: z
    .partialRecord(latencyKey, z.number().min(0).nullable())
    .describe("mean, median, p50/p90/p99 (and any SLO percentile) of TTFT, TPOT, ITL and E2E latency; null: no data"),
});

const planSchema = z.strictObject({
  date: z.string().describe("when the plan was written (ISO 8601)"),
  plan_id: z.string().describe("the plan's folder under --output-dir"),
  partial: z
    .boolean()
    .describe("stopped before the search ended (interrupt, target gone): the points are real, the answer is not"),
  stop_reason: z.string().optional().describe("why a partial plan stopped"),
  target: z.string().describe("the replica's URL, or the built-in simulator with its settings"),
  model: z.string().describe("the model the target served ('' when unknown)"),
  workload: z.strictObject({
    input_len: whole,
    output_len: whole,
    dataset: z.enum(["random", "sharegpt", "jsonl"]),
  }),
  slos: z.record(z.string(), z.number().min(0)).describe("SLO limits by threshold name (ttft_p95_ms, success_rate…)"),
  ignored_thresholds: z.array(z.string()).describe("the scenario file's thresholds that grow with the rate: no SLO"),
  sustainable_rps: rate.nullable().describe("the answer the recommendation uses: sustainable_interval's lower end"),
  knee_rps: rate.nullable().describe("lowest rate above it that surely missed an SLO (the interval's upper end)"),
  sustainable_interval: z
    .strictObject({
      lower: rate.nullable(),
      upper: rate.nullable(),
      first_not_passed: rate.nullable().describe("lowest rate above `lower` that was not a sure pass"),
      relative_width: z.number().min(0).nullable().describe("(upper − lower) / lower"),
    })
    .describe(
      "lower = highest rate that surely met every SLO, upper = lowest above it that surely missed one; rates between were unsure",
    ),
  rates: z.array(rateSchema).describe("every rate judged, pooled over its measurements, in rate order"),
  mode: z
    .strictObject({ quick: z.boolean(), traded_away: z.array(z.string()) })
    .describe("the search mode and, for anything short of the full search, what it gave up"),
  stop: z
    .enum(["converged", "max-points", "min-rate", "max-rate", "no-data", "interrupted", "target-lost"])
    .describe("why the search stopped"),
  search: z
    .strictObject({
      start_rps: rate,
      min_rps: rate,
      max_rps: rate,
      precision: z.number().positive().describe("bisection stops when (upper − lower) / lower is below this"),
      max_points: whole.describe("rates at most"),
      repeats: whole.describe("measurements of an unsure rate at most"),
      confirm: z.boolean().describe("the answer got the long confirmation runs (--quick)"),
      answer_runs: whole.describe(
        "runs the answer rests on, at least: the mode's (full 8, quick 2), more for bursty arrivals",
      ),
      duration_s: z.number().positive(),
      warmup_s: z.number().min(0),
      confirm_duration_s: z
        .number()
        .positive()
        .optional()
        .describe("the long runs that confirm a reduced search's answer"),
      confirm_warmup_s: z.number().min(0).optional(),
    })
    .describe("the search's settings as used (the CLI flags' values, and the runs the arrivals call for)"),
  fleet: z
    .strictObject({
      peak_rps: rate,
      headroom: z.number().positive().max(1),
      alert_fraction: z.number().positive().max(1),
      tensor_parallel_size: whole,
      instance_type: z.string(),
      gpus_per_node: whole.optional().describe("--gpus-per-node, when given (the value used: gpuNodes.gpusPerNode)"),
      price_per_hour_usd: z
        .number()
        .min(0)
        .optional()
        .describe("--price-per-hour, when given (the value used: price.usd_per_hour)"),
    })
    .describe("the recommendation's inputs (the CLI flags' values)"),
  price: z
    .strictObject({ usd_per_hour: z.number().min(0), source: z.string() })
    .nullable()
    .describe("the instance price the costs use; null without a recommendation"),
  cost_per_hour_at_peak_usd: z.number().min(0).nullable(),
  cost_per_million_output_tokens_usd: z.number().min(0).nullable(),
  mean_output_tokens: z
    .number()
    .min(0)
    .nullable()
    .describe("mean output tokens per request at sustainable_rps; null without one"),
  points: z.array(pointSchema).describe("every measurement, in the order taken"),
});

/** What `vllm-bench plan` writes to `plan.json`: a recommendation's stack-config keys (all or none), then `plan`. */
export const planFileSchema = z
  .strictObject(configShape)
  .partial()
  .extend({ plan: planSchema })
  .refine((f) => CONFIG_KEYS.every((k) => k in f) || CONFIG_KEYS.every((k) => !(k in f)), {
    message: `a recommendation has every one of ${CONFIG_KEYS.join(", ")}, or none`,
  })
  .describe("stack-config keys first (`jq '.\"autoscaling.maxReplicas\"'`), absent without a recommendation");

export type WrittenPlanFile = z.output<typeof planFileSchema>;

/** The JSON Schema of plan.json (draft 2020-12), generated from the schema above. */
export function planJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(planFileSchema, {
    io: "output",
    override: (ctx) => {
      const js = ctx.jsonSchema;
      // The refinement above: any config key needs the first, and the first needs them all.
      const [first, ...rest] = CONFIG_KEYS;
      if (ctx.zodSchema === planFileSchema)
        js.dependentRequired = { [first]: rest, ...Object.fromEntries(rest.map((k) => [k, [first]])) };
      if (ctx.zodSchema === latencyKey) js.pattern = LATENCY_KEY.source;
      // Bounds that say nothing to a reader: zod's integers stop at ±(2^53 − 1), record keys are strings.
      if (js.maximum === Number.MAX_SAFE_INTEGER) delete js.maximum;
      if (js.minimum === -Number.MAX_SAFE_INTEGER) delete js.minimum;
      const keys = js.propertyNames;
      if (typeof keys === "object" && keys.type === "string" && Object.keys(keys).length === 1) delete js.propertyNames;
    },
  });
}

// PlanFile and this schema cannot drift: with nulls set aside they are the same type, and every null
// PlanFile allows, the schema allows too (the schema adds null where the planner may hold NaN).
type NoNull<T> = T extends readonly (infer E)[]
  ? NoNull<E>[]
  : T extends object
    ? { [K in keyof T]: NoNull<T[K]> }
    : Exclude<T, null>;
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const inSync: [Same<NoNull<WrittenPlanFile>, NoNull<PlanFile>>, PlanFile extends WrittenPlanFile ? true : false] = [
  true,
  true,
];
void inSync;
