// The JSON Schemas the docs show, generated from the schemas the files are written by:
// `<scenario>.results.json` in docs/benchmark.md (bench/client/results-file.ts) and `plan.json` in
// docs/serving.md (bench/plan/plan-file.ts). `npm run docs:config` writes them,
// test/docs/generated.test.ts fails when a doc is stale.
import { resultsJsonSchema } from "../../bench/client/results-file";
import { planJsonSchema } from "../../bench/plan/plan-file";

/** A collapsed block holding `schema`, titled with the file's name (HTML). */
function schemaBlock(fileHtml: string, schema: object): string {
  return [
    "<details>",
    `<summary>JSON Schema of <code>${fileHtml}</code> (draft 2020-12)</summary>`,
    "",
    "```json",
    JSON.stringify(schema, null, 2),
    "```",
    "",
    "</details>",
  ].join("\n");
}

export const resultsSchemaBlock = (schema: object = resultsJsonSchema()) =>
  schemaBlock("&lt;scenario&gt;.results.json", schema);

export const planSchemaBlock = (schema: object = planJsonSchema()) => schemaBlock("plan.json", schema);
