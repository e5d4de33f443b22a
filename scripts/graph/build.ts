import { parseArgs } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../../infra/config";
import { readStackFileConfig } from "../../infra/config-file";
import { GraphMocks } from "./mocks";
import type { GraphNode } from "../../policy/model";
import { recordRegistrations } from "./record";

export interface StackInput {
  /** Our config sections (without the `vllm-k8s:` prefix). */
  config: Record<string, unknown>;
  /** Secret config values (plain text here; the program sees them as Pulumi secrets). */
  secrets?: Record<string, string>;
  stack?: string;
}

export interface Graph {
  nodes: GraphNode[];
  /** The stack outputs (what infra/index.ts exports), resolved; secrets in plain text. */
  outputs: Record<string, unknown>;
  /** Names of the outputs that are Pulumi secrets (print them redacted). */
  secretOutputs: string[];
}

/**
 * Read a `Pulumi.<stack>.yaml` file into a StackInput (secret values become placeholders).
 * Throws UsageError (missing file, directory, YAML syntax) naming the file and the fix.
 */
/**
 * The flags of the entry points that build a stack's graph (graph, policy): the stack file and
 * `--json`. With `--help` it prints `help` and returns undefined; a bad flag throws (cliFailure says it).
 */
export function stackFileArgs(help: string): { stack: string; json: boolean } | undefined {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "Pulumi.eks.yaml" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(help);
    return undefined;
  }
  return { stack: values.stack, json: values.json };
}

export function readStackFile(path: string): StackInput {
  const { raw, secrets } = readStackFileConfig(path);
  const stack = path.match(/Pulumi\.([^/]+)\.ya?ml$/)?.[1] ?? "dev";
  return { config: raw, secrets: Object.fromEntries([...secrets.keys()].map((k) => [k, `mock-${k}`])), stack };
}

/**
 * Run the real Pulumi program under Pulumi's unit-test mocks (no AWS, no CLI, no engine) and
 * return every resource it registers with its parent, inputs and dependencies.
 * Throws the program's ConfigError unchanged on bad config.
 */
export async function buildGraph(input: StackInput): Promise<Graph> {
  const region = (input.config.cluster as { region?: string } | undefined)?.region ?? "us-west-2";
  await pulumi.runtime.setMocks(new GraphMocks(region), PROJECT, input.stack ?? "dev", false);
  const recorder = recordRegistrations();

  const all: Record<string, string> = {};
  // A key that kept its namespace (a mistyped one, see splitStackFileConfig) goes in as written.
  for (const [k, v] of Object.entries(input.config))
    all[k.includes(":") ? k : `${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  for (const [k, v] of Object.entries(input.secrets ?? {})) all[`${PROJECT}:${k}`] = v;
  pulumi.runtime.setAllConfig(
    all,
    Object.keys(input.secrets ?? {}).map((k) => `${PROJECT}:${k}`),
  );

  // Imported only now: setMocks must run before the program touches the runtime (DESIGN §10).
  const { runProgram } = await import("../../infra/program");
  const outputs = runProgram();
  await recorder.settle();
  const { values, secrets } = await resolveOutputs(outputs);
  return { nodes: await recorder.nodes(), outputs: values, secretOutputs: secrets };
}

/** Resolve a stack-outputs object the way the engine would record it (undefined fields are no output). */
export async function resolveOutputs(outputs: object): Promise<{ values: Record<string, unknown>; secrets: string[] }> {
  const values: Record<string, unknown> = {};
  const secrets: string[] = [];
  for (const [k, v] of Object.entries(outputs)) {
    if (v === undefined) continue;
    if (!pulumi.Output.isInstance(v)) {
      values[k] = v;
      continue;
    }
    const out = v;
    values[k] = await new Promise((r) => out.apply((x) => r(x)));
    if (await pulumi.isSecret(out)) secrets.push(k);
  }
  return { values, secrets };
}
