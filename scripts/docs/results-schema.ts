// docs/benchmark.md's JSON Schema of `<scenario>.results.json`, generated from the schema the
// results are written and read by (bench/client/results-file.ts): `npm run docs:config` writes
// it, test/docs/generated.test.ts fails when the doc is stale.
import { resultsJsonSchema } from "../../bench/client/results-file";

export function resultsSchemaBlock(schema: object = resultsJsonSchema()): string {
  return [
    "<details>",
    "<summary>JSON Schema of <code>&lt;scenario&gt;.results.json</code> (draft 2020-12)</summary>",
    "",
    "```json",
    JSON.stringify(schema, null, 2),
    "```",
    "",
    "</details>",
  ].join("\n");
}
