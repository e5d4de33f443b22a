import { z } from "zod";
import { overridesSchema, planSlosSchema, PRESETS } from "../bench/contract";
import { alertThresholdsSchema } from "../monitoring/thresholds";
import { clusterSecurityFields, monitoringSecurityFields, securityIssues } from "./config-security";
import { awsRegion, ec2InstanceType } from "./config-aws";
import { ipv4Cidr, vpcCidrProblem } from "./config-cidr";
import { cronSchedule } from "./config-cron";
import { notReservedNamespace } from "./config-namespaces";
import { gpuInstanceInfo } from "./gpu-instances";
import type { AddonDescriptor } from "./addons/addon";
import { ADDONS, type AddonKey } from "./addons/registry";
import { supportedKubernetesVersions } from "./addons/versions";
import { clusterDistributions } from "./addons/values/control-plane";
import { combinationIssues } from "./config-combinations";

// The one typed schema of the stack config (`Pulumi.<stack>.yaml`, namespace `vllm-k8s:`).
// Every field has a default and a description; the README's configuration reference is
// generated from these descriptions (`npm run docs:config`) and a test keeps it in sync.
// Secrets are not here: they are separate secret config keys (see `secretKeys`).

export const PROJECT = "vllm-k8s";

const cidr = ipv4Cidr;

/** The largest EBS gp3 volume (Amazon EBS User Guide, "Amazon EBS volume types", read late 2026). */
const EBS_MAX_GIB = 16384;

const k8sName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: "must be a lowercase DNS label (a-z, 0-9, '-')" })
  .max(63);

const clusterSchema = z
  .strictObject({
    mode: z
      .enum(["eks", "existing"])
      .default("eks")
      .describe(
        "`eks` creates the VPC, EKS cluster and node groups in AWS; `existing` deploys only the in-cluster parts to a kubeconfig context and creates no AWS resource.",
      ),
    name: k8sName.max(40).default("vllm").describe("Cluster name (EKS) and prefix of AWS resource names."),
    region: awsRegion.default("us-west-2").describe("AWS region (`eks` mode)."),
    kubernetesVersion: z
      .enum(supportedKubernetesVersions)
      .default("1.35")
      .describe("EKS Kubernetes version; one in EKS standard support."),
    kubeconfigContext: z
      .string()
      .min(1)
      .optional()
      .describe("`existing` mode: kubeconfig context to deploy to (default: the current context)."),
    kubeconfigPath: z
      .string()
      .min(1)
      .optional()
      .describe("`existing` mode: kubeconfig file (default: $KUBECONFIG or ~/.kube/config)."),
    endpointPrivateAccess: z
      .boolean()
      .default(true)
      .describe(
        "Reach the EKS API from inside the VPC (nodes and pods use it); must stay true (CIS EKS 5.4.2). docs/security.md shows how to run with only the private endpoint.",
      ),
    endpointPublicAccess: z
      .boolean()
      .default(true)
      .describe(
        "Reach the EKS API from outside the VPC (needed when `pulumi up` runs outside it); limited to `publicAccessCidrs`.",
      ),
    publicAccessCidrs: z
      .array(cidr)
      .default([])
      .describe(
        "CIDRs allowed to reach the public EKS API endpoint, e.g. your office or VPN egress `/32`. Required when the public endpoint is on.",
      ),
    allowPublicApiFromAnywhere: z
      .boolean()
      .default(false)
      .describe("Explicitly allow `0.0.0.0/0` in `publicAccessCidrs` (not recommended)."),
    adminRoleArns: z
      .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: "must be an IAM role ARN" }))
      .default([])
      .describe(
        "IAM roles granted cluster-admin through EKS access entries (the identity running `pulumi up` is admin already).",
      ),
    ...clusterSecurityFields,
  })
  .prefault({});

