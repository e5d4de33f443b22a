import { describe, expect, it } from "vitest";
import { requestRateTriggerQuery } from "../../monitoring/autoscaling";
import { VLLM_IMAGE } from "../../charts/versions";
import { SIMULATOR_LOAD_MS } from "../../charts/vllm/args";
import { simOptionsFrom } from "../../bench/sim";
import { GPU_NODE_LABEL, GPU_TAINT, SYSTEM_NODE_LABEL } from "../../charts/node-pools";
import { benchPod, EKS, find, objectsFor } from "./fixtures";

const merge = (extra: Record<string, any>) => {
  const out: Record<string, any> = structuredClone(EKS);
  for (const [k, v] of Object.entries(extra)) out[k] = { ...(out[k] ?? {}), ...v };
  return out;
};
const container = (objs: Array<Record<string, any>>) =>
  find(objs, "Deployment", "vllm").spec.template.spec.containers[0];

describe("vLLM chart (default eks stack)", () => {
  const objs = objectsFor();
  const dep = find(objs, "Deployment", "vllm");
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];

  it("runs the pinned vLLM image on the GPU node group with the GPU limit, toleration and selector", () => {
    expect(c.image).toBe(VLLM_IMAGE);
    expect(c.image).not.toMatch(/:latest$/);
    expect(c.resources.limits["nvidia.com/gpu"]).toBe("1");
    expect(pod.tolerations).toContainEqual({
      key: GPU_TAINT.key,
      operator: "Equal",
      value: GPU_TAINT.value,
      effect: GPU_TAINT.effect,
    });
    expect(pod.nodeSelector).toEqual({ [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value });
    expect(pod.topologySpreadConstraints[0].topologyKey).toBe("kubernetes.io/hostname");
  });

  it("runs vLLM and the benchmark under their own ServiceAccounts, no token mounted (CIS EKS 4.1.5)", () => {
    for (const [name, spec] of [
      ["vllm", pod],
      ["vllm-bench", benchPod(objs)],
    ] as const) {
      expect(spec.serviceAccountName).toBe(name);
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(find(objs, "ServiceAccount", name).automountServiceAccountToken).toBe(false);
    }
  });

  it("gives vLLM a read-only root filesystem and emptyDirs only where vLLM writes", () => {
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.mountPath, m.name]));
    expect(mounts).toEqual({
      "/dev/shm": "dshm",
      "/model-cache": "model-cache",
      "/tmp": "tmp",
      "/root/.cache": "cache",
      "/root/.config": "config",
    });
    for (const v of pod.volumes.filter((x: any) => ["tmp", "cache", "config"].includes(x.name)))
      expect(v.emptyDir.sizeLimit).toMatch(/^\d+(Gi|Mi)$/);
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
    expect(env.TRITON_CACHE_DIR).toBe("/root/.cache/triton");
    expect(env.HF_HOME).toBe("/model-cache/huggingface");
  });

  it("passes the model config as vLLM flags", () => {
    expect(c.args[0]).toBe("Qwen/Qwen2.5-1.5B-Instruct");
    expect(c.args).toEqual(
      expect.arrayContaining([
        "--tensor-parallel-size=1",
        "--max-model-len=8192",
        "--gpu-memory-utilization=0.9",
        "--max-num-seqs=256",
        "--port=8000",
      ]),
    );
  });

  it("has startup, readiness and liveness probes on /health, sized for a model download", () => {
    for (const p of ["startupProbe", "readinessProbe", "livenessProbe"]) expect(c[p].httpGet.path, p).toBe("/health");
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(1800);
  });

  it("mounts an in-memory /dev/shm and a model cache with HF_HOME on it, HF token optional from a Secret", () => {
    const shm = pod.volumes.find((v: any) => v.name === "dshm");
    expect(shm.emptyDir.medium).toBe("Memory");
    expect(c.volumeMounts).toContainEqual({ name: "dshm", mountPath: "/dev/shm" });
    expect(pod.volumes.find((v: any) => v.name === "model-cache").emptyDir).toBeDefined();
    expect(c.env.find((e: any) => e.name === "HF_HOME").value).toMatch(/^\/model-cache/);
    expect(c.env.find((e: any) => e.name === "HF_TOKEN").valueFrom.secretKeyRef.optional).toBe(true);
  });

  it("drains streams on shutdown and keeps Service env links out of vLLM's VLLM_PORT", () => {
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60);
    expect(c.lifecycle.preStop.exec.command[0]).toBe("sleep");
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it("leaves replicas to KEDA: a ScaledObject on the per-pod request rate whose HPA carries our behaviour", () => {
    expect(dep.spec.replicas).toBeUndefined();
    expect(objs.some((o) => o.kind === "HorizontalPodAutoscaler")).toBe(false);
    const so = find(objs, "ScaledObject");
    expect(so.apiVersion).toBe("keda.sh/v1alpha1");
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "vllm" });
    expect(so.spec.triggers[0]).toMatchObject({
      type: "prometheus",
      metricType: "AverageValue",
      metadata: { query: requestRateTriggerQuery(so.metadata.namespace), threshold: "5" },
    });
    const behavior = so.spec.advanced.horizontalPodAutoscalerConfig.behavior;
    expect(behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThan(behavior.scaleUp.stabilizationWindowSeconds);
    expect(behavior.scaleUp.policies[0]).toMatchObject({ type: "Pods", value: 1 });
    expect(so.spec.fallback).toMatchObject({ behavior: "currentReplicas", failureThreshold: 3 });
    expect([so.spec.minReplicaCount, so.spec.idleReplicaCount]).toEqual([1, undefined]);
  });

  it("back to zero: minReplicas 0 with a cron window keeps replicas inside it, and the idle rule", () => {
    const zero = objectsFor({
      ...EKS,
      autoscaling: {
        minReplicas: 0,
        activeHours: { timezone: "Europe/Paris", start: "0 8 * * 1-5", end: "0 19 * * 1-5", replicas: 2 },
      },
    });
    const so = find(zero, "ScaledObject");
    expect(so.spec.minReplicaCount).toBe(0);
    expect(so.spec.triggers[1]).toEqual({
      type: "cron",
      name: "active-hours",
      metadata: { timezone: "Europe/Paris", start: "0 8 * * 1-5", end: "0 19 * * 1-5", desiredReplicas: "2" },
    });
    expect(so.spec.cooldownPeriod).toBe(900);
    // The idle rule on a stack that keeps one pod while busy: zero only when idle.
    const idle = find(objectsFor({ ...EKS, autoscaling: { minReplicas: 1, idleToZero: true } }), "ScaledObject");
    expect([idle.spec.minReplicaCount, idle.spec.idleReplicaCount, idle.spec.triggers.length]).toEqual([1, 0, 1]);
  });

  it("has a ClusterIP Service, a ServiceMonitor on it, a PDB that never blocks drains, and a NetworkPolicy", () => {
    const svc = find(objs, "Service", "vllm");
    expect(svc.spec.type).toBe("ClusterIP");
    expect(svc.spec.ports[0]).toMatchObject({ name: "http", port: 8000 });
    const sm = find(objs, "ServiceMonitor");
    expect(sm.spec.endpoints[0]).toMatchObject({ port: "http", path: "/metrics", interval: "15s" });
    expect(sm.spec.selector.matchLabels).toEqual(svc.spec.selector);
    const pdb = find(objs, "PodDisruptionBudget");
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.minAvailable).toBeUndefined();
    const deny = find(objs, "NetworkPolicy", "default-deny-ingress");
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
    const np = find(objs, "NetworkPolicy", "allow-to-vllm");
    expect(np.spec.podSelector.matchLabels).toEqual(find(objs, "Service", "vllm").spec.selector);
    expect(
      np.spec.ingress.map((r: any) => [
        r.from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"],
        r.from[0].podSelector.matchLabels["app.kubernetes.io/name"],
      ]),
    ).toEqual([
      ["monitoring", "prometheus"],
      ["vllm", "vllm-bench"],
    ]);
    for (const r of np.spec.ingress) expect(r.ports).toEqual([{ port: 8000, protocol: "TCP" }]);
  });
});

