// Typed kubernetes-models objects (IDeployment, IServiceMonitor, …) in a cdk8s chart, for what
// cdk8s-plus-28 cannot express cleanly. Structural typing makes every such object a valid
// ApiObjectProps: no cast needed.
import { ApiObject } from "cdk8s";
import type { Construct } from "constructs";

export interface TypedObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
}

export function typedObject(scope: Construct, id: string, obj: TypedObject): ApiObject {
  return new ApiObject(scope, id, obj);
}
