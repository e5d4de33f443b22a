import { z } from "zod";
import {
  DEFAULT_PERCENTILES,
  GOODPUT_METRICS,
  isLatencyMetric,
  isPlanSloName,
  isThresholdName,
  LATENCY_METRICS,
  parseLatencyThreshold,
  PLAN_SLO_HELP,
  THRESHOLD_HELP,
  type GoodputMetric,
} from "./latency";
import { setsRateTwice } from "./overrides";

// The scenario file layout our users already have (DESIGN §7), strict at every level: an unknown
// or mistyped key, a value out of range or a name that cannot be a file name is refused before
// anything runs, with the path of the field in the message.

/** Scenario names become file names (`<name>.results.json`): letters, digits, `.`, `_`, `-`. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const num = (what: string) =>
  z.number({
    error: (i) => (i.input === undefined ? `missing; ${what}` : `${JSON.stringify(i.input)} is not a number; ${what}`),
  });
const int = (what: string, min: number, max: number) =>
  num(what)
    .int(`must be a whole number (${what})`)
    .min(min, `must be at least ${min} (${what})`)
    .max(max, `must be at most ${max} (${what})`);
const positive = (what: string, max = Number.MAX_SAFE_INTEGER) =>
  num(what).positive(`must be greater than 0 (${what})`).max(max, `must be at most ${max} (${what})`);

export const scenarioSchema = z
  .strictObject({
    name: z
      .string({ error: "must be a string" })
      .regex(
        SAFE_NAME,
        "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit (it names the results files)",
      ),
    description: z.string().optional(),
    max_concurrency: int("requests in flight at once", 1, 100_000).optional(),
    num_prompts: int("requests to send", 1, 10_000_000).default(100),
    random_input_len: int("prompt tokens", 1, 1_048_576).default(128),
    random_output_len: int("output tokens", 1, 1_048_576).default(128),
    random_range_ratio: num("lengths vary by ± this share")
      .min(0, "must be between 0 and 1")
      .max(1, "must be between 0 and 1")
      .default(0),
    random_prefix_len: int("shared prefix tokens, part of random_input_len", 0, 1_048_576).default(0),
    request_rate: z
      .union([positive("requests/s", 1e6), z.literal("inf")], {
        error: (i) =>
          `${JSON.stringify(i.input)} must be a number of requests/s greater than 0, or "inf" (send at once)`,
      })
      .default("inf"),
    burstiness: positive("1 = Poisson arrivals, below 1 burstier", 1000).default(1),
    duration: positive("seconds", 7 * 24 * 3600)
      .optional()
      .describe("stop sending after this many seconds"),
    num_warmups: int("requests sent before the timed run", 0, 100_000).default(0),
    pause_after_s: num("seconds")
      .min(0, "must be 0 or more (seconds)")
      .max(3600, "must be at most 3600 (seconds)")
      .default(0),
    // vLLM's ramp-up: the arrival rate moves from start to end across the scenario's requests,
    // e.g. to watch the HPA and cluster-autoscaler follow rising load.
    ramp_up_strategy: z
      .enum(["linear", "exponential"], { error: (i) => `${JSON.stringify(i.input)} must be linear or exponential` })
      .optional(),
    ramp_up_start_rps: positive("requests/s", 1e6).optional(),
    ramp_up_end_rps: positive("requests/s", 1e6).optional(),
    // The autoscaling rehearsal (bench/fleet): [seconds, requests/s] points, linear in between; the
    // run sends what the profile yields until its last point, instead of num_prompts.
    rate_profile: z
      .array(z.tuple([num("seconds").min(0, "must be 0 or more (seconds)"), positive("requests/s", 1e6)]), {
        error: "must be a list of [seconds, requests/s] points",
      })
      .min(2, "needs at least two [seconds, requests/s] points")
      .optional()
      .refine((p) => !p || (p[0][0] === 0 && p.every((q, i) => i === 0 || q[0] > p[i - 1][0])), {
        error: "points must start at 0 s and rise in time, e.g. [[0, 1], [60, 20], [180, 20], [240, 1]]",
      }),
  })
  .superRefine((s, ctx) => {
    if (s.rate_profile && (s.ramp_up_strategy || s.request_rate !== "inf"))
      ctx.addIssue({
        code: "custom",
        path: ["rate_profile"],
        message: "set either rate_profile or request_rate / ramp_up_* (each sets the arrival rate)",
      });
    const ramp = [s.ramp_up_strategy, s.ramp_up_start_rps, s.ramp_up_end_rps];
    if (ramp.some((v) => v !== undefined) && ramp.some((v) => v === undefined))
      ctx.addIssue({
        code: "custom",
        path: ["ramp_up_strategy"],
        message: "a ramp needs all of ramp_up_strategy (linear or exponential), ramp_up_start_rps and ramp_up_end_rps",
      });
    if (
      setsRateTwice({ requestRate: s.request_rate === "inf" ? undefined : s.request_rate, rampUp: s.ramp_up_strategy })
    )
      ctx.addIssue({
        code: "custom",
        path: ["request_rate"],
        message: "set either request_rate or the ramp_up_* fields, not both (the ramp sets the rate)",
      });
    if (s.random_prefix_len > s.random_input_len)
      ctx.addIssue({
        code: "custom",
        path: ["random_prefix_len"],
        message: `${s.random_prefix_len} exceeds random_input_len ${s.random_input_len} (the shared prefix is part of the prompt)`,
      });
  });

export const thresholdsSchema = z.record(z.string(), num("the threshold's limit")).superRefine((t, ctx) => {
  for (const [k, v] of Object.entries(t)) {
    if (!isThresholdName(k))
      ctx.addIssue({
        code: "custom",
        path: [k],
        message: `unknown threshold '${k}'. Use ${THRESHOLD_HELP}`,
      });
    else if (k === "success_rate" && !(v >= 0 && v <= 1))
      ctx.addIssue({ code: "custom", path: [k], message: `${v} must be a share between 0 and 1 (0.95 = 95 %)` });
    else if (!(v >= 0) || !Number.isFinite(v))
      ctx.addIssue({ code: "custom", path: [k], message: `${v} must be a finite number ≥ 0` });
  }
});

/** SLOs for a capacity plan by threshold name (`ttft_p95_ms: 2000`): per-request bounds only, each > 0. */
export const planSlosSchema = z.record(z.string(), z.number().positive()).superRefine((r, ctx) => {
  for (const k of Object.keys(r))
    if (!isPlanSloName(k))
      ctx.addIssue({ code: "custom", path: [k], message: `unknown SLO '${k}'. Use ${PLAN_SLO_HELP}` });
});