const networkSchema = z
  .strictObject({
    vpcCidr: cidr.default("10.0.0.0/16").describe("VPC CIDR (`eks` mode)."),
    azCount: z
      .number()
      .int()
      .min(2)
      .max(4)
      .default(3)
      .describe("Availability zones to spread subnets and nodes over (2-4)."),
    natGateways: z
      .enum(["single", "onePerAz"])
      .default("single")
      .describe("NAT gateways for the private subnets: `single` is cheaper, `onePerAz` survives an AZ outage."),
  })
  .prefault({});

const systemNodesSchema = z
  .strictObject({
    instanceTypes: z
      .array(ec2InstanceType)
      .min(1)
      .default(["m6i.large"])
      .describe("CPU instance types for Prometheus, Grafana and controllers."),
    minSize: z.number().int().min(1).default(2).describe("Minimum system nodes (at least 1: the add-ons live here)."),
    desiredSize: z.number().int().min(1).default(2).describe("Initial system nodes."),
    maxSize: z.number().int().min(1).default(4).describe("Maximum system nodes."),
    diskSizeGiB: z
      .number()
      .int()
      .min(20)
      .max(1024, { error: "at most 1024 GiB: system nodes hold no model weights" })
      .default(50)
      .describe("Root volume size (GiB, 20-1024)."),
  })
  .prefault({});

const gpuNodesSchema = z
  .strictObject({
    amiType: z
      .enum(["AL2023_x86_64_NVIDIA", "BOTTLEROCKET_x86_64_NVIDIA"])
      .default("AL2023_x86_64_NVIDIA")
      .describe(
        "EKS AMI for GPU nodes. AL2023 NVIDIA ships drivers but not the device plugin (we install it); Bottlerocket NVIDIA ships both.",
      ),
    instanceTypes: z
      .array(ec2InstanceType)
      .min(1)
      .default(["g6.xlarge"])
      .describe("GPU instance types (g5, g6, g6e, p4d, p5 families); all must have the same GPU count."),
    capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND").describe("On-demand or Spot GPU capacity."),
    minSize: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe("Minimum GPU nodes; 0 lets cluster-autoscaler scale the group to zero when idle."),
    desiredSize: z.number().int().min(0).default(0).describe("Initial GPU nodes (the autoscaler owns it afterwards)."),
    maxSize: z.number().int().min(1).default(2).describe("Maximum GPU nodes: the cost ceiling."),
    diskSizeGiB: z
      .number()
      .int()
      .min(50)
      .max(EBS_MAX_GIB, { error: `at most ${EBS_MAX_GIB} GiB (the largest EBS volume)` })
      .default(200)
      .describe("Root volume (GiB, 50-16384): container images plus model weights."),
    gpusPerNode: z
      .number()
      .int()
      .min(1)
      .max(8)
      .default(1)
      .describe("GPUs per node; must match the instance types (checked for known types)."),
  })
  .prefault({});

const loraSchema = z.strictObject({
  name: z.string().min(1).describe("Adapter name clients send as `model`."),
  path: z.string().min(1).describe("Hugging Face id or local path of the adapter."),
});

const modelSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, { error: "must be a Hugging Face model id such as Qwen/Qwen2.5-1.5B-Instruct" })
      .default("Qwen/Qwen2.5-1.5B-Instruct")
      .describe("Hugging Face model id vLLM serves."),
    servedName: z.string().min(1).optional().describe("Model name clients use (default: the model id)."),
    tensorParallelSize: z
      .number()
      .int()
      .min(1)
      .max(8)
      .default(1)
      .describe("GPUs per vLLM pod (`--tensor-parallel-size`), also its `nvidia.com/gpu` limit."),
    maxModelLen: z.number().int().min(256).default(8192).describe("Maximum context length (`--max-model-len`)."),
    gpuMemoryUtilization: z
      .number()
      .gt(0)
      .max(0.99)
      .default(0.9)
      .describe("Fraction of GPU memory vLLM may use (`--gpu-memory-utilization`)."),
    maxNumSeqs: z.number().int().min(1).default(256).describe("Running batch size (`--max-num-seqs`)."),
    loraAdapters: z.array(loraSchema).default([]).describe("LoRA adapters to serve (`--enable-lora --lora-modules`)."),
    extraArgs: z
      .array(z.string())
      .default([])
      .describe(
        "Extra vLLM arguments, appended verbatim. Flags the chart manages (`--port`, `--model`, `--tensor-parallel-size`, …) and secrets (`--api-key`, `--hf-token`) are refused.",
      ),
  })
  .prefault({});

