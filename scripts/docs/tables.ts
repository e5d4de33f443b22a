// Tables the docs show that restate code (add-ons, chart pins, alert defaults, policy rules, network
// flows), rendered from that code. `npm run docs:config` writes each between its markers; test/docs/generated.test.ts
// fails when a doc is stale.
import * as prettier from "prettier";
import { appObjects } from "../../charts/app";
import { servingFlows, type Flow } from "../../charts/netpol";
import type { AddonDescriptor, AddonSettings } from "../../infra/addons";
import { addonFlows } from "../../infra/addons/connections";
import { ADDONS } from "../../infra/addons/registry";
import { CLUSTER_AUTOSCALER_IMAGE } from "../../infra/addons/versions";
import { parseStackConfig } from "../../infra/config-load";
import { readStackFileConfig } from "../../infra/config-file";
import type { StackConfig } from "../../infra/config";
import { addonSettings } from "../../infra/mapper/addons";
import { chartPropsFromConfig, inClusterPushgatewayUrl } from "../../infra/mapper/workloads";
import { alertRules } from "../../monitoring/alerts";
import { rules as policyRules } from "../../policy/rules";
import type { Rule } from "../../policy/types";
import { gpuPlacementsIn } from "../../policy/scheduling";
import { alertThresholdsSchema, defaultAlertThresholds, type AlertThresholds } from "../../monitoring/thresholds";
import { planSchemaBlock, resultsSchemaBlock } from "./schema-blocks";

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const table = (header: string[], rows: string[][]) =>
  [header, header.map(() => "---"), ...rows].map((r) => `| ${r.map(cell).join(" | ")} |`).join("\n");

/** The `eks` stack file's config: the stack the docs describe. */
function eksStackConfig(): StackConfig {
  const file = new URL("../../Pulumi.eks.yaml", import.meta.url).pathname;
  return parseStackConfig(readStackFileConfig(file).raw);
}

/** The add-on settings of the `eks` stack, with the EKS cluster cluster-autoscaler needs for its values. */
function eksAddonSettings(): AddonSettings {
  const cluster = { clusterName: "vllm", autoscalerRoleArn: "arn:aws:iam::123456789012:role/autoscaler", ready: [] };
  return addonSettings(eksStackConfig(), { cluster });
}

/** Every add-on: its toggle and default, what it is for, where it runs (as the `eks` stack installs it). */
export function addonTable(addons: readonly AddonDescriptor[] = ADDONS, s: AddonSettings = eksAddonSettings()): string {
  const rows = addons.map((d) => [
    `\`addons.${d.key}\``,
    d.toggle.default === undefined ? "see its description" : d.toggle.default ? "on" : "off",
    d.toggle.description,
    `\`${d.namespace(s)}\``,
    gpuPlacementsIn(d.values(s, true)).length ? "GPU nodes" : "system nodes",
  ]);
  return table(["toggle", "default", "what it is for", "namespace", "runs on"], rows);
}

/** Every add-on's chart: the pin and where its version was read (infra/addons/versions.ts). */
export function chartPinsTable(addons: readonly AddonDescriptor[] = ADDONS): string {
  const rows = addons.map(({ key, release, chart: c }) => [
    `\`addons.${key}\``,
    `\`${release}\``,
    `\`${c.chart}\``,
    c.version,
    c.repo,
    // Upstream paths stay plain text: the docs suite checks that every path in code quotes is ours.
    `${c.source.repository} ${c.source.path}, tag \`${c.source.tag}\`, commit \`${c.source.commit}\``,
  ]);
  const images = Object.entries(CLUSTER_AUTOSCALER_IMAGE.tagByKubernetesMinor)
    .map(([minor, tag]) => `${minor} → \`${tag}\``)
    .join(", ");
  return [
    table(["add-on", "Helm release", "chart", "version", "repository", "version read at"], rows),
    "",
    `cluster-autoscaler's image (\`${CLUSTER_AUTOSCALER_IMAGE.repository}\`) follows \`cluster.kubernetesVersion\`: ${images}.`,
  ].join("\n");
}

/** Every policy rule: its id, severity, enforcement, scope and what it checks (policy/rules/). */
export function policyRulesTable(rules: readonly Rule[] = policyRules): string {
  const rows = rules.map((r) => [`\`${r.id}\``, r.severity, r.enforcement, r.scope, r.description]);
  return table(["id", "severity", "enforcement", "scope", "what it checks"], rows);
}

/** The stack config keys (`monitoring.alerts.*`) whose description names the alert. */
function thresholdKeys(alert: string): string[] {
  return Object.entries(alertThresholdsSchema.shape)
    .filter(([, s]) => new RegExp(`\\b${alert}\\b`).test(s.description ?? ""))
    .map(([k]) => k);
}

