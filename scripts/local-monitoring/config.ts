// The Prometheus config for local runs: our recording and alert rules, short intervals so a
// one-minute benchmark produces rates and alert states, and targets labelled the way the
// cluster's ServiceMonitors label them (`namespace`, `pod`, `job`).
import { stringify } from "yaml";

export interface LocalJob {
  job: string;
  /** host:port targets; each becomes one `pod`. */
  targets: string[];
  namespace?: string;
  /** Keep the target's own labels over ours (Pushgateway, pod-mapped exporters). */
  honorLabels?: boolean;
}

export const LOCAL_INTERVAL = "1s";

export function localPrometheusConfig(jobs: LocalJob[], ruleFiles: string[]): string {
  return stringify({
    global: { scrape_interval: LOCAL_INTERVAL, evaluation_interval: LOCAL_INTERVAL },
    rule_files: ruleFiles,
    scrape_configs: jobs.map((j) => ({
      job_name: j.job,
      honor_labels: j.honorLabels ?? false,
      static_configs: j.targets.map((t, i) => ({
        targets: [t],
        labels: { namespace: j.namespace ?? "local", pod: `${j.job}-${i}` },
      })),
    })),
  });
}