describe("vLLM chart follows the config", () => {
  it("tensor parallel 2 on 2-GPU nodes: two GPUs per pod and --tensor-parallel-size=2", () => {
    const c = container(
      objectsFor(
        merge({ gpuNodes: { instanceTypes: ["g6.12xlarge"], gpusPerNode: 4 }, model: { tensorParallelSize: 2 } }),
      ),
    );
    expect(c.resources.limits["nvidia.com/gpu"]).toBe("2");
    expect(c.args).toContain("--tensor-parallel-size=2");
  });

  it("LoRA adapters become --enable-lora and --lora-modules", () => {
    const c = container(
      objectsFor(
        merge({
          model: {
            loraAdapters: [
              { name: "sql", path: "org/sql-lora" },
              { name: "chat", path: "org/chat-lora" },
            ],
          },
        }),
      ),
    );
    expect(c.args).toEqual(
      expect.arrayContaining([
        "--enable-lora",
        "--max-loras=2",
        "--lora-modules",
        "sql=org/sql-lora",
        "chat=org/chat-lora",
      ]),
    );
  });

  it("an API key comes from a Secret as VLLM_API_KEY, for vLLM and the benchmark", () => {
    const objs = objectsFor(merge({ serving: { apiKeyEnabled: true } }));
    expect(container(objs).env.find((e: any) => e.name === "VLLM_API_KEY").valueFrom.secretKeyRef).toEqual({
      name: "vllm-api-key",
      key: "api-key",
    });
    const bench = benchPod(objs).containers[0];
    expect(bench.env.find((e: any) => e.name === "VLLM_API_KEY").valueFrom.secretKeyRef.name).toBe("vllm-api-key");
    expect(JSON.stringify(objs)).not.toMatch(/mock-vllmApiKey/);
  });

  it("a PVC model cache adds a claim of the configured size and mounts it", () => {
    const objs = objectsFor(
      merge({
        serving: { modelCache: { type: "pvc", sizeGiB: 300, storageClassName: "gp3" } },
        autoscaling: { maxReplicas: 1 },
      }),
    );
    const pvc = find(objs, "PersistentVolumeClaim", "vllm-model-cache");
    expect(pvc.spec).toMatchObject({ resources: { requests: { storage: "300Gi" } }, storageClassName: "gp3" });
    const pod = find(objs, "Deployment").spec.template.spec;
    expect(pod.volumes.find((v: any) => v.name === "model-cache").persistentVolumeClaim.claimName).toBe(
      "vllm-model-cache",
    );
  });

  it("the simulator engine runs our image on CPU nodes, non-root, with no GPU, and keeps Service, metrics and autoscaler", () => {
    const objs = objectsFor(merge({ serving: { engine: "simulator" } }), {
      benchImage: "registry.example.com/vllm-bench@sha256:" + "a".repeat(64),
    });
    const pod = find(objs, "Deployment").spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toMatch(/vllm-bench@sha256/);
    expect(c.args.slice(0, 1)).toEqual(["sim"]);
    expect(c.args).toContain("--model=Qwen/Qwen2.5-1.5B-Instruct");
    expect(c.resources.limits["nvidia.com/gpu"]).toBeUndefined();
    expect(pod.tolerations).toBeUndefined();
    expect(pod.nodeSelector).toEqual({ [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value });
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
    for (const kind of ["Service", "ServiceMonitor", "ScaledObject"]) expect(find(objs, kind)).toBeDefined();
  });

  it("the simulator mounts the model cache as vLLM does (a shared claim: warm after the first replica)", () => {
    const objs = objectsFor(
      merge({ serving: { engine: "simulator", modelCache: { type: "shared", storageClassName: "nfs" } } }),
    );
    const pvc = find(objs, "PersistentVolumeClaim", "vllm-model-cache");
    expect(pvc.spec).toMatchObject({ accessModes: ["ReadWriteMany"], storageClassName: "nfs" });
    const pod = find(objs, "Deployment").spec.template.spec;
    const c = pod.containers[0];
    expect(pod.volumes).toEqual([{ name: "model-cache", persistentVolumeClaim: { claimName: "vllm-model-cache" } }]);
    expect(c.volumeMounts).toEqual([{ name: "model-cache", mountPath: "/model-cache" }]);
    expect(c.args).toEqual(
      expect.arrayContaining([
        "--model-cache-dir=/model-cache",
        `--startup-delay-ms=${SIMULATOR_LOAD_MS.cold}`,
        `--warm-startup-delay-ms=${SIMULATOR_LOAD_MS.warm}`,
      ]),
    );
    // The simulator's own parser takes every argument the chart gives it.
    const opts = simOptionsFrom(c.args.slice(1), {});
    expect(opts).toMatchObject({ modelCacheDir: "/model-cache", startupDelayMs: SIMULATOR_LOAD_MS.cold });
    // Its startup probe outlasts a cold start.
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold * 1000).toBeGreaterThan(
      SIMULATOR_LOAD_MS.cold,
    );
  });

  it("with kube-prometheus-stack off, the trigger and the rehearsal query the user's Prometheus (monitoring.prometheusUrl)", () => {
    const url = "https://prometheus.example.com";
    const objs = objectsFor(
      merge({
        addons: { kubePrometheusStack: false },
        monitoring: { prometheusUrl: url },
        benchmark: { scenario: "rehearsal" },
      }),
    );
    expect(find(objs, "ScaledObject").spec.triggers[0].metadata.serverAddress).toBe(url);
    const env = Object.fromEntries(benchPod(objs).containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env.PROMETHEUS_URL).toBe(url);
    expect(JSON.stringify(objs)).not.toMatch(/kps-prometheus/);
  });

  it("autoscaling off: a fixed replica count and no autoscaler", () => {
    const objs = objectsFor(merge({ autoscaling: { enabled: false }, serving: { replicas: 3 } }));
    expect(find(objs, "Deployment").spec.replicas).toBe(3);
    expect(objs.some((o) => o.kind === "ScaledObject")).toBe(false);
  });

  it("an existing cluster gets no node selectors (its nodes do not carry our labels)", () => {
    const objs = objectsFor({ cluster: { mode: "existing", kubeconfigContext: "kind-vllm" } });
    expect(find(objs, "Deployment").spec.template.spec.nodeSelector).toBeUndefined();
  });

  it("client namespaces reach the API through the NetworkPolicy", () => {
    const np = find(
      objectsFor(merge({ serving: { allowedClientNamespaces: ["apps"] } })),
      "NetworkPolicy",
      "allow-to-vllm",
    );
    expect(np.spec.ingress[2]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } } }],
      ports: [{ port: 8000, protocol: "TCP" }],
    });
  });

  it("the benchmark runs only on its schedule, against the vLLM Service, with the chosen scenario", () => {
    const unscheduled = objectsFor().find((o) => o.kind === "CronJob");
    if (unscheduled) expect(unscheduled.spec.suspend).toBe(true);
    const objs = objectsFor(merge({ benchmark: { schedule: "0 3 * * *", scenario: "baseline" } }));
    const cj = find(objs, "CronJob");
    expect(cj.spec).toMatchObject({ schedule: "0 3 * * *", concurrencyPolicy: "Forbid" });
    expect(cj.spec.suspend ?? false).toBe(false);
    expect(cj.spec.jobTemplate.spec.backoffLimit).toBe(0);
    const env = Object.fromEntries(benchPod(objs).containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      MODEL_ENDPOINT: "http://vllm.vllm.svc:8000",
      PUSHGATEWAY_URL: "http://pg.monitoring.svc:9091",
    });
    const scenario = objs
      .filter((o) => o.kind === "ConfigMap" && o.metadata.namespace === "vllm")
      .flatMap((cm) => Object.values<string>(cm.data ?? {}));
    expect(
      scenario.map((text) => {
        try {
          return JSON.parse(text).name;
        } catch {
          return undefined;
        }
      }),
    ).toContain("baseline");
  });

  it("the stack config's benchmark overrides reach the Job as the variables the CLI reads", () => {
    const envOf = (raw: Record<string, any>) =>
      Object.fromEntries(benchPod(objectsFor(raw)).containers[0].env.map((e: any) => [e.name, e.value]));
    expect(
      envOf(
        merge({
          benchmark: {
            overrides: {
              rampUp: { strategy: "exponential", startRps: 2, endRps: 30 },
              concurrencyLevels: [10, 50],
              durationSeconds: 120,
            },
          },
        }),
      ),
    ).toMatchObject({
      RAMP_UP_STRATEGY: "exponential",
      RAMP_UP_START_RPS: "2",
      RAMP_UP_END_RPS: "30",
      CONCURRENCY_LEVELS: "10,50",
      DURATION: "120",
    });
    expect(envOf(merge({ benchmark: { overrides: { requestRate: 7.5 } } }))).toMatchObject({ REQUEST_RATE: "7.5" });
    expect(
      Object.keys(envOf(EKS)).filter((k) => /^(REQUEST_RATE|RAMP_UP_|CONCURRENCY_LEVELS|DURATION)/.test(k)),
    ).toEqual([]);
  });
});
