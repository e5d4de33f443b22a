import type { PolicyNode, Rule, RuleContext, Violation } from "../types";
import { clusterHardeningRules } from "./cluster-hardening";
import { gpuRules } from "./gpu";
import { kubernetesSecurityRules } from "./kubernetes-security";
import { operabilityRules } from "./operability";
import { securityRules } from "./security";

/** Every rule, by theme. Ids are unique and stable: docs/policy.md and the pack use them. */
export const rules: readonly Rule[] = [
  ...gpuRules,
  ...securityRules,
  ...clusterHardeningRules,
  ...kubernetesSecurityRules,
  ...operabilityRules,
];

export function ruleById(id: string): Rule {
  const r = rules.find((x) => x.id === id);
  if (!r) throw new Error(`Unknown policy rule "${id}". Known rules: ${rules.map((x) => x.id).join(", ")}`);
  return r;
}

/** Run every rule (or the given ones) over a graph. */
export function evaluate(graph: readonly PolicyNode[], ctx: RuleContext, only: readonly Rule[] = rules): Violation[] {
  return only.flatMap((r) => r.check(graph, ctx));
}
