import type {
  Policies,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { rules } from "../rules";
import { defaultContext, type PolicyNode, type Rule, type RuleContext, type Violation } from "../types";
import { nodeFromResourceArgs, nodesFromStack } from "./convert";

// The rules as @pulumi/policy policies, kept apart from the PolicyPack (whose constructor starts
// the analyzer server) so tests can import and call them. Same functions, same ids.

const CONFIG: Record<keyof RuleContext, PolicyConfigSchema["properties"][string] | undefined> = {
  allowPublicApiFromAnywhere: {
    type: "boolean",
    default: false,
    description: "Accept 0.0.0.0/0 on the public EKS API endpoint (cluster.allowPublicApiFromAnywhere).",
  },
  allowLoadBalancers: {
    type: "array",
    items: { type: "string" },
    default: [],
    description:
      'LoadBalancer Services to accept: "<namespace>/<name>", or "release/<name>" for Helm values (e.g. "release/kube-prometheus-stack" when monitoring.grafanaServiceType is LoadBalancer).',
  },
  expectHpa: {
    type: "boolean",
    default: true,
    description: "autoscaling.enabled: the vLLM Deployment must have an HPA.",
  },
  // The engine unwraps secrets, so the pack can never see them.
  secretsVisible: undefined,
};

function configSchema(rule: Rule): PolicyConfigSchema | undefined {
  const properties = Object.fromEntries((rule.uses ?? []).flatMap((k) => (CONFIG[k] ? [[k, CONFIG[k]]] : [])));
  return Object.keys(properties).length ? { properties } : undefined;
}

function contextOf(config: Partial<RuleContext> | undefined): RuleContext {
  const c = config ?? {};
  return {
    ...defaultContext,
    secretsVisible: false,
    ...(typeof c.allowPublicApiFromAnywhere === "boolean"
      ? { allowPublicApiFromAnywhere: c.allowPublicApiFromAnywhere }
      : {}),
    ...(Array.isArray(c.allowLoadBalancers) ? { allowLoadBalancers: c.allowLoadBalancers.map(String) } : {}),
    ...(typeof c.expectHpa === "boolean" ? { expectHpa: c.expectHpa } : {}),
  };
}

const describe = (rule: Rule) => ({
  name: rule.id,
  description: rule.description,
  enforcementLevel: rule.enforcement,
  severity: rule.severity,
  configSchema: configSchema(rule),
});

function report(
  violations: Violation[],
  nodes: readonly PolicyNode[],
  reportViolation: ReportViolation,
  withUrn: boolean,
) {
  for (const v of violations) {
    const urn = nodes.find((n) => n.type === v.resource.type && n.name === v.resource.name)?.urn;
    if (withUrn && urn) reportViolation(v.message, urn);
    else reportViolation(v.message);
  }
}

export function toPolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
  if (rule.scope === "resource")
    return {
      ...describe(rule),
      validateResource: (args, reportViolation) => {
        const node = nodeFromResourceArgs(args);
        report(rule.check([node], contextOf(args.getConfig<Partial<RuleContext>>())), [node], reportViolation, false);
      },
    };
  return {
    ...describe(rule),
    validateStack: (args, reportViolation) => {
      const nodes = nodesFromStack(args.resources);
      report(rule.check(nodes, contextOf(args.getConfig<Partial<RuleContext>>())), nodes, reportViolation, true);
    },
  };
}

/** One policy per rule: resource-scoped rules per resource, the others over the whole stack. */
export const policies: Policies = rules.map(toPolicy);
