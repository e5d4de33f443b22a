import * as fs from "node:fs";
import { parseDocument } from "yaml";
import { ConfigError, splitStackFileConfig } from "./config-load";
import type { SecretKey } from "./config";
import { closest } from "./config-suggest";

// Reading a `Pulumi.<stack>.yaml` for the offline CLIs (graph, policy, synth), and turning what
// can go wrong into one line and exit code 2: a file that is missing, a directory or unreadable,
// YAML that does not parse, a document that is not a stack file, a bad flag, a bad key.

/** Bad command-line usage or an unusable input file: one line, exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Top-level keys of a Pulumi stack settings file (Pulumi's ProjectStack: pkg/workspace/project.go). */
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

export interface StackFileConfig {
  /** Our sections (without `vllm-k8s:`), plus mistyped-namespace keys kept whole to be refused. */
  raw: Record<string, unknown>;
  /** Secret keys set with `secure:` values (the ciphertext is not ours to read). */
  secrets: Map<SecretKey, unknown>;
}

/** Read and split a stack file; throws UsageError with the file and the fix. */
export function readStackFileConfig(file: string, flag = "--stack"): StackFileConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new UsageError(
        `${flag}: ${file} not found. Pass a Pulumi.<stack>.yaml file, e.g. ${flag} Pulumi.existing.yaml`,
      );
    if (code === "EISDIR")
      throw new UsageError(
        `${flag}: ${file} is a directory. Pass a Pulumi.<stack>.yaml file inside it, e.g. ${flag} ${file.replace(/\/$/, "")}/Pulumi.eks.yaml`,
      );
    throw new UsageError(
      `${flag}: cannot read ${file} (${code ?? (e as Error).message}). Check the path and its permissions`,
    );
  }
  const doc = parseDocument(text);
  const err = doc.errors[0];
  if (err) {
    const at = err.linePos?.[0];
    const what = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new UsageError(`${file}${at ? `:${at.line}:${at.col}` : ""}: YAML syntax error: ${what}`);
  }
  const top: unknown = doc.toJS() ?? {};
  if (typeof top !== "object" || top === null || Array.isArray(top))
    throw new UsageError(
      `${file}: not a Pulumi stack file: expected a mapping with a config: section, as in Pulumi.existing.yaml`,
    );
  for (const key of Object.keys(top)) {
    if (STACK_FILE_KEYS.includes(key)) continue;
    const near = closest(key, STACK_FILE_KEYS);
    if (near) throw new UsageError(`${file}: unknown top-level key '${key}'. Did you mean '${near}'?`);
  }
  const config = (top as { config?: unknown }).config ?? {};
  if (typeof config !== "object" || Array.isArray(config))
    throw new UsageError(
      `${file}: config: must be a mapping of keys such as vllm-k8s:cluster, not ${Array.isArray(config) ? "a list" : JSON.stringify(config)}`,
    );
  const nonFinite = nonFiniteNumbers(config, "");
  if (nonFinite.length)
    throw new ConfigError(
      nonFinite.map(({ path, value }) => ({
        path,
        message: `${value} is not a finite number; non-finite numbers (.nan, .inf, -.inf) are not allowed, give a number`,
      })),
    );
  return splitStackFileConfig(config as Record<string, unknown>);
}

/**
 * YAML's .nan and .inf become NaN and Infinity, which the stack config turns into JSON `null`
 * on its way to Pulumi: refuse them here, naming the key, instead of a later "received null".
 */
function nonFiniteNumbers(v: unknown, at: string): { path: string; value: string }[] {
  if (typeof v === "number")
    return Number.isFinite(v) ? [] : [{ path: at, value: Number.isNaN(v) ? ".nan" : v > 0 ? ".inf" : "-.inf" }];
  if (Array.isArray(v)) return v.flatMap((x, i) => nonFiniteNumbers(x, `${at}[${i}]`));
  if (typeof v === "object" && v !== null)
    return Object.entries(v).flatMap(([k, x]) => nonFiniteNumbers(x, at ? `${at}.${k}` : k));
  return [];
}

/**
 * How a CLI reports a failure: bad usage and bad flags are one line with exit 2 (parseArgs's own
 * errors get the usage appended), bad config one line per bad key with exit 2; anything else is a
 * bug and keeps its stack, exit 1.
 */
export function cliFailure(err: unknown, usage: string): { message: string; code: number } {
  if (err instanceof ConfigError || err instanceof UsageError) return { message: err.message, code: 2 };
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))
    return { message: `${(err as Error).message.replace(/\s*\n\s*/g, " ").replace(/\.$/, "")}. ${usage}`, code: 2 };
  // A system call refused by the OS (unwritable --out, full disk) is the environment, not a bug.
  if (typeof code === "string" && /^E[A-Z]+$/.test(code) && (err as NodeJS.ErrnoException).syscall)
    return { message: `error: ${(err as Error).message}`, code: 2 };
  return { message: err instanceof Error ? (err.stack ?? err.message) : String(err), code: 1 };
}