/** Every alert with its severity, hold time and what it fires on under the given thresholds. */
export function alertTable(t: AlertThresholds = defaultAlertThresholds): string {
  const rows = alertRules(t).map((r) => {
    const keys = thresholdKeys(r.alert);
    return [
      `\`${r.alert}\``,
      r.labels.severity,
      r.for ?? "at once",
      r.annotations.description.replace(/\{\{[^}]*\}\}/g, "…"),
      keys.length
        ? keys.map((k) => `\`monitoring.alerts.${k}\` = ${JSON.stringify(t[k as keyof AlertThresholds])}`).join(", ")
        : "—",
    ];
  });
  return table(["alert", "severity", "for", "fires when (these thresholds)", "stack config (value)"], rows);
}

/**
 * The flows into our namespaces for a stack config, as the stack builds them: the serving
 * namespace's read from the objects we deploy (charts/netpol/connections.ts), the add-on
 * namespaces' from the registry's declared connections (infra/addons/connections.ts). The one
 * place the docs read flows from.
 */
export function stackFlows(cfg: StackConfig): Flow[] {
  const props = chartPropsFromConfig(cfg, { includeNamespace: true, pushgatewayUrl: inClusterPushgatewayUrl(cfg) });
  return [
    ...servingFlows({
      namespace: cfg.serving.namespace,
      monitoringNamespace: cfg.monitoring.namespace,
      allowedClientNamespaces: cfg.serving.allowedClientNamespaces,
      objects: appObjects(props),
    }),
    ...addonFlows(addonSettings(cfg)),
  ];
}

/** The flows of the `eks` stack file, the one the flow test builds. */
export function eksStackFlows(): Flow[] {
  return stackFlows(eksStackConfig());
}

function sourceName(f: Flow): string {
  switch (f.from.kind) {
    case "pods":
      return `${f.from.namespace}/${f.from.pods.name}`;
    case "namespace":
      return `every pod of ${f.from.namespace}`;
    case "cidrs":
      return f.from.cidrs.join(", ");
    case "apiServer":
      return "any source";
  }
}

/** One row per source and destination: the ports of all their flows, and why each exists. */
export function flowTable(flows: readonly Flow[] = eksStackFlows()): string {
  const rows = new Map<string, { from: string; to: string; ports: Set<number>; why: string[] }>();
  for (const f of flows) {
    const from = sourceName(f);
    const to = `${f.to.namespace}/${f.to.pods.name}`;
    const row = rows.get(`${from} ${to}`) ?? { from, to, ports: new Set<number>(), why: [] };
    f.ports.forEach((p) => row.ports.add(p));
    if (!row.why.includes(f.why)) row.why.push(f.why);
    rows.set(`${from} ${to}`, row);
  }
  const sorted = [...rows.values()].sort((a, b) => `${a.from} | ${a.to}`.localeCompare(`${b.from} | ${b.to}`));
  return table(
    ["from", "to", "ports", "why"],
    sorted.map((r) => [r.from, r.to, [...r.ports].sort((a, b) => a - b).join(", "), r.why.join("; ")]),
  );
}

export interface GeneratedBlock {
  /** Path from the repository root. */
  file: string;
  begin: string;
  end: string;
  render(): string;
}

const marker = (name: string) => ({
  begin: `<!-- ${name}:begin (generated by npm run docs:config) -->`,
  end: `<!-- ${name}:end -->`,
});

/** Every generated table of the docs (the README's configuration reference has its own module). */
export const GENERATED_TABLES: readonly GeneratedBlock[] = [
  { file: "docs/addons.md", ...marker("addons"), render: () => addonTable() },
  { file: "docs/addons.md", ...marker("chart-pins"), render: () => chartPinsTable() },
  { file: "docs/monitoring.md", ...marker("alert-defaults"), render: () => alertTable() },
  { file: "docs/policy.md", ...marker("policy-rules"), render: () => policyRulesTable() },
  // The flow test (test/policy/flows.test.ts) reads this table by these markers.
  { file: "docs/security.md", begin: "<!-- flows:begin -->", end: "<!-- flows:end -->", render: () => flowTable() },
  { file: "docs/benchmark.md", ...marker("results-schema"), render: () => resultsSchemaBlock() },
  { file: "docs/serving.md", ...marker("plan-schema"), render: () => planSchemaBlock() },
];

/** The block as the doc must hold it: markers around the table, formatted as prettier formats markdown. */
export async function renderBlock(b: GeneratedBlock): Promise<string> {
  const body = await prettier.format(b.render(), { parser: "markdown", printWidth: 120 });
  return `${b.begin}\n\n${body}\n${b.end}`;
}

/** `text` with the block between its markers replaced. */
export async function withBlock(text: string, b: GeneratedBlock): Promise<string> {
  const start = text.indexOf(b.begin);
  const end = text.indexOf(b.end);
  if (start < 0 || end < start) throw new Error(`${b.file}: markers ${b.begin} … ${b.end} not found`);
  return text.slice(0, start) + (await renderBlock(b)) + text.slice(end + b.end.length);
}
