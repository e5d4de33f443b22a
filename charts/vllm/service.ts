// The vLLM Service (ClusterIP on the API port), a cdk8s-plus-28 Service selecting the vLLM pods.
import { ApiObject, JsonPatch } from "cdk8s";
import * as kplus from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { HTTP_PORT, selectorLabels } from "./labels";
import { meta } from "./objects";
import type { VllmChartProps } from "./props";

export function addService(scope: Construct, p: VllmChartProps): kplus.Service {
  const service = new kplus.Service(scope, "service", {
    metadata: meta(p),
    type: kplus.ServiceType.CLUSTER_IP,
    selector: kplus.Pods.select(scope, "service-pods", { labels: { ...selectorLabels } }),
    ports: [{ name: "http", port: HTTP_PORT, protocol: kplus.Protocol.TCP }],
  });
  ApiObject.of(service).addJsonPatch(
    // cdk8s-plus-28 takes a numeric targetPort only; ours names the container port, as the probes do.
    // An IntOrString is written from its `value` (imports/k8s.ts toJson_ServicePort), hence the object.
    JsonPatch.add("/spec/ports/0/targetPort", { value: "http" }),
    // It also writes an empty externalIPs list, which ours leaves out.
    JsonPatch.remove("/spec/externalIPs"),
  );
  return service;
}
