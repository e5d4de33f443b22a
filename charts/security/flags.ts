import { VLLM_SERVE_BOOLEAN_OPTIONAL, VLLM_SERVE_OPTIONS } from "./vllm-serve-flags";

// vLLM command-line flags that must not come from free-form user arguments, and how vLLM's parser
// reads an argument: one home, used by the stack-config check (infra/config-security.ts) and the
// policy rules.

/**
 * vLLM flags our chart sets itself (charts/vllm/args.ts) or that change what the Service, probes
 * and NetworkPolicy assume: an `extraArgs` entry repeating one would silently win (argparse keeps
 * the last value), e.g. `--port=9000` leaves the Service and probes on 8000. `--config` reads more
 * options from a YAML file inside the container, where no check of ours can see them. Flag names
 * from vLLM's parser (charts/security/vllm-serve-flags.ts records the source and commit).
 */
export const MANAGED_VLLM_FLAGS = [
  "--model",
  "--served-model-name",
  "--host",
  "--port",
  "--uds",
  "--tensor-parallel-size",
  "-tp",
  "--max-model-len",
  "--gpu-memory-utilization",
  "--max-num-seqs",
  "--enable-lora",
  "--no-enable-lora",
  "--max-loras",
  "--lora-modules",
  "--root-path",
  "--disable-log-stats",
  "--config",
] as const;

/**
 * Flags that carry credentials: they would land in plain text in the Deployment, the Pulumi
 * state and dist/. vLLM reads its API key from VLLM_API_KEY (which the chart sets from a
 * Secret), and the HF token from HF_TOKEN. `--ssl-keyfile-password` and `--token` are from older
 * vLLM releases; kept so an older image pinned by a user is guarded too.
 */
export const SECRET_VLLM_FLAGS = ["--api-key", "--hf-token", "--ssl-keyfile-password", "--token"] as const;

/** Values that look like credentials whatever flag carries them (OpenAI-style keys, HF tokens, AWS keys). */
export const SECRET_VALUE = /\b(sk-[A-Za-z0-9_-]{8,}|hf_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16})\b/;

const SECRET = new Set<string>(SECRET_VLLM_FLAGS);
const MANAGED = new Set<string>(MANAGED_VLLM_FLAGS);

/** Every option string argparse may select: vLLM's own, their `--no-` forms, and ours (older releases). */
const KNOWN = [
  ...new Set<string>([
    ...VLLM_SERVE_OPTIONS,
    ...VLLM_SERVE_BOOLEAN_OPTIONAL.map((f) => `--no-${f.slice(2)}`),
    ...SECRET_VLLM_FLAGS,
    ...MANAGED_VLLM_FLAGS,
  ]),
];
const KNOWN_SET = new Set(KNOWN);

/**
 * The option name as vLLM's FlexibleArgumentParser hands it to argparse: the part before `=`,
 * and for `--` options before the first `.` (`--json-arg.key v` becomes `--json-arg '{...}'`),
 * with `_` turned into `-`. Undefined for a value (no leading `-`).
 */
export function flagName(arg: string): string | undefined {
  if (!arg.startsWith("-") || arg === "-" || arg === "--") return undefined;
  const name = arg.split("=")[0];
  return name.startsWith("--") ? name.split(".")[0].replace(/_/g, "-") : name;
}

/**
 * The options argparse may read an argument as, the way Python's argparse does with allow_abbrev
 * (its default, which vLLM keeps): an exact name wins; otherwise every option the name is a prefix
 * of (one: argparse takes it; several: argparse stops with "ambiguous option"). Undefined for a
 * value or a name no option starts with.
 */
export function vllmFlagCandidates(arg: string): string[] | undefined {
  const name = flagName(arg);
  if (!name) return undefined;
  if (KNOWN_SET.has(name)) return [name];
  // argparse compares a `--x` abbreviation with long options and a `-x` one with single-dash options.
  const long = name.startsWith("--");
  const hits = KNOWN.filter((o) => o.startsWith("--") === long && o.startsWith(name));
  return hits.length ? hits : undefined;
}

/** Why an argument must not be passed to vLLM: it reaches (or may reach) a secret or a managed flag. */
export interface VllmFlagProblem {
  kind: "secret" | "managed";
  /** As the user wrote it (name part only, never the value). */
  written: string;
  /** The vLLM flag it is read as. */
  flag: string;
  /** True when `written` is not the full name (an abbreviation or the `_` spelling). */
  abbreviated: boolean;
  /** True when the abbreviation also matches other options (argparse then refuses it as ambiguous). */
  ambiguous: boolean;
}

/** The secret or managed flag an argument reaches in any spelling, or undefined. */
export function vllmFlagProblem(arg: string): VllmFlagProblem | undefined {
  const candidates = vllmFlagCandidates(arg);
  if (!candidates) return undefined;
  const written = arg.split("=")[0];
  const pick = (set: Set<string>) => candidates.find((c) => set.has(c));
  const secret = pick(SECRET);
  const managed = pick(MANAGED);
  const flag = secret ?? managed;
  if (!flag) return undefined;
  return {
    kind: secret ? "secret" : "managed",
    written,
    flag,
    abbreviated: written !== flag,
    ambiguous: candidates.length > 1,
  };
}

/** An abbreviation argparse refuses as ambiguous (vLLM would exit at start): the candidates, else undefined. */
export function ambiguousVllmFlag(arg: string): string[] | undefined {
  const c = vllmFlagCandidates(arg);
  return c && c.length > 1 ? c : undefined;
}
