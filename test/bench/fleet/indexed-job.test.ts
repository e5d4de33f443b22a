import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../../infra/config-load";
import { benchPod, EKS, objectsFor } from "../../charts/fixtures";
import { unknownFields, validateSchema } from "../../charts/schema";

const bench = (objs: Array<Record<string, any>>) =>
  objs.filter(
    (o) =>
      o.metadata?.labels?.["app.kubernetes.io/name"] === "vllm-bench" || o.metadata?.name?.startsWith("vllm-bench"),
  );
const jobSpec = (objs: Array<Record<string, any>>) => {
  const cron = objs.find((o) => o.kind === "CronJob");
  return cron ? cron.spec.jobTemplate.spec : objs.find((o) => o.kind === "Job")!.spec;
};

describe("benchmark.shards: an Indexed Job over a shared results volume", () => {
  it("shards: 4 renders completionMode Indexed, completions = parallelism = 4, a ReadWriteMany claim, schema-valid", async () => {
    const objs = bench(objectsFor({ ...EKS, benchmark: { shards: 4, sharedResultsStorageClass: "efs-sc" } }));
    expect(objs.map((o) => o.kind)).toEqual(["ServiceAccount", "ConfigMap", "PersistentVolumeClaim", "CronJob"]);
    for (const o of objs) {
      await validateSchema(o as never);
      expect(unknownFields(o as never), o.kind).toEqual([]);
    }
    const spec = jobSpec(objs);
    expect(spec).toMatchObject({ completionMode: "Indexed", completions: 4, parallelism: 4, backoffLimit: 0 });
    const pvc = objs.find((o) => o.kind === "PersistentVolumeClaim")!;
    expect(pvc.spec).toMatchObject({ accessModes: ["ReadWriteMany"], storageClassName: "efs-sc" });
    const pod = benchPod(objs);
    expect(pod.volumes.find((v: any) => v.name === "results")).toEqual({
      name: "results",
      persistentVolumeClaim: { claimName: pvc.metadata.name },
    });
    const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      BENCH_SHARDS: "4",
      BENCH_MAX_SKEW_MS: "1000",
      BENCH_RUN_ID: { fieldRef: { fieldPath: "metadata.labels['job-name']" } },
    });
  });

  it("shards: 1 (the default) leaves the plain Job and its emptyDir alone; PROMETHEUS_URL follows kube-prometheus-stack", () => {
    const objs = bench(objectsFor(EKS));
    const env = (o: Array<Record<string, any>>) =>
      Object.fromEntries(benchPod(o).containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env(objs).PROMETHEUS_URL).toBe("http://kps-prometheus.monitoring.svc:9090");
    const noKps = { ...EKS, addons: { kubePrometheusStack: false }, autoscaling: { enabled: false } };
    expect(env(bench(objectsFor(noKps))).PROMETHEUS_URL).toBeUndefined();
    const external = { ...noKps, monitoring: { prometheusUrl: "https://prometheus.example.com" } };
    expect(env(bench(objectsFor(external))).PROMETHEUS_URL).toBe("https://prometheus.example.com");
    expect(objs.map((o) => o.kind)).toEqual(["ServiceAccount", "ConfigMap", "CronJob"]);
    expect(jobSpec(objs).completionMode).toBeUndefined();
    expect(benchPod(objs).volumes.find((v: any) => v.name === "results").emptyDir).toBeDefined();
  });

  it("rejects more shards than the system nodes hold, naming the key and the fix", () => {
    // Default system nodes: up to 4 × m6i.large (2 vCPUs, one left for the system) = 4 shard pods.
    expect(() =>
      parseStackConfig({ ...EKS, benchmark: { shards: 4, sharedResultsStorageClass: "efs-sc" } }, []),
    ).not.toThrow();
    expect(() =>
      parseStackConfig({ ...EKS, benchmark: { shards: 5, sharedResultsStorageClass: "efs-sc" } }, []),
    ).toThrow(
      /benchmark\.shards: 5 shard pods \(1 CPU each\) do not fit on systemNodes \(4 × m6i\.large, 4 CPUs free for them\)\. Lower shards or raise systemNodes\.maxSize/,
    );
    expect(() =>
      parseStackConfig(
        {
          ...EKS,
          systemNodes: { instanceTypes: ["m6i.2xlarge"], maxSize: 2 },
          benchmark: { shards: 14, sharedResultsStorageClass: "efs-sc" },
        },
        [],
      ),
    ).not.toThrow();
    expect(() => parseStackConfig({ ...EKS, benchmark: { shards: 0 } }, [])).toThrow(/benchmark\.shards/);
    // The smoke preset's first scenario allows 4 concurrent requests: 4 shards is the most it takes.
    expect(() =>
      objectsFor({
        ...EKS,
        systemNodes: { instanceTypes: ["m6i.2xlarge"] },
        benchmark: { shards: 5, sharedResultsStorageClass: "efs-sc" },
      }),
    ).toThrow(/benchmark shards: 5 shards but the scenario allows only 4 concurrent requests/);
  });
});
