// The vLLM service chart: Deployment, Service, ServiceMonitor, PDB, HPA (+ PVC and, for `npm run synth`,
// the Namespace); charts/app.ts adds the serving namespace's NetworkPolicies (default-deny + allows).
import { Chart } from "cdk8s";
import type { Construct } from "constructs";
import { admissionObjects } from "../security/admission";
import { typedObject, type TypedObject } from "../typed-object";
import { addAutoscaler } from "./autoscaler";
import * as o from "./objects";
import type { VllmChartProps } from "./props";
import { addService } from "./service";

export type { VllmChartProps } from "./props";

const include = (scope: Construct, obj: TypedObject) =>
  typedObject(scope, `${obj.kind}-${obj.metadata?.name}`.toLowerCase(), obj);

export class VllmChart extends Chart {
  constructor(scope: Construct, id: string, p: VllmChartProps) {
    super(scope, id);
    if (p.includeNamespace) include(this, o.namespace(p));
    // Before any pod: the policy that admits only approved, pinned images into the namespace.
    for (const obj of admissionObjects(p.admission)) include(this, obj);
    if (p.modelCache.type !== "emptyDir") include(this, o.modelCacheClaim(p));
    include(this, o.serviceAccount(p));
    include(this, o.deployment(p));
    addService(this, p);
    include(this, o.serviceMonitor(p));
    include(this, o.podDisruptionBudget(p));
    // Its NetworkPolicies are added by the app (charts/app.ts), once every object that connects here exists.
    if (p.autoscaling.enabled) addAutoscaler(this, p);
  }
}
