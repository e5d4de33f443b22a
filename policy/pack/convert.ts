import type { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { UNKNOWN } from "../graph";
import type { PolicyNode } from "../types";

// The policy engine hands resources over behind proxies that throw on values unknown during
// preview; our rules want plain JSON with a marker instead, in the offline graph's shape.

/** Types that are components (no provider object of their own). */
const COMPONENT =
  /^(eks:index:|vllm-k8s:|pulumi:pulumi:Stack$|kubernetes:yaml\/v2:ConfigGroup$|kubernetes:helm\.sh\/v4:Chart$|kubernetes:kustomize\/v2:Directory$)/;

/** Deep plain copy; values unknown during preview become UNKNOWN. */
export function plain(value: unknown, seen = new WeakSet<object>()): unknown {
  if (!value || typeof value !== "object") return value;
  if (seen.has(value)) return undefined;
  seen.add(value);
  const read = (o: any, k: string | number): unknown => {
    try {
      return plain(o[k], seen);
    } catch (e) {
      // @pulumi/policy does not export the error's type; its name is stable.
      if ((e as Error)?.name === "UnknownValueError" || (e as Error)?.constructor?.name === "UnknownValueError")
        return UNKNOWN;
      throw e;
    }
  };
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => read(value, i));
  return Object.fromEntries(Object.keys(value).map((k) => [k, read(value, k)]));
}

/** Outputs carry no id field for most AWS resources; their ARN ends in it (`…:subnet/subnet-0abc`). */
function physicalId(props: Record<string, any>): string {
  if (typeof props.id === "string" && props.id !== UNKNOWN) return props.id;
  const m = typeof props.arn === "string" ? props.arn.match(/:[a-z-]+\/([^/]+)$/) : null;
  return m ? m[1] : "";
}

function toNode(
  r: { type: string; name: string; urn: string; props: Record<string, any> },
  parent?: { type: string; name: string },
  dependencies: string[] = [],
): PolicyNode {
  const inputs = plain(r.props) as Record<string, any>;
  return {
    urn: r.urn,
    id: physicalId(inputs),
    type: r.type,
    name: r.name,
    parent: parent?.name,
    parentType: parent?.type,
    custom: !COMPONENT.test(r.type),
    inputs,
    // The engine unwraps secrets: rules that need secret-ness check `ctx.secretsVisible`.
    secretInputs: [],
    dependencies,
  };
}

/** A resource as `validateResource` sees it (its inputs). */
export const nodeFromResourceArgs = (args: ResourceValidationArgs): PolicyNode => toNode(args);

/** The stack as `validateStack` sees it (outputs, with parents and dependencies resolved). */
export function nodesFromStack(resources: readonly PolicyResource[]): PolicyNode[] {
  return resources.map((r) =>
    toNode(
      r,
      r.parent,
      r.dependencies.map((d) => d.name),
    ),
  );
}