/** "ttft,tpot" → ["ttft", "tpot"], each a known metric. */
const metricList = z
  .string({ error: `must be a comma-separated string such as "${LATENCY_METRICS.join(",")}"` })
  .transform((s, ctx) => {
    const names = s.split(",").map((x) => x.trim());
    const bad = names.filter((n) => !isLatencyMetric(n));
    if (bad.length)
      ctx.addIssue({
        code: "custom",
        message: `unknown metric(s) ${bad.map((b) => JSON.stringify(b)).join(", ")}; use a comma-separated subset of ${LATENCY_METRICS.join(",")}`,
      });
    return [...new Set(names.filter(isLatencyMetric))];
  });
/** "50,90,99" → [50, 90, 99], each strictly between 0 and 100. */
const percentileList = z
  .string({ error: `must be a comma-separated string such as "${DEFAULT_PERCENTILES.join(",")}"` })
  .transform((s, ctx) => {
    const ps = s.split(",").map((x) => x.trim());
    const bad = ps.filter((p) => !/^\d+(\.\d+)?$/.test(p) || !(Number(p) > 0 && Number(p) < 100));
    if (bad.length)
      ctx.addIssue({
        code: "custom",
        message: `${bad.map((b) => JSON.stringify(b)).join(", ")}: percentiles must be numbers between 0 and 100, comma-separated, e.g. "50,90,99"`,
      });
    return [...new Set(ps.map(Number))];
  });

