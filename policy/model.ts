// The resource graph the rules read: one node per registered resource, as the engine sees it.
// policy/ owns this model; scripts/graph records it from the Pulumi program under mocks and the
// policy pack (pack/convert.ts) builds it from what the engine hands over.

/** One registered resource as the engine would see it. */
export interface GraphNode {
  urn: string;
  /** Physical id the (mocked) provider returned; "" for components. */
  id: string;
  type: string;
  name: string;
  /** Name of the parent resource (undefined for top-level resources). */
  parent?: string;
  parentType?: string;
  custom: boolean;
  /** Inputs as sent to the engine; secret values are replaced by SECRET. */
  inputs: Record<string, any>;
  /** Dotted paths of inputs that were secrets. */
  secretInputs: string[];
  /** Names of explicit and implicit dependencies. */
  dependencies: string[];
}

/** Stands in for a secret input value. */
export const SECRET = "[secret]";

/** Stands in for an input not known until apply. */
export const UNKNOWN = "[unknown]";
