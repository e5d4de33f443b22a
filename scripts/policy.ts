// `npm run policy [-- --stack Pulumi.<stack>.yaml] [--json]`: every policy rule over the resource
// graph the stack would create, computed offline under Pulumi's mocks (no AWS, no Pulumi CLI).
// Exit code: 0 clean (advisory findings allowed), 1 mandatory violations, 2 bad config or usage.
import { cliFailure } from "../infra/config-file";
import { parseStackConfig } from "../infra/config-load";
import type { SecretKey } from "../infra/config";
import { policyAllowances } from "../infra/mapper";
import { contextFor } from "../policy/context";
import { rows, summary, table } from "../policy/report";
import { evaluate, rules } from "../policy/rules";
import { buildGraph, readStackFile, stackFileArgs } from "./graph/build";

const USAGE = "Usage: npm run policy -- [--stack Pulumi.<stack>.yaml] [--json]";

async function main(): Promise<number> {
  const values = stackFileArgs(
    `${USAGE}\n\nEvery policy rule over the resource graph the stack would create, computed offline under\nPulumi's mocks. Exit codes: 0 clean (advisory findings allowed), 1 mandatory violations, 2 bad config or usage.`,
  );
  if (!values) return 0;
  const file = values.stack;
  const input = readStackFile(file);
  // Validate first so a bad config reports its key and fix, not a rule failure.
  const config = parseStackConfig(input.config, Object.keys(input.secrets ?? {}) as SecretKey[]);
  const ctx = contextFor(policyAllowances(config));
  const { nodes } = await buildGraph(input);
  const violations = evaluate(nodes, ctx);
  const s = summary(violations, rules);
  if (values.json) {
    process.stdout.write(
      JSON.stringify(
        {
          stack: file,
          rules: s.rules,
          resources: nodes.length,
          mandatory: s.mandatory,
          advisory: s.advisory,
          violations: rows(violations, rules),
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    if (violations.length) console.log(table(rows(violations, rules)) + "\n");
    console.log(
      `${file}: ${s.rules} rules over ${nodes.length} resources: ${s.mandatory} mandatory and ${s.advisory} advisory violation(s).`,
    );
  }
  return s.mandatory > 0 ? 1 : 0;
}

// Exit once stdout has drained: piped `--json` output would otherwise be cut at 64 KiB.
main().then(
  (code) => process.stdout.write("", () => process.exit(code)),
  (err) => {
    const { message, code } = cliFailure(err, USAGE);
    console.error(message);
    process.exit(code);
  },
);
