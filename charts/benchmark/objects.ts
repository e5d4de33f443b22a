// The objects of the in-cluster benchmark: a ConfigMap with the scenario file and a Job (or a
// CronJob) running `vllm-bench run` against the vLLM Service, configured by environment only.
import type { ICronJob, IJob, IJobSpec } from "kubernetes-models/batch/v1";
import type { IConfigMap, IEnvVar, IPodSpec, IService, IServiceAccount } from "kubernetes-models/v1";
import {
  DEFAULT_REQUEST_TIMEOUT_S,
  JOB_ENV,
  jobTerminationGraceSeconds,
  overridesSchema,
  parseScenarioFile,
  presetText,
  type ScenarioFile,
} from "../../bench/contract";
import { planObjects } from "./plan";
import type { BenchmarkChartProps } from "./props";
import { PART_OF } from "../part-of";

export const BENCH_NAME = "vllm-bench";
export const CONFIG_DIR = "/config";
export const OUTPUT_DIR = "/results";
const labels = { "app.kubernetes.io/name": BENCH_NAME, ...PART_OF };
const DEFAULT_RESOURCES = { requests: { cpu: "1", memory: "512Mi" }, limits: { cpu: "2", memory: "1Gi" } };
const CRON = /^(\S+\s+){4}\S+$|^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;

/** The scenario file, checked with the CLI's own schema so a bad file fails at synth, not in the Job. */
function scenarioOf(p: BenchmarkChartProps): { name: string; json: string; file: ScenarioFile } {
  const s = p.scenario ?? { name: "smoke", json: presetText("smoke") };
  let raw: unknown;
  try {
    raw = JSON.parse(s.json);
  } catch (e) {
    throw new Error(
      `benchmark scenario '${s.name}': not valid JSON (${(e as Error).message}); pass the text of a bench/presets-style file`,
      { cause: e },
    );
  }
  return { ...s, file: parseScenarioFile(raw, `benchmark scenario '${s.name}'`) };
}

/** Worst case of one run: waiting for the server, every timed scenario and its pause, and the in-flight tail. */
export function runDeadlineSeconds(
  file: ScenarioFile,
  readyTimeoutS: number,
  durationOverride?: number,
): number | undefined {
  const per = file.scenarios.map((s) => durationOverride ?? s.duration);
  if (per.some((d) => d === undefined)) return undefined;
  const tail = DEFAULT_REQUEST_TIMEOUT_S; // streams still open at a deadline may run this long
  return Math.ceil(readyTimeoutS + file.scenarios.reduce((a, s, i) => a + per[i]! + s.pause_after_s + tail, 0) + 300);
}

function check(p: BenchmarkChartProps): void {
  if (p.schedule !== undefined && !CRON.test(p.schedule.trim()))
    throw new Error(`benchmark schedule '${p.schedule}': expected a 5-field cron expression such as "0 3 * * *"`);
  if (!/^https?:\/\/[^\s/]+/.test(p.endpoint))
    throw new Error(
      `benchmark endpoint '${p.endpoint}': expected an http(s) base URL such as http://vllm.vllm.svc:8000`,
    );
  if (p.pushgatewayUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(p.pushgatewayUrl))
    throw new Error(
      `benchmark pushgatewayUrl '${p.pushgatewayUrl}': expected an http(s) URL such as http://pushgateway.monitoring.svc:9091`,
    );
  const limits = p.resources?.limits;
  if (p.resources && !(limits?.memory && limits?.cpu))
    throw new Error(
      "benchmark resources: set limits.cpu and limits.memory (the client needs a bounded, predictable CPU to measure accurately)",
    );
  // The stack config's own schema: the same rules (the rate-or-ramp one included), the same keys.
  const o = overridesSchema.safeParse(p.overrides ?? {});
  if (!o.success)
    throw new Error(
      o.error.issues.map((i) => `benchmark ${["overrides", ...i.path].join(".")}: ${i.message}`).join("; "),
    );
}

