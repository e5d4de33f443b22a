// Every in-cluster object we own, as one cdk8s App: `npm run synth` writes it to dist/, and
// infra/workloads deploys the very same objects with Pulumi.
import { App, type Chart } from "cdk8s";
import type { AlertThresholds } from "../monitoring/thresholds";
import { BenchmarkChart, type BenchmarkChartProps } from "./benchmark";
import { DashboardsChart, MonitoringRulesChart } from "./monitoring";
import { VllmChart, type VllmChartProps } from "./vllm";

export interface AppProps {
  vllm: VllmChartProps;
  monitoring: { thresholds: AlertThresholds };
  /** The benchmark CronJob; absent when benchmark.enabled is false. */
  benchmark?: BenchmarkChartProps;
}

/** Chart ids double as dist/ file names; the number orders `kubectl apply -f dist/`. */
export function buildApp(props: AppProps): App {
  const app = new App({ outdir: "dist" });
  const ns = props.vllm.namespace;
  new VllmChart(app, "10-vllm", props.vllm);
  new MonitoringRulesChart(app, "20-monitoring-rules", { namespace: ns, thresholds: props.monitoring.thresholds });
  new DashboardsChart(app, "30-dashboards", { namespace: ns, thresholds: props.monitoring.thresholds });
  if (props.benchmark) new BenchmarkChart(app, "40-benchmark", props.benchmark);
  return app;
}

/** A chart's objects, in apply order: the manifests cdk8s renders (typed `any[]` by cdk8s). */
export function chartObjects(chart: Chart): Array<Record<string, unknown>> {
  const objs: unknown[] = chart.toJson();
  return objs.map((o) => {
    if (o === null || typeof o !== "object" || Array.isArray(o))
      throw new Error(`chart ${chart.node.id}: cdk8s rendered a non-object manifest`);
    return o as Record<string, unknown>;
  });
}

/** The objects of every chart, in apply order. */
export function appObjects(props: AppProps): Array<Record<string, unknown>> {
  return buildApp(props).charts.flatMap(chartObjects);
}
