import { alertmanagerFiles } from "./alertmanager";
import { composeFile } from "./compose-file";
import { envExample } from "./env";
import { type DashboardFile, grafanaFiles } from "./grafana";
import { alertmanagerLayout, dcgmLayout, prometheusLayout } from "./layout";
import { type ComposeOptionsInput, parseComposeOptions } from "./options";
import { prometheusFiles } from "./prometheus";

/** The monitoring content the cluster gets, handed in by content.ts (never a second copy). */
export interface MonitoringContent {
  /** Prometheus rule files (YAML text), keyed by file name. */
  ruleFiles: Record<string, string>;
  dashboards: DashboardFile[];
}

function under(dir: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([path, text]) => [`${dir}/${path}`, text]));
}

/**
 * The whole Docker Compose bundle: relative path -> file content. Pure; scripts/compose.ts
 * writes it to disk.
 */
export function composeBundle(
  content: MonitoringContent,
  optionsInput: ComposeOptionsInput = {},
): Record<string, string> {
  const options = parseComposeOptions(optionsInput);
  return {
    "docker-compose.yaml": composeFile(options),
    ".env.example": envExample(),
    ...under(prometheusLayout.bundleDir, prometheusFiles(options, content.ruleFiles)),
    ...under(alertmanagerLayout.bundleDir, alertmanagerFiles()),
    ...under("grafana", grafanaFiles(content.dashboards)),
    ...(options.dcgmCountersCsv ? { [dcgmLayout.countersFile]: options.dcgmCountersCsv } : {}),
  };
}
