// vLLM command-line flags that must not come from free-form user arguments: one list, read by the
// stack-config check (infra/config-security.ts) and the policy rules.

/**
 * vLLM flags our chart sets itself (charts/vllm/args.ts) or that change what the Service, probes
 * and NetworkPolicy assume: an `extraArgs` entry repeating one would silently win (argparse keeps
 * the last value), e.g. `--port=9000` leaves the Service and probes on 8000. Flag names from
 * `vllm serve --help` (vllm-project/vllm, vllm/engine/arg_utils.py and
 * vllm/entrypoints/openai/cli_args.py, main branch late 2026).
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
  "--max-loras",
  "--lora-modules",
  "--root-path",
  "--disable-log-stats",
] as const;

/**
 * Flags that carry credentials: they would land in plain text in the Deployment, the Pulumi
 * state and dist/. vLLM reads its API key from VLLM_API_KEY (which the chart sets from a
 * Secret), and the HF token from HF_TOKEN.
 */
export const SECRET_VLLM_FLAGS = ["--api-key", "--hf-token", "--ssl-keyfile-password", "--token"] as const;

/** Values that look like credentials whatever flag carries them (OpenAI-style keys, HF tokens, AWS keys). */
export const SECRET_VALUE = /\b(sk-[A-Za-z0-9_-]{8,}|hf_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16})\b/;

export function flagName(arg: string): string | undefined {
  if (!arg.startsWith("-")) return undefined;
  return arg.split("=")[0].replace(/_/g, "-");
}
