import { expect } from "vitest";
import { parseStackConfig } from "../../infra/config-load";
import type { GraphNode } from "../../policy/model";
import { policyAllowances } from "../../infra/mapper";
import { contextFor } from "../../policy/context";
import { evaluate } from "../../policy/rules";
import type { RuleContext, Violation } from "../../policy/types";
import { exampleGraph } from "../graphs/read";

const EXAMPLE_FILES = { "Pulumi.eks.yaml": "eks", "Pulumi.existing.yaml": "existing" } as const;

/** The real program's graph for an example stack file, with the rule context its config implies. */
export async function stackGraph(file: string): Promise<{ nodes: GraphNode[]; ctx: RuleContext }> {
  if (!(file in EXAMPLE_FILES)) throw new Error(`${file}: not an example stack (test/graphs/examples.ts)`);
  const { nodes, input } = await exampleGraph(EXAMPLE_FILES[file as keyof typeof EXAMPLE_FILES]);
  const ctx = contextFor(policyAllowances(parseStackConfig(input.config, Object.keys(input.secrets ?? {}) as any)));
  return { nodes, ctx };
}

export const clone = <T>(x: T): T => structuredClone(x);

export function node(nodes: GraphNode[], type: string, name?: string): GraphNode {
  const found = nodes.filter((n) => n.type === type && (name === undefined || n.name === name));
  if (found.length !== 1) throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}`);
  return found[0];
}

/** A Kubernetes object inside the workloads ConfigGroup's `objs`. */
export function obj(nodes: GraphNode[], kind: string, name?: string): any {
  const group = node(nodes, "kubernetes:yaml/v2:ConfigGroup", "workloads");
  const found = group.inputs.objs.filter(
    (o: any) => o.kind === kind && (name === undefined || o.metadata?.name === name),
  );
  if (found.length !== 1)
    throw new Error(`expected one ${kind} ${name ?? ""} in the ConfigGroup, found ${found.length}`);
  return found[0];
}

export const release = (nodes: GraphNode[], name: string) => node(nodes, "kubernetes:helm.sh/v3:Release", name);

/**
 * Run every rule on a mutated graph and check that exactly `ruleId` fired, on the expected
 * resource, with messages that name `mentions`.
 */
export function expectOnly(
  nodes: GraphNode[],
  ctx: RuleContext,
  ruleId: string,
  resource: { type: string; name: string },
  mentions: RegExp,
): Violation[] {
  const vs = evaluate(nodes, ctx);
  expect(
    vs.map((v) => v.ruleId),
    JSON.stringify(vs, null, 1),
  ).toEqual(vs.map(() => ruleId));
  expect(vs.length).toBeGreaterThan(0);
  for (const v of vs) {
    expect(v.resource).toEqual(resource);
    expect(v.message).toMatch(mentions);
  }
  return vs;
}

export const CONFIG_GROUP = { type: "kubernetes:yaml/v2:ConfigGroup", name: "workloads" };