const defaultsSchema = z.strictObject({
  backend: z
    .enum(["openai-chat", "openai"], { error: (i) => `${JSON.stringify(i.input)} must be openai-chat or openai` })
    .default("openai-chat"),
  endpoint_path: z
    .string()
    .regex(/^\/[^\s?#]*$/, 'must be a path starting with "/", e.g. /v1/chat/completions')
    .optional(),
  dataset_type: z
    .enum(["random", "sharegpt", "jsonl"], {
      error: (i) => `${JSON.stringify(i.input)} must be random, sharegpt or jsonl`,
    })
    .default("random")
    .describe("random: exact-length synthetic prompts; sharegpt / jsonl: prompts from dataset_path"),
  dataset_path: z
    .string()
    .min(1)
    .optional()
    .describe("ShareGPT JSON or JSONL file (relative to the working directory)"),
  percentile_metrics: metricList.default([...LATENCY_METRICS]),
  metric_percentiles: percentileList.default([...DEFAULT_PERCENTILES]),
  // Any subset of vLLM's goodput SLOs (ms); a request counts as good when it meets every one named.
  goodput: z
    .strictObject(
      Object.fromEntries(GOODPUT_METRICS.map((m) => [m, positive("milliseconds").optional()])) as Record<
        GoodputMetric,
        z.ZodOptional<z.ZodNumber>
      >,
    )
    .refine((g) => Object.keys(g).length > 0, `name at least one of ${GOODPUT_METRICS.join(", ")} (milliseconds)`)
    .optional(),
});

export const scenarioFileSchema = z
  .strictObject({
    name: z.string().default("custom"),
    version: z.union([z.string(), z.number()], { error: "must be a string or a number" }).optional(),
    description: z.string().optional(),
    defaults: defaultsSchema.prefault({}),
    scenarios: z
      .array(scenarioSchema, { error: "must be a list of scenarios" })
      .min(1, "must list at least one scenario"),
    thresholds: thresholdsSchema.default({}),
  })
  .superRefine((f, ctx) => {
    const d = f.defaults;
    if (d.dataset_type !== "random" && !d.dataset_path)
      ctx.addIssue({
        code: "custom",
        path: ["defaults", "dataset_path"],
        message: `dataset_type ${d.dataset_type} needs dataset_path (the file to read prompts from)`,
      });
    if (d.dataset_type === "random" && d.dataset_path)
      ctx.addIssue({
        code: "custom",
        path: ["defaults", "dataset_path"],
        message: "is only read with dataset_type sharegpt or jsonl; set dataset_type or remove dataset_path",
      });
    // Names become file names: two that differ only in case would overwrite each other on macOS.
    const seen = new Map<string, number>();
    f.scenarios.forEach((s, i) => {
      const key = s.name.toLowerCase();
      if (seen.has(key))
        ctx.addIssue({
          code: "custom",
          path: ["scenarios", i, "name"],
          message: `"${s.name}" is already the name of scenarios.${seen.get(key)}; scenario names must be unique (they name the results files)`,
        });
      else seen.set(key, i);
    });
    // A percentile threshold needs that percentile computed: say so now, not after the run.
    for (const k of Object.keys(f.thresholds)) {
      const p = parseLatencyThreshold(k)?.percentile;
      if (p !== undefined && !d.metric_percentiles.includes(p))
        ctx.addIssue({
          code: "custom",
          path: ["thresholds", k],
          message: `needs percentile ${p} computed: add it to defaults.metric_percentiles (now "${d.metric_percentiles.join(",")}")`,
        });
    }
  });

export type ScenarioFile = z.output<typeof scenarioFileSchema>;
export type Scenario = z.output<typeof scenarioSchema>;

/** The keys allowed at each level, for "did you mean" hints. */
const KNOWN_KEYS: [RegExp, string[]][] = [
  [/^$/, Object.keys(scenarioFileSchema.shape)],
  [/^defaults$/, Object.keys(defaultsSchema.shape)],
  [/^defaults\.goodput$/, [...GOODPUT_METRICS]],
  [/^scenarios\.\d+$/, Object.keys(scenarioSchema.shape)],
];

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** scenarios.0.name; a key that is not a plain word is quoted: thresholds[" x"]. */
const pathText = (path: PropertyKey[]) =>
  path
    .map((k, n) =>
      typeof k === "string" && !/^[\w-]+$/.test(k) ? `[${JSON.stringify(k)}]` : `${n ? "." : ""}${String(k)}`,
    )
    .join("");

function describeIssue(i: z.core.$ZodIssue): string {
  const where = pathText(i.path);
  if (i.code === "unrecognized_keys") {
    const known = KNOWN_KEYS.find(([re]) => re.test(where))?.[1] ?? [];
    return i.keys
      .map((k) => {
        const near = known.filter(
          (n) => editDistance(k.toLowerCase(), n.toLowerCase()) <= Math.max(2, Math.floor(n.length / 4)),
        );
        return `  - ${pathText([...i.path, k])}: unknown key${near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : known.length ? `; allowed: ${known.join(", ")}` : ""}`;
      })
      .join("\n");
  }
  return `  - ${where || "(root)"}: ${i.message}`;
}

export function parseScenarioFile(raw: unknown, source: string): ScenarioFile {
  const r = scenarioFileSchema.safeParse(raw);
  if (!r.success) throw new Error(`${source}: invalid scenario file:\n` + r.error.issues.map(describeIssue).join("\n"));
  return r.data;
}
