// The objects of the in-cluster benchmark: a ConfigMap with the scenario file and a Job (or a
// CronJob) running `vllm-bench run` against the vLLM Service, configured by environment only.
import type { ICronJob, IJob, IJobSpec } from "kubernetes-models/batch/v1";
import type { IConfigMap, IEnvVar, IPodSpec, IService } from "kubernetes-models/v1";
import { parseScenarioFile, presetText, type ScenarioFile } from "../../bench/client/scenario";
import { planObjects } from "./plan";
import type { BenchmarkChartProps } from "./props";

export const BENCH_NAME = "vllm-bench";
export const CONFIG_DIR = "/config";
export const OUTPUT_DIR = "/results";
const labels = { "app.kubernetes.io/name": BENCH_NAME, "app.kubernetes.io/part-of": "vllm-k8s" };
const DEFAULT_RESOURCES = { requests: { cpu: "1", memory: "512Mi" }, limits: { cpu: "2", memory: "1Gi" } };
const CRON = /^(\S+\s+){4}\S+$|^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;

/** The scenario file, checked with the CLI's own schema so a bad file fails at synth, not in the Job. */
function scenarioOf(p: BenchmarkChartProps): { name: string; json: string; file: ScenarioFile } {
  const s = p.scenario ?? { name: "smoke", json: presetText("smoke") };
  let raw: unknown;
  try {
    raw = JSON.parse(s.json);
  } catch (e) {
    throw new Error(`benchmark scenario '${s.name}': not valid JSON (${(e as Error).message}); pass the text of a bench/presets-style file`);
  }
  return { ...s, file: parseScenarioFile(raw, `benchmark scenario '${s.name}'`) };
}

/** Worst case of one run: waiting for the server, every timed scenario and its pause, and the in-flight tail. */
export function runDeadlineSeconds(file: ScenarioFile, readyTimeoutS: number, durationOverride?: number): number | undefined {
  const per = file.scenarios.map((s) => durationOverride ?? s.duration);
  if (per.some((d) => d === undefined)) return undefined;
  const tail = 600; // the client's default per-request timeout: streams still open at a deadline may run this long
  return Math.ceil(readyTimeoutS + file.scenarios.reduce((a, s, i) => a + per[i]! + s.pause_after_s + tail, 0) + 300);
}

function check(p: BenchmarkChartProps): void {
  if (p.schedule !== undefined && !CRON.test(p.schedule.trim()))
    throw new Error(`benchmark schedule '${p.schedule}': expected a 5-field cron expression such as "0 3 * * *"`);
  if (!/^https?:\/\/[^\s/]+/.test(p.endpoint)) throw new Error(`benchmark endpoint '${p.endpoint}': expected an http(s) base URL such as http://vllm.vllm.svc:8000`);
  if (p.pushgatewayUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(p.pushgatewayUrl))
    throw new Error(`benchmark pushgatewayUrl '${p.pushgatewayUrl}': expected an http(s) URL such as http://prometheus-pushgateway.monitoring.svc:9091`);
  const limits = p.resources?.limits;
  if (p.resources && !(limits?.memory && limits?.cpu)) throw new Error("benchmark resources: set limits.cpu and limits.memory (the client needs a bounded, predictable CPU to measure accurately)");
  const o = p.overrides;
  if (o?.concurrencyLevels?.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`benchmark overrides.concurrencyLevels: ${o.concurrencyLevels.join(",")} must be positive integers`);
  if (o?.requestRate !== undefined && !(o.requestRate > 0)) throw new Error(`benchmark overrides.requestRate: ${o.requestRate} must be > 0 requests/s`);
  if (o?.rampUp && o.requestRate !== undefined) throw new Error("benchmark overrides: set requestRate or rampUp, not both (each sets the arrival rate)");
  if (o?.rampUp && !(o.rampUp.startRps > 0 && o.rampUp.endRps > 0))
    throw new Error(`benchmark overrides.rampUp: startRps ${o.rampUp.startRps} and endRps ${o.rampUp.endRps} must both be > 0 requests/s`);
  if (o?.durationSeconds !== undefined && !(o.durationSeconds > 0)) throw new Error(`benchmark overrides.durationSeconds: ${o.durationSeconds} must be > 0`);
}

function env(p: BenchmarkChartProps, readyTimeoutS: number): IEnvVar[] {
  const o = p.overrides ?? {};
  const plain: [string, string | undefined][] = [
    ["MODEL_ENDPOINT", p.endpoint],
    ["SERVED_MODEL_NAME", p.model],
    ["CONFIG_PATH", `${CONFIG_DIR}/scenario.json`],
    ["OUTPUT_DIR", OUTPUT_DIR],
    ["READY_TIMEOUT", String(readyTimeoutS)],
    ["PUSHGATEWAY_URL", p.pushgatewayUrl],
    ["REQUEST_RATE", o.requestRate?.toString()],
    ["RAMP_UP_STRATEGY", o.rampUp?.strategy],
    ["RAMP_UP_START_RPS", o.rampUp?.startRps.toString()],
    ["RAMP_UP_END_RPS", o.rampUp?.endRps.toString()],
    ["CONCURRENCY_LEVELS", o.concurrencyLevels?.join(",")],
    ["DURATION", o.durationSeconds?.toString()],
  ];
  return [
    ...plain.filter((e): e is [string, string] => e[1] !== undefined).map(([name, value]) => ({ name, value })),
    ...(p.apiKeySecret ? [{ name: "VLLM_API_KEY", valueFrom: { secretKeyRef: { ...p.apiKeySecret } } }] : []),
  ];
}

function podSpec(p: BenchmarkChartProps, configMapName: string, readyTimeoutS: number): IPodSpec {
  return {
    restartPolicy: "Never",
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    // The CLI stops sending on SIGTERM, gives in-flight streams 3 s, then writes its files.
    terminationGracePeriodSeconds: 30,
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
    ...(p.nodeSelector && Object.keys(p.nodeSelector).length ? { nodeSelector: { ...p.nodeSelector } } : {}),
    containers: [
      {
        name: "bench",
        image: p.image,
        imagePullPolicy: "IfNotPresent",
        args: ["run"],
        env: env(p, readyTimeoutS),
        resources: p.resources ?? DEFAULT_RESOURCES,
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
        volumeMounts: [
          { name: "scenario", mountPath: CONFIG_DIR, readOnly: true },
          { name: "results", mountPath: OUTPUT_DIR },
        ],
      },
    ],
    volumes: [
      { name: "scenario", configMap: { name: configMapName } },
      p.resultsClaimName ? { name: "results", persistentVolumeClaim: { claimName: p.resultsClaimName } } : { name: "results", emptyDir: { sizeLimit: "1Gi" } },
    ],
  };
}

export function benchmarkObjects(p: BenchmarkChartProps): [IConfigMap, ICronJob | IJob, ...(IService | IJob)[]] {
  check(p);
  const sc = scenarioOf(p);
  const readyTimeoutS = p.readyTimeoutSeconds ?? 900;
  const configMap: IConfigMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `${BENCH_NAME}-scenario`, namespace: p.namespace, labels, annotations: { "vllm-k8s.io/scenario": sc.name } },
    data: { "scenario.json": sc.json },
  };
  const jobSpec: IJobSpec = {
    // A failed benchmark is a result (a threshold missed, exit 1), not something to retry.
    backoffLimit: 0,
    activeDeadlineSeconds: p.activeDeadlineSeconds ?? runDeadlineSeconds(sc.file, readyTimeoutS, p.overrides?.durationSeconds) ?? 3 * 3600,
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
