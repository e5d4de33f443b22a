import { describe, expect, it } from "vitest";
import { EKS, objectsFor } from "./fixtures";
import { crdUnknownFields, isCustomResource } from "./crd-fields";
import { unknownFields, validateSchema } from "./schema";

const variants: Record<string, Record<string, any>> = {
  "default eks": EKS,
  "simulator, API key, PVC, LoRA, no autoscaling, scheduled benchmark": {
    ...EKS,
    serving: { engine: "simulator", apiKeyEnabled: true, modelCache: { type: "pvc" } },
    model: { loraAdapters: [{ name: "a", path: "org/a" }] },
    autoscaling: { enabled: false },
    benchmark: { schedule: "0 3 * * *" },
  },
  existing: { cluster: { mode: "existing", kubeconfigContext: "kind" } },
  "back to zero: minReplicas 0, active hours, idle to zero": {
    ...EKS,
    autoscaling: {
      minReplicas: 0,
      idleToZero: true,
      activeHours: { timezone: "Europe/Paris", start: "0 8 * * 1-5", end: "0 19 * * 1-5" },
    },
  },
};

describe("every synthesised object is schema-valid", () => {
  for (const [name, raw] of Object.entries(variants)) {
    it(`${name}: Kubernetes, prometheus-operator and KEDA schemas, and no unknown field`, async () => {
      const objs = objectsFor(raw);
      expect(objs.length).toBeGreaterThan(10);
      for (const o of objs) {
        await validateSchema(o as never);
        if (!isCustomResource(o as never))
          expect(unknownFields(o as never), `${o.kind} ${o.metadata.name}`).toEqual([]);
      }
      if (raw.autoscaling?.enabled !== false) expect(objs.map((o) => o.kind)).toContain("ScaledObject");
      const crs = objs.filter((o) => isCustomResource(o as never));
      expect(crs.map((o) => o.kind)).toEqual(expect.arrayContaining(["ServiceMonitor", "PrometheusRule"]));
      for (const [o, errors] of crdUnknownFields(crs as never))
        expect(errors, `${o.kind} ${o.metadata?.name}`).toEqual([]);
    });
  }

  it("the checks can fail: a wrong type and a typo'd field are caught, naming object and field", async () => {
    const dep = structuredClone(objectsFor().find((o) => o.kind === "Deployment")!);
    dep.spec.template.spec.containers[0].ports[0].containerPort = "eight thousand";
    await expect(validateSchema(dep as never)).rejects.toThrow(/Deployment vllm.*containerPort/s);
    const typo = structuredClone(objectsFor().find((o) => o.kind === "Deployment")!);
    typo.spec.replica = 3;
    typo.spec.template.spec.containers[0].readinesProbe = {};
    expect(unknownFields(typo as never).sort()).toEqual([
      expect.stringMatching(/^Deployment\.spec\.replica: unknown field/),
      expect.stringMatching(/containers\[0\]\.readinesProbe: unknown field/),
    ]);
    const sm = structuredClone(objectsFor().find((o) => o.kind === "ServiceMonitor")!);
    sm.spec.endpoints = "port http";
    await expect(validateSchema(sm as never)).rejects.toThrow(/ServiceMonitor vllm.*endpoints/s);
    // Custom resources: the CRD-generated types reject a typo'd field the JSON validators accept.
    const smTypo = structuredClone(objectsFor().find((o) => o.kind === "ServiceMonitor")!);
    smTypo.spec.endpoints[0].intervall = "15s";
    await validateSchema(smTypo as never);
    // KEDA's ScaledObject, against its CRD's schema from the chart: a wrong enum and a typo'd field.
    const so = structuredClone(objectsFor().find((o) => o.kind === "ScaledObject")!);
    await validateSchema(so as never);
    expect(unknownFields(so as never)).toEqual([]);
    so.spec.fallback.behavior = "freeze";
    await expect(validateSchema(so as never)).rejects.toThrow(/ScaledObject vllm.*fallback\/behavior/s);
    so.spec.advanced.horizontalPodAutoscalerConfig.behaviour = {};
    expect(unknownFields(so as never)).toEqual([
      expect.stringMatching(/^ScaledObject\.spec\.advanced\.horizontalPodAutoscalerConfig\.behaviour: unknown field/),
    ]);
    expect([...crdUnknownFields([smTypo] as never).values()][0]).toEqual([
      expect.stringMatching(/^ServiceMonitor\.spec\.endpoints\[0\]\.intervall: .*known properties/),
    ]);
  });
});
