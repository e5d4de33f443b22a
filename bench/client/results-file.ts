// The layout of `<scenario>.results.json` as `vllm-bench compare` reads it: the vLLM-compatible
// figures at the top level and, from `vllm-bench run`, one record per request. vLLM's own
// `vllm bench serve --save-result` writes the same top-level keys without `requests` or
// `result_format` (vllm-project/vllm, vllm/benchmarks/serve.py, `result_json`: `request_rate` is a
// number or "inf", `max_concurrency` a number or null; commit def9ce85ba1079af970a58ed3d42dd861ae35d58),
// and is read too. A file of a newer layout is refused, not guessed at.
import * as fs from "node:fs";
import { z } from "zod";
import { LATENCY_METRICS, PERCENTILE_KEY } from "../contract";
import type { RequestRecord } from "./request";
import { benchmarkResultShape, figure } from "./result";

/** The results layout this build writes (`result_format` in every results file of `vllm-bench run`). */
export const RESULT_FORMAT = 1;

const count = z.number().int().min(0);
const ms = z.number().min(0).optional();

/** One request as `run` records it (results.json's `requests`, shard files' `records`). */
export const requestRecordSchema = z.object({
  request_id: z.string().describe("also sent as the x-request-id header"),
  scenario: z.string(),
  start_s: z.number().describe("seconds from the scenario's start to the request's POST"),
  success: z.boolean(),
  error_kind: z.enum(["http", "timeout", "connection", "malformed", "incomplete"]).optional(),
  error: z.string().optional(),
  status: z.number().int().optional(),
  prompt_tokens: count,
  output_tokens: count,
  ttft_ms: ms,
  e2el_ms: ms,
  tpot_ms: ms,
  itl_ms: z.array(z.number().min(0)).describe("every gap between content chunks"),
}) satisfies z.ZodType<RequestRecord>; // every field of the records run.ts makes (tsc checks it)

/** A threshold's verdict as the file holds it: `value` null where the run has no data. */
const thresholdRowSchema = z.strictObject({
  name: z.string(),
  limit: z.number(),
  value: z.number().nullable(),
  passed: z.boolean(),
  no_data: z.literal(true).optional(),
});

/** What `vllm-bench run` writes to `<scenario>.results.json`: the JSON Schema of docs/benchmark.md comes from it. */
export const writtenResultsFileSchema = z.strictObject({
  result_format: z.literal(RESULT_FORMAT),
  run_id: z.string(),
  partial: z.boolean().describe("the scenario stopped early (a signal, the target gone): what was measured"),
  ...benchmarkResultShape,
  thresholds: z.array(thresholdRowSchema),
  requests: z.array(requestRecordSchema).describe("one record per request, by start time"),
});

/** The JSON Schema of a results file (draft 2020-12), generated from the schema above. */
export function resultsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(writtenResultsFileSchema, {
    io: "output",
    override: (ctx) => {
      const js = ctx.jsonSchema;
      // Percentile figures are named by the scenario file's percentiles (`p95_ttft_ms`, `p99.9_itl_ms`).
      if (ctx.zodSchema === writtenResultsFileSchema)
        js.patternProperties = { [PERCENTILE_KEY.source]: { type: "number", minimum: 0 } };
      // Bounds that say nothing to a reader: zod's integers stop at ±(2^53 − 1), record keys are strings.
      if (js.maximum === Number.MAX_SAFE_INTEGER) delete js.maximum;
      if (js.minimum === -Number.MAX_SAFE_INTEGER) delete js.minimum;
      const keys = js.propertyNames;
      if (typeof keys === "object" && keys.type === "string" && Object.keys(keys).length === 1) delete js.propertyNames;
    },
  });
}

/** Latency and throughput figures (`p95_ttft_ms`, `output_throughput`…): a number ≥ 0, or null for no data. */
const FIGURE = /_ms$|_throughput$|^request_goodput$/;
const figureOrNull = figure.nullable();
const f = benchmarkResultShape;

/**
 * A results file as `compare` reads it: ours of this layout, or `vllm bench serve`'s summary
 * (same keys where vLLM has them, most of ours missing), so every field but the two every
 * comparison needs is optional, and keys of neither pass through.
 */
const resultsFileSchema = z
  .looseObject({
    result_format: z
      .literal(RESULT_FORMAT, {
        error: (i) =>
          `${JSON.stringify(i.input ?? null)} is not result format ${RESULT_FORMAT}, the results layout this vllm-bench reads; compare with the vllm-bench that wrote the file`,
      })
      .optional(),
    date: f.date.optional(),
    scenario: f.scenario.optional(),
    model_id: f.model_id.optional(),
    backend: f.backend.optional(),
    partial: z.boolean().optional(),
    num_prompts: f.num_prompts.optional(),
    request_rate: f.request_rate.optional(),
    max_concurrency: z.number().min(1).nullable().optional(),
    duration: f.duration,
    completed: f.completed,
    failed: f.failed.optional(),
    success_rate: f.success_rate.nullable().optional(),
    request_goodput: f.request_goodput.optional(),
    samples: z.partialRecord(z.enum(LATENCY_METRICS), count).optional(),
    requests: z.array(requestRecordSchema).optional(),
  })
  .superRefine((r, ctx) => {
    for (const [k, v] of Object.entries(r))
      if (FIGURE.test(k) && !figureOrNull.safeParse(v).success)
        ctx.addIssue({
          code: "custom",
          path: [k],
          message: `${JSON.stringify(v)} is not a figure (a number ≥ 0 or null)`,
        });
  });

export type ResultsFile = z.output<typeof resultsFileSchema>;

/** A results file, checked: one line naming the file and the field when it is not one. */
export function readResultsFile(file: string, command: string): ResultsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    const why = e instanceof SyntaxError ? `not valid JSON (${e.message})` : ((e as NodeJS.ErrnoException).code ?? "");
    throw new Error(`${command}: ${file}: ${why}`, { cause: e });
  }
  if (typeof raw === "object" && raw !== null && "scenarios" in raw)
    throw new Error(
      `${command}: ${file} is a scenario file, not a results file; give two <scenario>.results.json files (e.g. OUTPUT_DIR/latest/<scenario>.results.json)`,
    );
  const r = resultsFileSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    const where = i.path.map(String).join(".") || "(root)";
    throw new Error(
      `${command}: ${file}: ${where}: ${i.message}; not a results file of vllm-bench run or vllm bench serve`,
    );
  }
  return r.data;
}
