import type { z } from "zod";
import {
  PROJECT,
  configSections,
  crossFieldIssues,
  resolveDefaults,
  secretKeys,
  stackConfigSchema,
  type SecretKey,
  type StackConfig,
} from "./config";

/** Raised before any resource is registered; its message lists every bad key and its fix. */
export class ConfigError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(
      `Invalid stack config (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((i) => `  - ${PROJECT}:${i.path}: ${i.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function closest(word: string, candidates: string[]): string | undefined {
  const best = candidates
    .map((c) => [c, editDistance(word, c)] as const)
    .sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(2, Math.floor(word.length / 3)) ? best[0] : undefined;
}

/** Keys a strict object accepts at `path`, for "did you mean" hints. */
function knownKeysAt(path: PropertyKey[]): string[] {
  let schema: any = stackConfigSchema;
  for (const p of path) {
    while (schema && !schema.shape && schema.def?.innerType) schema = schema.def.innerType;
    schema = schema?.shape?.[p as string];
  }
  while (schema && !schema.shape && schema.def?.innerType) schema = schema.def.innerType;
  return schema?.shape ? Object.keys(schema.shape) : [];
}

function describeIssue(issue: z.core.$ZodIssue): { path: string; message: string }[] {
  const base = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const known = knownKeysAt(issue.path);
    return issue.keys.map((key) => {
      const hint = closest(key, known);
      return {
        path: base ? `${base}.${key}` : key,
        message: `unknown key. ${hint ? `Did you mean '${hint}'?` : `Known keys here: ${known.join(", ")}.`}`,
      };
    });
  }
  if (issue.code === "invalid_value" && "values" in issue)
    return [{ path: base, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` }];
  return [{ path: base || "(root)", message: issue.message }];
}

/**
 * Validate raw stack config (section name → value, as in `Pulumi.<stack>.yaml` without the
 * `vllm-k8s:` prefix) and resolve defaults. Throws ConfigError naming every bad key.
 */
export function parseStackConfig(raw: Record<string, unknown>, presentSecrets: Iterable<SecretKey> = []): StackConfig {
  const secrets = new Set(presentSecrets);
  const misplacedSecrets = Object.keys(raw).filter((k) => k in secretKeys);
  if (misplacedSecrets.length)
    throw new ConfigError(
      misplacedSecrets.map((k) => ({ path: k, message: `secrets must be set with \`pulumi config set --secret ${k} ...\`, not as plain config` })),
    );
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.flatMap(describeIssue));
  const issues = crossFieldIssues(parsed.data, secrets);
  if (issues.length) throw new ConfigError(issues);
  return resolveDefaults(parsed.data);
}

/**
 * Split a `Pulumi.<stack>.yaml` `config:` map into our sections and the secret keys present.
 * Other namespaces (`aws:`, `kubernetes:`) are left alone; unknown keys of ours are reported
 * through the schema so a typo such as `vllm-k8s:gpuNode` fails with a hint.
 */
export function splitStackFileConfig(config: Record<string, unknown>): {
  raw: Record<string, unknown>;
  secrets: Map<SecretKey, unknown>;
} {
  const raw: Record<string, unknown> = {};
  const secrets = new Map<SecretKey, unknown>();
  for (const [fullKey, value] of Object.entries(config ?? {})) {
    const [ns, key] = fullKey.includes(":") ? fullKey.split(/:(.*)/s) : [PROJECT, fullKey];
    if (ns !== PROJECT || key === undefined) continue;
    const isSecret = typeof value === "object" && value !== null && "secure" in value;
    if (key in secretKeys) {
      if (!isSecret && typeof value === "string" && value.length > 0) raw[key] = value; // rejected with a fix
      else secrets.set(key as SecretKey, value);
    } else raw[key] = value;
  }
  return { raw, secrets };
}

export { configSections };
