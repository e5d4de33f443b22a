import type { GraphNode } from "./model";

// The shapes every rule shares. Rules are pure functions of a resource graph plus a small
// context of explicit allowances (what the stack config opts into), so the same function
// runs on the offline mock graph, in tests and inside the Pulumi policy pack.

export type { GraphNode };

/** A node as the policy engine hands it over may also carry which inputs came from which resources. */
export type PolicyNode = GraphNode & { propertyDependencies?: Record<string, string[]> };

export type Severity = "low" | "medium" | "high" | "critical";
export type Enforcement = "advisory" | "mandatory";

export interface Violation {
  ruleId: string;
  resource: { type: string; name: string };
  message: string;
}

/** Explicit opt-outs; the defaults are the strict reading. */
export interface RuleContext {
  /** `cluster.allowPublicApiFromAnywhere`: accept 0.0.0.0/0 on the public API endpoint. */
  allowPublicApiFromAnywhere: boolean;
  /** Services allowed to be `type: LoadBalancer`: `<namespace>/<name>` for objects, `release/<name>` for Helm values. */
  allowLoadBalancers: string[];
  /** `autoscaling.enabled`: the vLLM Deployment must have an HPA. */
  expectHpa: boolean;
  /**
   * The offline graph marks secret inputs (`secretInputs`); the policy engine unwraps secrets to
   * plain values, so secret-ness can only be checked where this is true.
   */
  secretsVisible: boolean;
}

export const defaultContext: RuleContext = {
  allowPublicApiFromAnywhere: false,
  allowLoadBalancers: [],
  expectHpa: true,
  secretsVisible: true,
};

export interface Rule {
  id: string;
  description: string;
  severity: Severity;
  enforcement: Enforcement;
  /**
   * `resource`: each violation depends on one resource's own inputs, so the pack can run the rule
   * per resource; `stack`: it needs other resources too (existence, references), stack level only.
   */
  scope: "resource" | "stack";
  /** Context keys the rule reads (the pack exposes them as policy config). */
  uses?: (keyof RuleContext)[];
  check(graph: readonly PolicyNode[], ctx: RuleContext): Violation[];
}

/** A violation reported on a graph node (the resource, or the ConfigGroup that declares the object). */
export const violation = (ruleId: string, node: { type: string; name: string }, message: string): Violation => ({
  ruleId,
  resource: { type: node.type, name: node.name },
  message,
});

/** Reports one violation of the rule being checked, on a graph node. */
export type Report = (node: { type: string; name: string }, message: string) => void;

/** A rule as written: `enforcement` defaults to mandatory, and `check` reports its violations. */
export interface RuleSpec extends Omit<Rule, "enforcement" | "check"> {
  /** Default: mandatory. */
  enforcement?: Enforcement;
  check(this: void, graph: readonly PolicyNode[], report: Report, ctx: RuleContext): void;
}

/** A rule from its spec: the violations `check` reports, each carrying the rule's id. */
export function rule({ enforcement = "mandatory", check, ...spec }: RuleSpec): Rule {
  return {
    ...spec,
    enforcement,
    check(graph, ctx) {
      const out: Violation[] = [];
      check(graph, (node, message) => out.push(violation(spec.id, node, message)), ctx);
      return out;
    },
  };
}
