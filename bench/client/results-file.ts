// The layout of `<scenario>.results.json` as `vllm-bench compare` reads it: the vLLM-compatible
// figures at the top level and, from `vllm-bench run`, one record per request. vLLM's own
// `vllm bench serve --save-result` writes the same top-level keys without `requests` or
// `result_format` (vllm-project/vllm, vllm/benchmarks/serve.py, `result_json`: `request_rate` is a
// number or "inf", `max_concurrency` a number or null; commit def9ce85ba1079af970a58ed3d42dd861ae35d58),
// and is read too. A file of a newer layout is refused, not guessed at.
import * as fs from "node:fs";
import { z } from "zod";

/** The results layout this build writes (`result_format` in every results file of `vllm-bench run`). */
export const RESULT_FORMAT = 1;

const count = z.number().int().min(0);
const ms = z.number().min(0).optional();

/** One request as `run` records it (results.json's `requests`, shard files' `records`). */
export const requestRecordSchema = z.looseObject({
  request_id: z.string(),
  scenario: z.string(),
  start_s: z.number(),
  success: z.boolean(),
  error_kind: z.enum(["http", "timeout", "connection", "malformed", "incomplete"]).optional(),
  error: z.string().optional(),
  status: z.number().int().optional(),
  prompt_tokens: count,
  output_tokens: count,
  ttft_ms: ms,
  e2el_ms: ms,
  tpot_ms: ms,
  itl_ms: z.array(z.number().min(0)),
});

/** Latency and throughput figures (`p95_ttft_ms`, `output_throughput`…): a number ≥ 0, or null for no data. */
const FIGURE = /_ms$|_throughput$|^request_goodput$/;
const figure = z.number().min(0).nullable();

const resultsFileSchema = z
  .looseObject({
    result_format: z
      .literal(RESULT_FORMAT, {
        error: (i) =>
          `${JSON.stringify(i.input ?? null)} is not result format ${RESULT_FORMAT}, the results layout this vllm-bench reads; compare with the vllm-bench that wrote the file`,
      })
      .optional(),
    scenario: z.string().optional(),
    model_id: z.string().optional(),
    backend: z.string().optional(),
    partial: z.boolean().optional(),
    num_prompts: count.optional(),
    request_rate: z.union([z.number().min(0), z.literal("inf")]).optional(),
    max_concurrency: z.number().min(1).nullable().optional(),
    duration: z.number().min(0),
    completed: count,
    failed: count.optional(),
    success_rate: z.number().min(0).max(1).nullable().optional(),
    requests: z.array(requestRecordSchema).optional(),
  })
  .superRefine((r, ctx) => {
    for (const [k, v] of Object.entries(r))
      if (FIGURE.test(k) && !figure.safeParse(v).success)
        ctx.addIssue({
          code: "custom",
          path: [k],
          message: `${JSON.stringify(v)} is not a figure (a number ≥ 0 or null)`,
        });
  });

export type ResultsFile = z.infer<typeof resultsFileSchema>;

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
