// The in-cluster benchmark: a CronJob running `vllm-bench run` against the vLLM Service with a
// scenario file from a ConfigMap, pushing results to the Pushgateway. Without a schedule the
// CronJob is suspended and serves as the Job template:
//   kubectl -n <ns> create job vllm-bench-$(date +%s) --from=cronjob/vllm-bench
import { ApiObject, Chart } from "cdk8s";
import type { Construct } from "constructs";
import type { ICronJob } from "kubernetes-models/batch/v1";
import type { IConfigMap, IEnvVar } from "kubernetes-models/v1";

export interface BenchmarkChartProps {
  namespace: string;
  image: string;
  /** Base URL of the OpenAI-compatible server, e.g. http://vllm.vllm.svc:8000 */
  endpoint: string;
  /** Served model name. */
  model: string;
  /** Scenario file (JSON text, bench/presets layout) and its name. */
  scenario: { name: string; json: string };
  pushgatewayUrl?: string;
  /** Cron schedule; none = suspended CronJob used as a Job template. */
  schedule?: string;
  apiKeySecret?: { name: string; key: string };
  nodeSelector: Record<string, string>;
}

export const BENCH_NAME = "vllm-bench";
const CONFIG_DIR = "/config";
const OUTPUT_DIR = "/results";
const labels = { "app.kubernetes.io/name": BENCH_NAME, "app.kubernetes.io/part-of": "vllm-k8s" };

export function benchmarkObjects(p: BenchmarkChartProps): [IConfigMap, ICronJob] {
  const env: IEnvVar[] = [
    { name: "MODEL_ENDPOINT", value: p.endpoint },
    { name: "SERVED_MODEL_NAME", value: p.model },
    { name: "CONFIG_PATH", value: `${CONFIG_DIR}/scenario.json` },
    { name: "OUTPUT_DIR", value: OUTPUT_DIR },
    ...(p.pushgatewayUrl ? [{ name: "PUSHGATEWAY_URL", value: p.pushgatewayUrl }] : []),
    ...(p.apiKeySecret ? [{ name: "VLLM_API_KEY", valueFrom: { secretKeyRef: p.apiKeySecret } }] : []),
  ];
  const configMap: IConfigMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `${BENCH_NAME}-scenario`, namespace: p.namespace, labels, annotations: { "vllm-k8s.io/scenario": p.scenario.name } },
    data: { "scenario.json": p.scenario.json },
  };
  const cronJob: ICronJob = {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: BENCH_NAME, namespace: p.namespace, labels },
    spec: {
      schedule: p.schedule ?? "0 0 1 1 *",
      suspend: !p.schedule,
      concurrencyPolicy: "Forbid",
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          // A failed benchmark is a result (thresholds missed), not something to retry.
          backoffLimit: 0,
          activeDeadlineSeconds: 3 * 3600,
          ttlSecondsAfterFinished: 7 * 24 * 3600,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: "Never",
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
              ...(Object.keys(p.nodeSelector).length ? { nodeSelector: p.nodeSelector } : {}),
              containers: [
                {
                  name: "bench",
                  image: p.image,
                  imagePullPolicy: "IfNotPresent",
                  args: ["run"],
                  env,
                  resources: { requests: { cpu: "1", memory: "512Mi" }, limits: { cpu: "2", memory: "1Gi" } },
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  volumeMounts: [
                    { name: "scenario", mountPath: CONFIG_DIR, readOnly: true },
                    { name: "results", mountPath: OUTPUT_DIR },
                  ],
                },
              ],
              volumes: [
                { name: "scenario", configMap: { name: configMap.metadata!.name! } },
                { name: "results", emptyDir: { sizeLimit: "1Gi" } },
              ],
            },
          },
        },
      },
    },
  };
  return [configMap, cronJob];
}

export class BenchmarkChart extends Chart {
  constructor(scope: Construct, id: string, props: BenchmarkChartProps) {
    super(scope, id);
    for (const obj of benchmarkObjects(props)) new ApiObject(this, `${obj.kind}`.toLowerCase(), obj as never);
  }
}
