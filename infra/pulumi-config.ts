import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { PROJECT, secretKeys, type SecretKey, type StackConfig } from "./config";
import { ConfigError, isMistypedNamespace, parseStackConfig } from "./config-load";

// Exported by the SDK at run time but missing from its typings.
const isConfigSecret = (runtimeConfig as unknown as { isConfigSecret: (k: string) => boolean }).isConfigSecret;

function parseJsonOrString(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export type StackSecrets = Partial<Record<SecretKey, pulumi.Output<string>>>;

/**
 * Read and validate this stack's config from the Pulumi runtime. Runs before any resource is
 * registered, so a bad key stops `pulumi up` (and `npm run graph`) with a message naming it.
 */
export function readPulumiStackConfig(): { config: StackConfig; secrets: StackSecrets } {
  const cfg = new pulumi.Config(PROJECT);
  const raw: Record<string, unknown> = {};
  const secrets: StackSecrets = {};
  for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
    const [ns, key] = fullKey.split(/:(.*)/s);
    if (!ns || !key) continue;
    if (ns !== PROJECT) {
      if (isMistypedNamespace(ns, key)) raw[fullKey] = runtimeConfig.getConfig(fullKey); // rejected with "did you mean"
      continue;
    }
    if (key in secretKeys) {
      if (isConfigSecret(fullKey)) secrets[key as SecretKey] = cfg.requireSecret(key);
      else raw[key] = cfg.get(key); // rejected by parseStackConfig with the fix
    } else {
      // Sections arrive as JSON text; a plain string (`vllm-k8s:cluster: eks`) stays a string for
      // the schema to refuse by name (cfg.getObject would throw a ConfigTypeError instead).
      raw[key] = parseJsonOrString(runtimeConfig.getConfig(fullKey));
    }
  }
  try {
    return { config: parseStackConfig(raw, Object.keys(secrets) as SecretKey[]), secrets };
  } catch (e) {
    // Pulumi's Node host prints a RunError's message without the stack trace (@pulumi/pulumi 3.270
    // cmd/run/run.js); it recognises one by this marker (errors.js RunError.isInstance).
    if (e instanceof ConfigError) Object.assign(e, { __pulumiRunError: true });
    throw e;
  }
}