function env(p: BenchmarkChartProps, readyTimeoutS: number): IEnvVar[] {
  const o = p.overrides ?? {};
  const plain: [string, string | undefined][] = [
    [JOB_ENV.endpoint, p.endpoint],
    [JOB_ENV.servedModelName, p.model],
    [JOB_ENV.configPath, `${CONFIG_DIR}/scenario.json`],
    [JOB_ENV.outputDir, OUTPUT_DIR],
    [JOB_ENV.readyTimeout, String(readyTimeoutS)],
    [JOB_ENV.pushgatewayUrl, p.pushgatewayUrl],
    [JOB_ENV.requestRate, o.requestRate?.toString()],
    [JOB_ENV.rampUpStrategy, o.rampUp?.strategy],
    [JOB_ENV.rampUpStartRps, o.rampUp?.startRps.toString()],
    [JOB_ENV.rampUpEndRps, o.rampUp?.endRps.toString()],
    [JOB_ENV.concurrencyLevels, o.concurrencyLevels?.join(",")],
    [JOB_ENV.duration, o.durationSeconds?.toString()],
  ];
  const apiKey = p.apiKeySecret ? [{ name: JOB_ENV.apiKey, valueFrom: { secretKeyRef: { ...p.apiKeySecret } } }] : [];
  return [
    ...plain.filter((e): e is [string, string] => e[1] !== undefined).map(([name, value]) => ({ name, value })),
    ...apiKey,
  ];
}

function podSpec(p: BenchmarkChartProps, configMapName: string, readyTimeoutS: number): IPodSpec {
  return {
    restartPolicy: "Never",
    // Its own ServiceAccount (serviceAccount() below), never the namespace's `default`. No token: only the
    // rehearsal calls the Kubernetes API, and it gets its own (pod-reader.ts).
    serviceAccountName: BENCH_NAME,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    // The CLI stops sending on SIGTERM, cuts in-flight streams and writes its files within its stop grace.
    terminationGracePeriodSeconds: jobTerminationGraceSeconds(),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    },
    ...(p.nodeSelector && Object.keys(p.nodeSelector).length ? { nodeSelector: { ...p.nodeSelector } } : {}),
    containers: [
      {
        name: "bench",
        image: p.image,
        imagePullPolicy: "IfNotPresent",
        args: ["run"],
        env: env(p, readyTimeoutS),
        resources: p.resources ?? DEFAULT_RESOURCES,
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ["ALL"] },
        },
        volumeMounts: [
          { name: "scenario", mountPath: CONFIG_DIR, readOnly: true },
          { name: "results", mountPath: OUTPUT_DIR },
        ],
      },
    ],
    volumes: [
      { name: "scenario", configMap: { name: configMapName } },
      p.resultsClaimName
        ? { name: "results", persistentVolumeClaim: { claimName: p.resultsClaimName } }
        : { name: "results", emptyDir: { sizeLimit: "1Gi" } },
    ],
  };
}

/** The benchmark's own identity (CIS EKS 4.1.5); no token is mounted, and only the rehearsal's pod-reading Role binds it. */
export function serviceAccount(p: BenchmarkChartProps): IServiceAccount {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: BENCH_NAME, namespace: p.namespace, labels },
    automountServiceAccountToken: false,
  };
}

export function benchmarkObjects(p: BenchmarkChartProps): [IConfigMap, ICronJob | IJob, ...(IService | IJob)[]] {
  check(p);
  const sc = scenarioOf(p);
  const readyTimeoutS = p.readyTimeoutSeconds ?? 900;
  const configMap: IConfigMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `${BENCH_NAME}-scenario`,
      namespace: p.namespace,
      labels,
      annotations: { "vllm-k8s.io/scenario": sc.name },
    },
    data: { "scenario.json": sc.json },
  };
  const jobSpec: IJobSpec = {
    // A failed benchmark is a result (a threshold missed, exit 1), not something to retry.
    backoffLimit: 0,
    activeDeadlineSeconds:
      p.activeDeadlineSeconds ?? runDeadlineSeconds(sc.file, readyTimeoutS, p.overrides?.durationSeconds) ?? 3 * 3600,
    ttlSecondsAfterFinished: p.ttlSecondsAfterFinished ?? 7 * 24 * 3600,
    template: { metadata: { labels }, spec: podSpec(p, configMap.metadata!.name!, readyTimeoutS) },
  };
  const plan = p.plan ? planObjects(p, p.plan, jobSpec) : [];
  if (!p.schedule && p.unscheduled === "job") {
    const job: IJob = {
      apiVersion: "batch/v1",
      kind: "Job",
      // Pulumi would otherwise wait for the run to finish (and fail the update on exit 1).
      metadata: { name: BENCH_NAME, namespace: p.namespace, labels, annotations: { "pulumi.com/skipAwait": "true" } },
      spec: jobSpec,
    };
    return [configMap, job, ...plan];
  }
  const cronJob: ICronJob = {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: BENCH_NAME, namespace: p.namespace, labels },
    spec: {
      // Unscheduled: a suspended template, run with `kubectl create job --from=cronjob/vllm-bench`.
      schedule: p.schedule ?? "0 0 1 1 *",
      suspend: !p.schedule,
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { metadata: { labels }, spec: jobSpec },
    },
  };
  return [configMap, cronJob, ...plan];
}
