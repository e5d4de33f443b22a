// docs/serving.md's JSON Schema of `plan.json`, generated from the schema of what `vllm-bench plan`
// writes (bench/plan/plan-file.ts): `npm run docs:config` writes it, test/docs/generated.test.ts
// fails when the doc is stale.
import { planJsonSchema } from "../../bench/plan/plan-file";

export function planSchemaBlock(schema: object = planJsonSchema()): string {
  return [
    "<details>",
    "<summary>JSON Schema of <code>plan.json</code> (draft 2020-12)</summary>",
    "",
    "```json",
    JSON.stringify(schema, null, 2),
    "```",
    "",
    "</details>",
  ].join("\n");
}
