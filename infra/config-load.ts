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
import { closest } from "./config-suggest";

/**
 * Keys and values users typed are echoed in messages: escape control characters so each problem stays one line
 * (JSON.stringify escapes U+0000-U+001F; DEL and the C1 controls come back as they are).
 */
const oneLine = (s: string) => s.replace(/\p{Cc}/gu, (c) => JSON.stringify(c).slice(1, -1));

/** Raised before any resource is registered; its message lists every bad key and its fix. */
export class ConfigError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(
      `Invalid stack config (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues
          .map((i) => oneLine(`  - ${i.path.includes(":") ? i.path : `${PROJECT}:${i.path}`}: ${i.message}`))
          .join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** The shape of the object schema `schema` is, or wraps (default, optional, …); undefined if none. */
function shapeIn(schema: z.core.$ZodType | undefined): z.core.$ZodShape | undefined {
  for (let s = schema; s;) {
    // The union of zod's schema kinds, so that checking `type` narrows the definition.
    const def = (s as z.core.$ZodTypes)._zod.def;
    if (def.type === "object") return def.shape;
    s = "innerType" in def ? def.innerType : undefined;
  }
  return undefined;
}

/** Keys a strict object accepts at `path`, for "did you mean" hints. */
function knownKeysAt(path: PropertyKey[]): string[] {
  let schema: z.core.$ZodType | undefined = stackConfigSchema;
  for (const p of path) {
    const shape = shapeIn(schema);
    schema = shape && Object.hasOwn(shape, p) ? shape[p as string] : undefined;
  }
  const shape = shapeIn(schema);
  return shape ? Object.keys(shape) : [];
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
  // Pulumi hands the program its config as JSON, where YAML's .nan and .inf arrive as null.
  if (issue.code === "invalid_type" && issue.expected === "number" && /received null$/.test(issue.message))
    return [
      {
        path: base || "(root)",
        message: `expected a number, received null (a .nan or .inf in the stack file arrives as null: non-finite numbers are not allowed, give a number)`,
      },
    ];
  return [{ path: base || "(root)", message: issue.message }];
}

/** Namespaces of the providers a stack file may configure beside ours. */
const providerNamespaces = new Set([
  "aws",
  "kubernetes",
  "eks",
  "pulumi",
  "random",
  "docker-build",
  "awsx",
  "tls",
  "command",
]);

/**
 * Whether `namespace:key` (not ours) looks meant for us: a namespace a typo away from ours
 * (`vllm-k8:gpuNodes`), or one of our section or secret names under a namespace no provider
 * uses (`vllm:gpuNodes`). Such keys would otherwise be ignored and the defaults used.
 */
export function isMistypedNamespace(namespace: string, key: string): boolean {
  if (namespace === PROJECT || providerNamespaces.has(namespace)) return false;
  const rootKey = key.split(".")[0];
  return (
    closest(namespace, [PROJECT], 3) !== undefined ||
    (configSections as string[]).includes(rootKey) ||
    rootKey in secretKeys
  );
}

function mistypedNamespaceIssue(fullKey: string): { path: string; message: string } {
  const key = fullKey.slice(fullKey.indexOf(":") + 1);
  const section = closest(key, [...configSections, ...Object.keys(secretKeys)]) ?? key;
  return {
    path: fullKey,
    message: `namespace '${fullKey.split(":")[0]}' is not this project's, so the key would be ignored. Did you mean ${PROJECT}:${section}?`,
  };
}

/**
 * Validate raw stack config (section name → value, as in `Pulumi.<stack>.yaml` without the
 * `vllm-k8s:` prefix) and resolve defaults. Throws ConfigError naming every bad key.
 */
export function parseStackConfig(raw: Record<string, unknown>, presentSecrets: Iterable<SecretKey> = []): StackConfig {
  const secrets = new Set(presentSecrets);
  // Keys still carrying a namespace are ones splitStackFileConfig or the Pulumi reader judged mistyped.
  const mistyped = Object.keys(raw).filter((k) => k.includes(":"));
  if (mistyped.length) throw new ConfigError(mistyped.map(mistypedNamespaceIssue));
  const misplacedSecrets = Object.keys(raw).filter((k) => k in secretKeys);
  if (misplacedSecrets.length)
    throw new ConfigError(
      misplacedSecrets.map((k) => ({
        path: k,
        message: `secrets must be set with \`pulumi config set --secret ${k} ...\`, not as plain config`,
      })),
    );
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.flatMap(describeIssue));
  const issues = crossFieldIssues(parsed.data, secrets);
  if (issues.length) throw new ConfigError(issues);
  return resolveDefaults(parsed.data);
}

/**
 * Split a `Pulumi.<stack>.yaml` `config:` map into our sections and the secret keys present.
 * Other namespaces (`aws:`, `kubernetes:`) are left alone, except keys that look meant for us
 * (kept with their namespace so parseStackConfig names them); unknown keys of ours are reported
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
    if (key === undefined) continue;
    if (ns !== PROJECT) {
      if (isMistypedNamespace(ns, key)) raw[fullKey] = value; // rejected with "did you mean"
      continue;
    }
    const isSecret = typeof value === "object" && value !== null && "secure" in value;
    if (key in secretKeys) {
      // Anything but a `secure:` value is plain text in the stack file: rejected with the fix.
      if (!isSecret) raw[key] = value;
      else secrets.set(key as SecretKey, value);
    } else raw[key] = value;
  }
  return { raw, secrets };
}

export { configSections };