const servingSchema = z
  .strictObject({
    engine: z
      .enum(["vllm", "simulator"])
      .default("vllm")
      .describe(
        "`vllm` runs vLLM on GPU nodes; `simulator` runs our CPU vLLM simulator with the same Service, metrics and HPA (GPU-less clusters).",
      ),
    namespace: k8sName
      .superRefine(notReservedNamespace)
      .default("vllm")
      .describe("Namespace of the vLLM Deployment, Service and benchmark."),
    replicas: z.number().int().min(1).default(1).describe("Replicas when autoscaling is off (and the initial count)."),
    apiKeyEnabled: z.boolean().default(false).describe("Require an API key (secret config `vllmApiKey`)."),
    modelCache: z
      .strictObject({
        type: z
          .enum(["emptyDir", "pvc", "shared"])
          .default("emptyDir")
          .describe(
            "Model cache volume: `emptyDir` (per pod, re-downloads), `pvc` (persistent, ReadWriteOnce: only with at most one vLLM pod) or `shared` (one ReadWriteMany claim every replica mounts: weights downloaded once; on eks our EFS class, elsewhere name an RWX class in storageClassName).",
          ),
        sizeGiB: z
          .number()
          .int()
          .min(1)
          .max(EBS_MAX_GIB, { error: `at most ${EBS_MAX_GIB} GiB (the largest EBS volume)` })
          .default(100)
          .describe("Model cache size (GiB, at most 16384)."),
        storageClassName: z
          .string()
          .min(1)
          .optional()
          .describe(
            "PVC storage class (`pvc`: default the cluster default; `shared`: an RWX class, default on eks our EFS class `efs`, required elsewhere).",
          ),
      })
      .prefault({})
      .describe("Model cache volume."),
    allowedClientNamespaces: z
      .array(k8sName)
      .default([])
      .describe("Namespaces (besides the serving namespace) whose pods may call the vLLM API (NetworkPolicy)."),
  })
  .prefault({});

/** Is `tz` an IANA time zone this runtime knows (KEDA's cron trigger reads the same database)? */
function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const activeHoursSchema = z.strictObject({
  timezone: z
    .string()
    .refine(knownTimeZone, { error: "must be an IANA time zone such as Europe/Paris or UTC" })
    .describe("IANA time zone of start and end (e.g. Europe/Paris)."),
  start: cronSchedule.describe("Cron expression (5 fields) at which the window opens, e.g. `0 8 * * 1-5`."),
  end: cronSchedule.describe("Cron expression (5 fields) at which the window closes, e.g. `0 19 * * 1-5`."),
  replicas: z.number().int().min(1).default(1).describe("vLLM pods kept inside the window (at least)."),
});

const autoscalingSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        "Autoscale vLLM on per-pod request rate: a KEDA ScaledObject and the HPA KEDA creates (needs addons.keda).",
      ),
    minReplicas: z
      .number()
      .int()
      .min(0)
      .default(1)
      .describe(
        "Minimum vLLM pods. 0 lets the GPU nodes go back to zero and needs a wake-up rule: `activeHours` and/or `idleToZero` (docs/serving.md).",
      ),
    maxReplicas: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe("HPA maximum vLLM pods (bounded by GPU nodes × GPUs per node / tensor parallel size)."),
    targetRequestsPerSecond: z
      .number()
      .positive()
      .default(5)
      .describe("Target successful requests per second per pod."),
    scaleUpStabilizationSeconds: z
      .number()
      .int()
      .min(0)
      .max(3600)
      .default(60)
      .describe("HPA scale-up stabilization window (s)."),
    scaleDownStabilizationSeconds: z
      .number()
      .int()
      .min(0)
      .max(3600)
      .default(900)
      .describe(
        "HPA scale-down stabilization window (s): long, GPU pods take minutes to start. Also KEDA's cooldown before zero.",
      ),
    activeHours: activeHoursSchema
      .optional()
      .describe("A cron window during which at least `replicas` vLLM pods run (KEDA cron trigger). Default: none."),
    idleToZero: z
      .boolean()
      .default(false)
      .describe(
        "Scale to zero after scaleDownStabilizationSeconds without a served request (KEDA idleReplicaCount: 0). It wakes only by activeHours or by hand (docs/serving.md).",
      ),
  })
  .prefault({});

