// Runs a real Prometheus next to local simulators with our generated rules (the `npm start`
// monitoring step, and the end-to-end tests). Returns undefined when no `prometheus` binary is on
// PATH: the benchmark still runs, without the monitoring summary.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { alertRuleGroups, recordingRuleGroups, renderRuleFile } from "../../monitoring/rules";
import { type AlertThresholds, defaultAlertThresholds } from "../../monitoring/thresholds";
import { type LocalJob, localPrometheusConfig } from "./config";
import { findPrometheus, runPrometheus, type RunningPrometheus } from "../dev/prometheus";
import { monitoringReport } from "./report";

export interface LocalMonitoring {
  url: string;
  prometheus: RunningPrometheus;
  /** The summary of a run against a fresh simulator that lasted `runSeconds`. */
  report(runSeconds: number): Promise<string>;
  stop(): Promise<void>;
}

export interface LocalMonitoringOptions {
  /** host:port of vLLM-compatible servers (job `vllm`). */
  targets: string[];
  /** More scrape jobs (fake exporters in tests). */
  extraJobs?: LocalJob[];
  thresholds?: AlertThresholds;
  /** Kept after stop when given; a fresh temp dir (removed on stop) otherwise. */
  workDir?: string;
}

export async function startLocalMonitoring(opts: LocalMonitoringOptions): Promise<LocalMonitoring | undefined> {
  const bin = findPrometheus();
  if (!bin) return undefined;
  const dir = opts.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "vllm-local-prom-"));
  fs.mkdirSync(path.join(dir, "data"), { recursive: true });
  fs.writeFileSync(path.join(dir, "recording-rules.yaml"), renderRuleFile(recordingRuleGroups()));
  fs.writeFileSync(
    path.join(dir, "alert-rules.yaml"),
    renderRuleFile(alertRuleGroups(opts.thresholds ?? defaultAlertThresholds)),
  );
  const jobs: LocalJob[] = [{ job: "vllm", targets: opts.targets }, ...(opts.extraJobs ?? [])];
  fs.writeFileSync(
    path.join(dir, "prometheus.yml"),
    localPrometheusConfig(jobs, ["recording-rules.yaml", "alert-rules.yaml"]),
  );
  // The temp dir goes on every way out, an early process.exit() (a second Ctrl-C) included.
  const removeDir = () => {
    if (!opts.workDir) fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", removeDir);
  let prometheus: RunningPrometheus;
  try {
    prometheus = await runPrometheus(bin, path.join(dir, "prometheus.yml"), path.join(dir, "data"));
  } catch (e) {
    removeDir();
    process.removeListener("exit", removeDir);
    throw e;
  }
  return {
    url: prometheus.url,
    prometheus,
    report: (runSeconds) => monitoringReport(prometheus, runSeconds),
    stop: async () => {
      await prometheus.stop();
      removeDir();
      process.removeListener("exit", removeDir);
    },
  };
}
