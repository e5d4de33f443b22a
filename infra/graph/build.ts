import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../config";
import { readStackFileConfig } from "../config-file";
import { GraphMocks } from "./mocks";
import { recordRegistrations, type GraphNode } from "./record";

export interface StackInput {
  /** Our config sections (without the `vllm-k8s:` prefix). */
  config: Record<string, unknown>;
  /** Secret config values (plain text here; the program sees them as Pulumi secrets). */
  secrets?: Record<string, string>;
  stack?: string;
}

export interface Graph {
  nodes: GraphNode[];
  outputs: Record<string, unknown>;
}

/**
 * Read a `Pulumi.<stack>.yaml` file into a StackInput (secret values become placeholders).
 * Throws UsageError (missing file, directory, YAML syntax) naming the file and the fix.
 */
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
  for (const [k, v] of Object.entries(input.config)) all[k.includes(":") ? k : `${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  for (const [k, v] of Object.entries(input.secrets ?? {})) all[`${PROJECT}:${k}`] = v;
  pulumi.runtime.setAllConfig(all, Object.keys(input.secrets ?? {}).map((k) => `${PROJECT}:${k}`));

  // Imported only now: setMocks must run before the program touches the runtime (DESIGN §10).
  const { runProgram } = await import("../program");
  const outputs = runProgram();
  await recorder.settle();
  const resolved: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(outputs)) {
    resolved[k] = pulumi.Output.isInstance(v) ? await new Promise((r) => (v as pulumi.Output<unknown>).apply((x) => r(x))) : v;
  }
  return { nodes: await recorder.nodes(), outputs: resolved };
}
