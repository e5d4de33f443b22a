// The vLLM (or simulator) pod template: scheduling, probes, volumes, secrets, security context.
import type { IContainer, IPodSpec, IVolume } from "kubernetes-models/v1";
import { simulatorArgs, vllmArgs } from "./args";
import { APP_NAME, HTTP_PORT, MODEL_CACHE_PATH } from "./labels";
import type { VllmChartProps } from "./props";
import { GPU_TAINT } from "../node-pools";

export const MODEL_CACHE_PVC = "vllm-model-cache";
/** Long enough for in-flight streams to finish after the endpoint is removed. */
const TERMINATION_GRACE_SECONDS = 120;
/** Endpoint removal propagates to kube-proxy and clients before the server stops accepting. */
const PRE_STOP_SLEEP_SECONDS = 15;

/**
 * Where vLLM writes besides the model cache and /dev/shm, each an emptyDir under a read-only root.
 * From vLLM's vllm/envs.py (vllm-project/vllm @ f218f9c24d224800e0ea4488aa71bd8215c8bdcd):
 * VLLM_CACHE_ROOT = $XDG_CACHE_HOME/vllm (default ~/.cache/vllm: torch.compile cache, assets),
 * VLLM_CONFIG_ROOT = $XDG_CONFIG_HOME/vllm (~/.config/vllm: usage-stats file), VLLM_RPC_BASE_PATH =
 * tempfile.gettempdir() (/tmp: engine IPC sockets; torch inductor's default cache is /tmp too).
 * The image runs as root, so ~ is /root. FlashInfer's JIT cache is ~/.cache/flashinfer.
 */
const CACHE_PATH = "/root/.cache";
const SCRATCH = [
  { name: "tmp", path: "/tmp", sizeLimit: "4Gi" },
  { name: "cache", path: CACHE_PATH, sizeLimit: "10Gi" },
  { name: "config", path: "/root/.config", sizeLimit: "64Mi" },
] as const;

const health = { httpGet: { path: "/health", port: "http" } };

/** vLLM reads its API key from VLLM_API_KEY (as `--api-key`); the simulator reads the same variable. */
const apiKeyEnv = (p: VllmChartProps): NonNullable<IContainer["env"]> =>
  p.apiKeySecret
    ? [{ name: "VLLM_API_KEY", valueFrom: { secretKeyRef: { name: p.apiKeySecret.name, key: p.apiKeySecret.key } } }]
    : [];

function vllmContainer(p: VllmChartProps): IContainer {
  const tp = p.model.tensorParallelSize;
  const env: NonNullable<IContainer["env"]> = [
    { name: "HF_HOME", value: `${MODEL_CACHE_PATH}/huggingface` },
    // Triton and the CUDA JIT cache default outside ~/.cache (~/.triton, ~/.nv): keep them in the cache emptyDir.
    { name: "TRITON_CACHE_DIR", value: `${CACHE_PATH}/triton` },
    { name: "CUDA_CACHE_PATH", value: `${CACHE_PATH}/nv` },
    // Optional: ungated models download without a token.
    {
      name: "HF_TOKEN",
      valueFrom: { secretKeyRef: { name: p.hfTokenSecret.name, key: p.hfTokenSecret.key, optional: true } },
    },
    ...apiKeyEnv(p),
  ];
  return {
    name: "vllm",
    image: p.image,
    imagePullPolicy: "IfNotPresent",
    // The image's entrypoint is `vllm serve`; the model is its first argument.
    args: [p.model.id, ...vllmArgs(p)],
    ports: [{ name: "http", containerPort: HTTP_PORT, protocol: "TCP" }],
    env,
    resources: {
      // Tensor parallelism spans exactly the GPUs of the pod.
      requests: { cpu: `${2 * tp}`, memory: `${12 * tp}Gi`, "nvidia.com/gpu": `${tp}` },
      limits: { cpu: `${4 * tp}`, memory: `${14 * tp}Gi`, "nvidia.com/gpu": `${tp}` },
    },
    // Model download and load can take many minutes: liveness only starts once this succeeds.
    startupProbe: { ...health, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 180 },
    readinessProbe: { ...health, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
    livenessProbe: { ...health, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
    lifecycle: { preStop: { exec: { command: ["sleep", String(PRE_STOP_SLEEP_SECONDS)] } } },
    volumeMounts: [
      { name: "dshm", mountPath: "/dev/shm" },
      { name: "model-cache", mountPath: MODEL_CACHE_PATH },
      ...SCRATCH.map((s) => ({ name: s.name, mountPath: s.path })),
    ],
    // vLLM's image runs as root; the root filesystem is read-only and it writes only to the emptyDirs in SCRATCH.
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
  };
}

function simulatorContainer(p: VllmChartProps): IContainer {
  const env = apiKeyEnv(p);
  return {
    name: "vllm",
    image: p.image,
    imagePullPolicy: "IfNotPresent",
    // Never --enable-control-endpoints: /sim/* would let anyone who reaches the port inject faults.
    args: simulatorArgs(p),
    ...(env.length ? { env } : {}),
    ports: [{ name: "http", containerPort: HTTP_PORT, protocol: "TCP" }],
    resources: { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    startupProbe: { ...health, periodSeconds: 2, failureThreshold: 60 },
    readinessProbe: { ...health, periodSeconds: 5, failureThreshold: 3 },
    livenessProbe: { ...health, periodSeconds: 15, failureThreshold: 4 },
    lifecycle: { preStop: { exec: { command: ["sleep", String(PRE_STOP_SLEEP_SECONDS)] } } },
    // The model cache as vLLM mounts it, so a replica's start is cold (empty cache) or warm (filled) alike.
    volumeMounts: [{ name: "model-cache", mountPath: MODEL_CACHE_PATH }],
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
    },
  };
}

const modelCacheVolume = (p: VllmChartProps): IVolume =>
  p.modelCache.type !== "emptyDir"
    ? { name: "model-cache", persistentVolumeClaim: { claimName: MODEL_CACHE_PVC } }
    : { name: "model-cache", emptyDir: { sizeLimit: `${p.modelCache.sizeGiB}Gi` } };

function volumes(p: VllmChartProps): IVolume[] {
  const tp = p.model.tensorParallelSize;
  return [
    // NCCL and PyTorch workers share tensors through /dev/shm; the container default (64 MiB) is far too small.
    { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: `${2 * tp}Gi` } },
    ...SCRATCH.map((s) => ({ name: s.name, emptyDir: { sizeLimit: s.sizeLimit } })),
    modelCacheVolume(p),
  ];
}

export function podSpec(p: VllmChartProps, labels: Record<string, string>): IPodSpec {
  const gpu = p.engine === "vllm";
  return {
    // A Service named `vllm` would inject VLLM_PORT=tcp://…, which vLLM reads as its own setting and rejects.
    enableServiceLinks: false,
    // Its own ServiceAccount (objects.ts), never the namespace's `default`.
    serviceAccountName: APP_NAME,
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
    securityContext: {
      seccompProfile: { type: "RuntimeDefault" },
      ...(gpu ? {} : { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 }),
    },
    ...(Object.keys(p.nodeSelector).length ? { nodeSelector: p.nodeSelector } : {}),
    ...(gpu
      ? { tolerations: [{ key: GPU_TAINT.key, operator: "Equal", value: GPU_TAINT.value, effect: GPU_TAINT.effect }] }
      : {}),
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: labels },
      },
    ],
    containers: [gpu ? vllmContainer(p) : simulatorContainer(p)],
    volumes: gpu ? volumes(p) : [modelCacheVolume(p)],
  };
}
