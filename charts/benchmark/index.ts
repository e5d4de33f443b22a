// The in-cluster benchmark: `vllm-bench run` against the vLLM Service with a scenario file from a
// ConfigMap, results to stdout, a volume and the Pushgateway. With a schedule it is a CronJob;
// without one, a suspended CronJob to start runs from (or, with unscheduled: "job", a Job):
//   kubectl -n <ns> create job vllm-bench-$(date +%s) --from=cronjob/vllm-bench
import { ApiObject, Chart } from "cdk8s";
import type { Construct } from "constructs";
import { benchmarkObjects } from "./objects";
import type { BenchmarkChartProps } from "./props";

export { BENCH_NAME, benchmarkObjects, runDeadlineSeconds } from "./objects";
export type { BenchmarkChartProps } from "./props";

export class BenchmarkChart extends Chart {
  constructor(scope: Construct, id: string, props: BenchmarkChartProps) {
    super(scope, id, { namespace: props.namespace });
    // Ids name the deployed resources: the benchmark's keep theirs, the plan's are prefixed.
    benchmarkObjects(props).forEach((obj, i) => new ApiObject(this, `${i < 2 ? "" : "plan-"}${obj.kind.toLowerCase()}`, obj as never));
  }
}