// Which control-plane components kube-prometheus-stack scrapes (and alerts on). The distributions
// and their defaults live in infra/addons/values/control-plane.ts; docs/addons.md explains each.
const scrapeToggle = (component: string) =>
  z.boolean().optional().describe(`Scrape ${component} and keep its default alerts (default: per \`distribution\`).`);
const controlPlaneMetricsSchema = z
  .strictObject({
    distribution: z
      .enum(clusterDistributions)
      .optional()
      .describe(
        "Kubernetes distribution, which decides the control-plane components scraped by default (default: `eks` in eks mode, `other` in existing mode; see docs/addons.md).",
      ),
    kubeControllerManager: scrapeToggle("kube-controller-manager"),
    kubeScheduler: scrapeToggle("kube-scheduler"),
    kubeEtcd: scrapeToggle("etcd"),
    kubeProxy: scrapeToggle("kube-proxy"),
  })
  .prefault({})
  .describe(
    "Control-plane scraping by kube-prometheus-stack: a component that cannot be reached would fire its Down alert forever.",
  );

const monitoringSchema = z
  .strictObject({
    namespace: k8sName
      .superRefine(notReservedNamespace)
      .default("monitoring")
      .describe("Namespace of Prometheus, Grafana, Alertmanager, KEDA, Pushgateway."),
    prometheusRetention: z
      .string()
      .regex(/^\d+(h|d|w|y)$/, { error: "must be a Prometheus duration such as 15d" })
      .default("15d")
      .describe("Prometheus retention time."),
    prometheusStorageGiB: z
      .number()
      .int()
      .min(1)
      .max(EBS_MAX_GIB, { error: `at most ${EBS_MAX_GIB} GiB (the largest EBS volume)` })
      .default(50)
      .describe("Prometheus persistent volume size (GiB, at most 16384)."),
    prometheusUrl: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://prometheus.example.com" })
      .optional()
      .describe(
        "Your Prometheus (HTTP API base URL), for a stack with addons.kubePrometheusStack off: KEDA's autoscaling trigger queries it and the rehearsal reads the cluster's timeline from it. It must scrape the vLLM pods and kube-state-metrics. Refused with kube-prometheus-stack on (ours is used).",
      ),
    grafanaServiceType: z
      .enum(["ClusterIP", "LoadBalancer"])
      .default("ClusterIP")
      .describe("Grafana Service type. `ClusterIP` (reach it with `kubectl port-forward`); `LoadBalancer` exposes it."),
    alerts: alertThresholdsSchema.prefault({}).describe("Alert thresholds."),
    ...monitoringSecurityFields,
    controlPlaneMetrics: controlPlaneMetricsSchema,
  })
  .prefault({});

/** The `addons` section: one toggle per add-on of a registry, described and defaulted by its descriptor. */
export function addonsSchemaFor(registry: readonly AddonDescriptor[]) {
  const toggles = Object.fromEntries(
    registry.map(({ key, toggle }) => [
      key,
      toggle.default === undefined
        ? z.boolean().optional().describe(toggle.description)
        : z.boolean().default(toggle.default).describe(toggle.description),
    ]),
  );
  return z
    .strictObject({
      ...toggles,
      prometheusAdapter: z
        .boolean()
        .optional()
        .describe("Removed: KEDA (`addons.keda`) replaced prometheus-adapter. Delete the key."),
    })
    .prefault({});
}

