// One cell of the configuration matrix, checked the way a platform engineer enabling those features
// would find out: the config is accepted or refused with one line per problem naming the key; an
// accepted cell builds the graph under mocks, synthesises, validates every object against its
// schema, admits every pod under its namespace's Pod Security level, admits every derived connection
// and nothing more, and passes the policy pack with no mandatory violation.
import { appObjects } from "../../charts/app";
import { ConfigError, parseStackConfig } from "../../infra/config-load";
import { addonSettings, chartPropsFromConfig, inClusterPushgatewayUrl, policyAllowances } from "../../infra/mapper";
import { contextFor } from "../../policy/context";
import { kubeObjects, workloads } from "../../policy/graph";
import type { GraphNode } from "../../policy/model";
import { evaluate, rules } from "../../policy/rules";
import { pssGaps } from "../../policy/rules/kubernetes-security";
import { buildGraph } from "../../scripts/graph/build";
import { isCustomResource } from "../charts/crd-fields";
import { unknownFields, validateSchema } from "../charts/schema";
import { checkConnections } from "../policy/connections";
import type { Cell } from "./cells";

export const CHECKS = ["build", "synth", "schema", "podSecurity", "connections", "policy"] as const;
export type Check = (typeof CHECKS)[number];

export interface CellResult {
  name: string;
  /** The refusal's lines (one per problem, each naming its key), when refused. */
  refused?: string[];
  /** Failures per check (empty = passed), when accepted. */
  failures: Partial<Record<Check, string[]>>;
  /** Custom resources, validated in one batch at the end (the CRD check compiles TypeScript). */
  customResources: Record<string, any>[];
  /** The connections the cell's objects ask for, as `from -> to:port`. */
  connections: string[];
  /** Service URLs naming a Service the stack does not run (a failure of the connections check). */
  leavesStack: string[];
}

const mandatory = new Set(rules.filter((r) => r.enforcement === "mandatory").map((r) => r.id));
const PSA_ENFORCE = "pod-security.kubernetes.io/enforce";

async function schemaFailures(objs: Record<string, any>[]): Promise<string[]> {
  const out: string[] = [];
  for (const o of objs) {
    try {
      await validateSchema(o as any);
    } catch (e) {
      out.push((e as Error).message);
    }
    if (!isCustomResource(o as any))
      out.push(...unknownFields(o as any).map((f) => `${o.kind} ${o.metadata?.name}: ${f}`));
  }
  return out;
}

export async function runCell(cell: Cell): Promise<CellResult> {
  const result: CellResult = { name: cell.name, failures: {}, customResources: [], connections: [], leavesStack: [] };
  let cfg;
  try {
    cfg = parseStackConfig(cell.config, Object.keys(cell.secrets) as any);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    result.refused = e.message.split("\n").slice(1);
    return result;
  }
  const fail = (check: Check, msgs: string[]) => {
    result.failures[check] = msgs;
  };
  let nodes: GraphNode[];
  try {
    nodes = (await buildGraph({ config: cell.config, secrets: cell.secrets, stack: "matrix" })).nodes;
    fail("build", []);
  } catch (e) {
    fail("build", [(e as Error).message]);
    return result;
  }
  let synth: Record<string, any>[] = [];
  try {
    synth = appObjects(
      chartPropsFromConfig(cfg, { includeNamespace: true, pushgatewayUrl: inClusterPushgatewayUrl(cfg) }),
    );
    fail("synth", synth.length > 0 ? [] : ["no objects"]);
  } catch (e) {
    fail("synth", [(e as Error).message]);
  }
  // Every object the stack deploys (ConfigGroups and typed Pulumi resources) and every synthesised
  // one. Secrets are left out: their data are Pulumi secrets, unresolved in the graph.
  const deployed = kubeObjects(nodes)
    .filter((o) => o.kind !== "Secret")
    .map((o) => o.body);
  const all = [...deployed, ...synth];
  fail("schema", await schemaFailures(all));
  result.customResources = all.filter((o) => isCustomResource(o as any));

  const levels = new Map(
    kubeObjects(nodes)
      .filter((o) => o.kind === "Namespace")
      .map((o) => [o.name, o.body.metadata?.labels?.[PSA_ENFORCE]]),
  );
  fail(
    "podSecurity",
    workloads(nodes).flatMap((w) => {
      const level = levels.get(w.object.namespace);
      if (!level)
        return [`${w.object.kind} ${w.object.namespace}/${w.object.name}: namespace has no ${PSA_ENFORCE} label`];
      const gaps = pssGaps(w, level);
      return gaps.length ? [`${w.object.kind} ${w.object.name} under ${level}: ${gaps.join("; ")}`] : [];
    }),
  );

  const c = checkConnections(nodes, addonSettings(cfg), cfg.serving.allowedClientNamespaces);
  result.connections = c.expected.map((x) => `${x.from} -> ${x.to}:${x.port}`);
  result.leavesStack = c.unresolved;
  fail("connections", [
    ...c.blocked.map((x) => `not admitted: ${x.from} -> ${x.to}:${x.port} (${x.why})`),
    ...c.extra.map((x) => `admitted but asked for by nothing: ${x.from} -> ${x.to}:${x.port}`),
    // A URL to a Service nothing in the stack runs is a connection that can only fail.
    ...c.unresolved.map((u) => `URL to a Service the stack does not run: ${u}`),
  ]);

  const ctx = contextFor(policyAllowances(cfg));
  fail(
    "policy",
    evaluate(nodes, ctx)
      .filter((v) => mandatory.has(v.ruleId))
      .map((v) => `${v.ruleId}: ${v.message}`),
  );
  return result;
}

/** A refusal is one line per problem, each naming a `vllm-k8s:` key and saying why; never a stack trace. */
export const wellFormedRefusal = (lines: string[]) =>
  lines.length > 0 && lines.every((l) => /^ {2}- vllm-k8s:[\w.]+: \S.+/.test(l) && !/\n\s+at /.test(l));

export const passed = (r: CellResult) => !r.refused && Object.values(r.failures).every((f) => f.length === 0);
