// The in-cluster benchmark: `vllm-bench run` against the vLLM Service with a scenario file from a
// ConfigMap, results to stdout, a volume and the Pushgateway. With a schedule it is a CronJob;
// without one, a suspended CronJob to start runs from (or, with unscheduled: "job", a Job):
//   kubectl -n <ns> create job vllm-bench-$(date +%s) --from=cronjob/vllm-bench
import { Chart } from "cdk8s";
import type { Construct } from "constructs";
import { typedObject } from "../typed-object";
import { fleetObjects } from "./indexed-job";
import { benchmarkObjects, serviceAccount } from "./objects";
import { withPodReader } from "./pod-reader";
import type { BenchmarkChartProps } from "./props";

export { BENCH_NAME, benchmarkObjects, runDeadlineSeconds } from "./objects";
export { fleetObjects, shardedObjects, SHARED_RESULTS_CLAIM } from "./indexed-job";
export type { BenchmarkChartProps } from "./props";

export class BenchmarkChart extends Chart {
  constructor(scope: Construct, id: string, props: BenchmarkChartProps) {
    super(scope, id, { namespace: props.namespace });
    // Ids name the deployed resources: the benchmark's keep theirs (sharded into an Indexed Job when
    // shards > 1, with its results claim), the plan's are prefixed.
    typedObject(this, "serviceaccount", serviceAccount(props));
    const [configMap, runner, ...plan] = benchmarkObjects(props);
    // The rehearsal reads the vLLM pods' start times from the API (pod-reader.ts).
    const { objs, rbac } = withPodReader(props.namespace, [configMap, runner]);
    for (const obj of rbac) typedObject(this, obj.kind.toLowerCase(), obj);
    const run = fleetObjects(props, objs, {
      shards: props.shards ?? 1,
      storageClassName: props.sharedResultsStorageClass,
    });
    for (const obj of run) typedObject(this, obj.kind.toLowerCase(), obj);
    for (const obj of plan) typedObject(this, `plan-${obj.kind.toLowerCase()}`, obj);
  }
}