const addonsSchema = addonsSchemaFor(ADDONS) as z.ZodPrefault<
  z.ZodObject<Record<AddonKey | "prometheusAdapter", z.ZodOptional<z.ZodBoolean>>, z.core.$strict>
>;

const benchmarkSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe("Deploy the benchmark Job template (and CronJob when `schedule` is set)."),
    scenario: z
      .enum(PRESETS)
      .default("smoke")
      .describe("Preset scenario the Job runs (rehearsal: the autoscaling rehearsal, docs/benchmark.md)."),
    schedule: cronSchedule
      .optional()
      .describe(
        "Cron schedule of a recurring benchmark CronJob, as Kubernetes takes it: five fields (`0 3 * * *`) or @hourly, @daily, @weekly, @monthly, @yearly.",
      ),
    image: z
      .string()
      .regex(/^[^\s:@]+(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, {
        error: "must be an image reference such as 123456789012.dkr.ecr.us-west-2.amazonaws.com/vllm-bench:0.1.0",
      })
      .refine((ref) => /[:@]/.test(ref.split("/").pop()!) && !ref.endsWith(":latest"), {
        error: "must pin a tag or digest (not `latest`)",
      })
      .optional()
      .describe(
        "Benchmark/simulator image to run (default: the pinned project image reference in charts/versions.ts).",
      ),
    buildImage: z
      .boolean()
      .default(false)
      .describe(
        "Build `bench/Dockerfile` and push it to a new ECR repository (`eks` mode; needs Docker where `pulumi up` runs). The pushed digest is used for the benchmark Job and the simulator engine.",
      ),
    overrides: overridesSchema
      .optional()
      .describe("Per-run changes to the preset, passed to the Job as environment variables."),
    plan: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .describe(
            "Run `vllm-bench plan` once as a Job against ONE vLLM pod (a headless Service, first address), pushing the sustainable rate to the Pushgateway for the capacity dashboard. Run it while that pod has no other traffic.",
          ),
        peakRequestsPerSecond: z
          .number()
          .positive()
          .default(50)
          .describe(
            "Expected fleet peak (req/s) the plan sizes `autoscaling.maxReplicas`, `gpuNodes.maxSize` and cost for.",
          ),
        headroom: z
          .number()
          .gt(0)
          .lt(0.9)
          .default(0.6)
          .describe(
            "HPA target as a fraction of the sustainable rate (below the 0.9 × sustainable VllmCapacityLow threshold).",
          ),
        quick: z
          .boolean()
          .default(false)
          .describe(
            "Reduced search (8 s points, 20 % precision, the answer confirmed by two 60 s runs: two to ten minutes) instead of the full one (60 s points, 2.5 %, up to 5 runs of an unsure rate, the answer on 8 runs: twenty minutes or more). Coarser and below the full answer as a rule; run the full plan before you commit.",
          ),
        slos: planSlosSchema
          .default({})
          .describe("SLOs by threshold name (e.g. `ttft_p95_ms: 2000`), added to the scenario preset's thresholds."),
        pricePerHour: z
          .number()
          .positive()
          .optional()
          .describe(
            "GPU instance price (USD/hour) for the plan's cost figures (default: the planner's dated on-demand price table).",
          ),
      })
      .prefault({})
      .describe("Capacity planning Job (`vllm-bench plan`): see docs/serving.md, Capacity planning."),
    // One run over many pods (an Indexed Job) for more streams than one client core measures cleanly.
    shards: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe(
        "Pods one benchmark run is split over (an Indexed Job; the last shard merges). Sizing: peak streams ÷ 1,000, rounded up (docs/benchmark.md, Sharding).",
      ),
    sharedResultsStorageClass: z
      .string()
      .min(1)
      .optional()
      .describe(
        "With shards > 1: storage class of the ReadWriteMany results volume the shards share. Default in `eks` mode: our EFS class `efs` (built for it); elsewhere: the cluster default.",
      ),
  })
  .prefault({});

