// Benchmark runs pushed to the Pushgateway by `vllm-bench run --pushgateway-url` (the in-cluster Job).
import { BENCH_METRICS as B } from "../catalog";
import { monitoringConfig as cfg } from "../config";
import { selector } from "../promql";
import { dashboard, datasourceVariable, queryVariable, row, statPanel, timeSeries, type Query } from "./common";

const RUN = `${cfg.benchSelector}, scenario=~"$scenario"`;
const RUNS = selector(B.thresholdPassed.name, cfg.benchSelector);
const perRun = (name: string): Query => ({ expr: selector(name, RUN), legend: "{{scenario}} {{run_id}}" });

export function benchmarkDashboard() {
  const d = dashboard(
    "vllm-benchmarks",
    "vLLM / Benchmarks",
    "Every benchmark run pushed to the Pushgateway, by scenario, with its thresholds.",
  )
    .withVariable(datasourceVariable())
    .withVariable(queryVariable("scenario", "Scenario", `label_values(${RUNS}, scenario)`));

  d.withRow(row("Latest"))
    .withPanel(
      statPanel(
        "Failed thresholds",
        { expr: `count(${selector(B.thresholdPassed.name, RUN)} == 0) or vector(0)`, legend: "failed" },
        { unit: "short", thresholds: [{ value: 1, color: "red" }] },
      ),
    )
    .withPanel(
      statPanel(
        "Best output throughput",
        { expr: `max(${selector(B.outputThroughput.name, RUN)})`, legend: "tok/s" },
        { unit: "short" },
      ),
    )
    .withPanel(
      statPanel(
        "Last run",
        { expr: `max(${selector(B.lastRun.name, RUN)}) * 1000`, legend: "finished" },
        { unit: "dateTimeFromNow" },
      ),
    );

  d.withRow(row("Runs"))
    .withPanel(
      timeSeries(
        "Thresholds passed (1) / failed (0)",
        [{ expr: selector(B.thresholdPassed.name, RUN), legend: "{{scenario}} {{threshold}} {{run_id}}" }],
        { unit: "bool", min: 0, max: 1 },
      ),
    )
    .withPanel(
      timeSeries("Output throughput", [perRun(B.outputThroughput.name)], {
        unit: "short",
        description: "Output tokens per second.",
      }),
    )
    .withPanel(timeSeries("Request throughput", [perRun(B.requestThroughput.name)], { unit: "reqps" }))
    .withPanel(timeSeries("TTFT P95", [perRun(B.ttftP95.name)], { unit: "s" }))
    .withPanel(timeSeries("E2E latency P95", [perRun(B.e2elP95.name)], { unit: "s" }))
    .withPanel(timeSeries("TPOT mean", [perRun(B.tpotMean.name)], { unit: "s" }))
    .withPanel(timeSeries("Success rate", [perRun(B.successRate.name)], { unit: "percentunit", min: 0, max: 1 }));
  return d.build();
}
