import type { Recommendation } from "./recommend";

// The recommendation as people use it: a table to read, `pulumi config set` lines to paste, a
// YAML snippet for Pulumi.<stack>.yaml, and plan.json keyed by the same stack-config paths.

const PROJECT = "vllm-k8s"; // Pulumi.yaml `name`: the config namespace of the YAML snippet

/**
 * `pulumi config set --path` stores integers as numbers and every other value as a string unless
 * `--type` says otherwise (pulumi.com/docs/iac/cli/commands/pulumi_config_set, "When setting the
 * config for a path ... integers are treated as numbers"; `--type float`).
 */
export function configSetLines(config: Recommendation["config"]): string[] {
  return Object.entries(config).flatMap(([key, v]) => {
    if (Array.isArray(v)) return v.map((item, i) => `pulumi config set --path '${key}[${i}]' ${item}`);
    if (typeof v === "number" && !Number.isInteger(v)) return [`pulumi config set --path --type float ${key} ${v}`];
    return [`pulumi config set --path ${key} ${v}`];
  });
}

/**
 * Nested YAML under `config:` as it sits in Pulumi.<stack>.yaml. Written by hand, not with the
 * `yaml` package: that one is CommonJS and breaks the single-file ESM bundle of the image; the
 * values are numbers and instance-type names, and the unit test parses the output with `yaml`.
 */
export function yamlSnippet(config: Recommendation["config"]): string {
  const nested: Record<string, Record<string, unknown>> = {};
  for (const [key, v] of Object.entries(config)) {
    const [section, ...rest] = key.split(".");
    let node = (nested[`${PROJECT}:${section}`] ??= {});
    for (const part of rest.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[rest[rest.length - 1]] = v;
  }
  const scalar = (v: unknown) => (typeof v === "number" ? String(v) : JSON.stringify(v));
  const emit = (obj: Record<string, unknown>, indent: string): string[] =>
    Object.entries(obj).flatMap(([k, v]) =>
      Array.isArray(v)
        ? [`${indent}${k}:`, ...v.map((x) => `${indent}  - ${scalar(x)}`)]
        : typeof v === "object" && v !== null
          ? [`${indent}${k}:`, ...emit(v as Record<string, unknown>, `${indent}  `)]
          : [`${indent}${k}: ${scalar(v)}`],
    );
  return ["config:", ...emit(nested, "  ")].join("\n") + "\n";
}

export function table(rows: [string, string, string][]): string {
  const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(w[i]))
      .join("  ")
      .trimEnd();
  return [line(rows[0]), w.map((n) => "-".repeat(n)).join("  "), ...rows.slice(1).map(line)].join("\n");
}