export const stackConfigSchema = z.strictObject({
  cluster: clusterSchema,
  network: networkSchema,
  systemNodes: systemNodesSchema,
  gpuNodes: gpuNodesSchema,
  model: modelSchema,
  serving: servingSchema,
  autoscaling: autoscalingSchema,
  monitoring: monitoringSchema,
  addons: addonsSchema,
  benchmark: benchmarkSchema,
});

type ParsedConfig = z.output<typeof stackConfigSchema>;

/** The validated config, with mode-dependent defaults resolved. */
export type StackConfig = Omit<ParsedConfig, "addons" | "model"> & {
  /** One switch per add-on (the removed `prometheusAdapter` key is refused by the checks and never reaches them). */
  addons: Record<AddonKey, boolean>;
  model: ParsedConfig["model"] & { servedName: string };
};

export const configSections = Object.keys(stackConfigSchema.shape) as (keyof ParsedConfig)[];

/** Secret config keys (`pulumi config set --secret KEY`); never part of the plain config. */
export const secretKeys = {
  hfToken: "Hugging Face token for gated models (Kubernetes Secret `vllm-hf-token`).",
  vllmApiKey: "API key vLLM requires when `serving.apiKeyEnabled` is true.",
  grafanaAdminPassword: "Grafana admin password (a random one is generated when unset).",
  alertmanagerWebhookUrl:
    "Alertmanager generic webhook receiver URL (optional; it receives Alertmanager's JSON payload, so point it at a webhook adapter, not directly at a Slack incoming webhook).",
} as const;
export type SecretKey = keyof typeof secretKeys;

/** Cross-field rules zod's per-field checks cannot express; each names the key and the fix. */
export function crossFieldIssues(
  c: ParsedConfig,
  presentSecrets: ReadonlySet<SecretKey>,
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const eks = c.cluster.mode === "eks";

  if (eks && c.cluster.endpointPublicAccess && c.cluster.publicAccessCidrs.length === 0)
    add(
      "cluster.publicAccessCidrs",
      'the public API endpoint is on but no CIDR may reach it. Set it to your egress IP (e.g. ["203.0.113.4/32"]), or set cluster.endpointPublicAccess: false and run Pulumi from inside the VPC',
    );
  if (c.cluster.publicAccessCidrs.includes("0.0.0.0/0") && !c.cluster.allowPublicApiFromAnywhere)
    add(
      "cluster.publicAccessCidrs",
      "0.0.0.0/0 opens the Kubernetes API to the internet. Use your egress CIDR, or set cluster.allowPublicApiFromAnywhere: true to accept it",
    );
  if (eks) {
    const vpc = vpcCidrProblem(c.network.vpcCidr, c.network.azCount, c.systemNodes.maxSize + c.gpuNodes.maxSize);
    if (vpc) add("network.vpcCidr", vpc);
  }
  if (c.serving.namespace === c.monitoring.namespace)
    add(
      "serving.namespace",
      `serving and monitoring both use namespace '${c.serving.namespace}'; each is created (and deleted) with its part of the stack. Give them different names`,
    );
  const cp = c.monitoring.controlPlaneMetrics;
  if (eks && cp.distribution !== undefined && cp.distribution !== "eks")
    add(
      "monitoring.controlPlaneMetrics.distribution",
      `cluster.mode eks is an EKS cluster, not ${cp.distribution}. Remove the key or set it to eks`,
    );
  for (const k of ["kubeControllerManager", "kubeScheduler", "kubeEtcd"] as const)
    if ((eks || cp.distribution === "eks") && cp[k] === true)
      add(
        `monitoring.controlPlaneMetrics.${k}`,
        "EKS runs its control plane outside the cluster, so nothing can be scraped and its Down alert would fire forever. Remove the key or set it to false",
      );
  if (!eks && c.addons.clusterAutoscaler === true)
    add(
      "addons.clusterAutoscaler",
      "cluster-autoscaler is only installed in eks mode (it needs AWS Auto Scaling groups). Remove the key or set it to false",
    );

  for (const [group, g] of [
    ["systemNodes", c.systemNodes],
    ["gpuNodes", c.gpuNodes],
  ] as const) {
    if (g.minSize > g.maxSize)
      add(`${group}.minSize`, `minSize (${g.minSize}) is above maxSize (${g.maxSize}). Lower minSize or raise maxSize`);
    if (g.desiredSize < g.minSize || g.desiredSize > g.maxSize)
      add(
        `${group}.desiredSize`,
        `desiredSize (${g.desiredSize}) must lie between minSize (${g.minSize}) and maxSize (${g.maxSize})`,
      );
  }

  const gpuTypes = c.gpuNodes.instanceTypes.map((t) => [t, gpuInstanceInfo(t)] as const);
  for (const [t, info] of gpuTypes) {
    if (/^(g4dn|g4ad|p2|p3)\./.test(t))
      add("gpuNodes.instanceTypes", `${t} is too old for current vLLM images; use g5, g6, g6e, p4d or p5`);
    else if (eks && !info && !/^(g|p)\d/.test(t))
      add("gpuNodes.instanceTypes", `${t} is not a GPU instance type; use one such as g6.xlarge`);
    else if (info && info.gpus !== c.gpuNodes.gpusPerNode)
      add(
        "gpuNodes.gpusPerNode",
        `${t} has ${info.gpus} GPU(s) but gpusPerNode is ${c.gpuNodes.gpusPerNode}. Set gpusPerNode: ${info.gpus} (every instance type of the group needs the same count)`,
      );
  }
  if (c.serving.engine === "vllm" && c.model.tensorParallelSize > c.gpuNodes.gpusPerNode)
    add(
      "model.tensorParallelSize",
      `a vLLM pod cannot span nodes: tensorParallelSize (${c.model.tensorParallelSize}) exceeds gpuNodes.gpusPerNode (${c.gpuNodes.gpusPerNode}). Lower it or pick a larger instance type`,
    );

  if (c.autoscaling.minReplicas > c.autoscaling.maxReplicas)
    add(
      "autoscaling.minReplicas",
      `minReplicas (${c.autoscaling.minReplicas}) is above maxReplicas (${c.autoscaling.maxReplicas})`,
    );
  if (c.addons.prometheusAdapter !== undefined)
    add(
      "addons.prometheusAdapter",
      "prometheus-adapter was replaced by KEDA (addons.keda); delete the key (docs/serving.md says what `pulumi up` changes)",
    );
  if (c.autoscaling.enabled && !c.addons.keda)
    add(
      "autoscaling.enabled",
      "the request-rate autoscaler needs KEDA. Set addons.keda: true, or autoscaling.enabled: false",
    );
  if (c.autoscaling.minReplicas === 0 && !c.autoscaling.activeHours && !c.autoscaling.idleToZero)
    add(
      "autoscaling.minReplicas",
      "0 needs a wake-up rule: set autoscaling.activeHours (a cron window with a time zone) and/or autoscaling.idleToZero: true",
    );
  if (c.autoscaling.minReplicas === 0 && !c.autoscaling.enabled)
    add("autoscaling.minReplicas", "0 needs autoscaling.enabled: true (KEDA scales to and from zero)");
  if (c.autoscaling.activeHours && c.autoscaling.activeHours.replicas > c.autoscaling.maxReplicas)
    add(
      "autoscaling.activeHours.replicas",
      `${c.autoscaling.activeHours.replicas} is above autoscaling.maxReplicas (${c.autoscaling.maxReplicas})`,
    );
  const podsPerNode = Math.floor(c.gpuNodes.gpusPerNode / c.model.tensorParallelSize);
  if (
    eks &&
    podsPerNode > 0 &&
    c.serving.engine === "vllm" &&
    c.autoscaling.enabled &&
    c.autoscaling.maxReplicas > podsPerNode * c.gpuNodes.maxSize
  )
    add(
      "autoscaling.maxReplicas",
      `maxReplicas (${c.autoscaling.maxReplicas}) needs more GPUs than gpuNodes.maxSize (${c.gpuNodes.maxSize}) nodes hold (${podsPerNode * c.gpuNodes.maxSize} pods). Raise gpuNodes.maxSize or lower maxReplicas`,
    );

  if (c.addons.nvidiaDevicePlugin === true && c.gpuNodes.amiType.startsWith("BOTTLEROCKET"))
    add(
      "addons.nvidiaDevicePlugin",
      "Bottlerocket NVIDIA AMIs ship their own device plugin; a second one conflicts. Remove the key or set it to false",
    );
  if (c.serving.apiKeyEnabled && !presentSecrets.has("vllmApiKey"))
    add(
      "serving.apiKeyEnabled",
      "an API key is required but the secret is missing. Run `pulumi config set --secret vllmApiKey <key>`",
    );
  if (c.benchmark.buildImage && !eks)
    add(
      "benchmark.buildImage",
      "the ECR image build needs cluster.mode eks. Push the image yourself and set benchmark.image instead",
    );
  if (c.benchmark.buildImage && c.benchmark.image)
    add(
      "benchmark.image",
      "set either benchmark.image (use a given image) or benchmark.buildImage (build and push one), not both",
    );
  issues.push(...securityIssues(c));
  issues.push(...combinationIssues(resolveDefaults(c)));
  // Each shard pod requests 1 CPU on the system nodes, one vCPU per node is left to Prometheus, Grafana and the
  // controllers. EC2 sizes (aws.amazon.com/ec2/instance-types): large = 2 vCPUs, xlarge = 4, Nxlarge = 4N; others unchecked.
  const vcpus = (t: string) =>
    /\.large$/.test(t) ? 2 : /\.(\d*)xlarge$/.test(t) ? 4 * Number(t.match(/\.(\d*)xlarge$/)![1] || 1) : undefined;
  const perNode = Math.min(...c.systemNodes.instanceTypes.map((t) => vcpus(t) ?? Infinity)) - 1;
  if (eks && c.benchmark.shards > 1 && Number.isFinite(perNode) && c.benchmark.shards > perNode * c.systemNodes.maxSize)
    add(
      "benchmark.shards",
      `${c.benchmark.shards} shard pods (1 CPU each) do not fit on systemNodes (${c.systemNodes.maxSize} × ${c.systemNodes.instanceTypes.join("/")}, ${perNode * c.systemNodes.maxSize} CPUs free for them). Lower shards or raise systemNodes.maxSize`,
    );
  const names = c.model.loraAdapters.map((a) => a.name);
  if (new Set(names).size !== names.length) add("model.loraAdapters", "adapter names must be unique");
  if (c.serving.engine === "vllm" && c.monitoring.alerts.gpuMemoryUsageRatio <= c.model.gpuMemoryUtilization)
    add(
      "monitoring.alerts.gpuMemoryUsageRatio",
      `vLLM reserves model.gpuMemoryUtilization (${c.model.gpuMemoryUtilization}) of each GPU at start, so an alert at ${c.monitoring.alerts.gpuMemoryUsageRatio} would fire all the time. Set it above ${c.model.gpuMemoryUtilization}`,
    );
  return issues;
}

/** Fill the defaults that depend on other fields. */
export function resolveDefaults(c: ParsedConfig): StackConfig {
  // The toggles whose descriptor leaves the default to the rest of the config.
  const derived: Partial<Record<AddonKey, boolean>> = {
    nvidiaDevicePlugin: !c.gpuNodes.amiType.startsWith("BOTTLEROCKET"),
    clusterAutoscaler: c.cluster.mode === "eks",
  };
  return {
    ...c,
    model: { ...c.model, servedName: c.model.servedName ?? c.model.id },
    addons: Object.fromEntries(
      ADDONS.map(({ key, toggle }) => [key, c.addons[key] ?? derived[key] ?? toggle.default ?? false]),
    ) as Record<AddonKey, boolean>,
  };
}
