import { DEFAULT_PERCENTILES } from "../bench/contract";
import type { SimOptions } from "../bench/sim";

// The simulator engine's capacity, from its settings (bench/sim/engine.ts): a step costs
// stepBaseMs + perSeqMs × sequences that emit a token + prefillPerTokenMs × prefill tokens, and
// every running sequence emits one token per step (the step that finishes its prefill emits
// the first). A request of I prompt and O output tokens (ignore_eos) therefore holds a batch
// slot for O steps. At an arrival rate λ (per ms) and step time T, λ·T·O sequences decode and
// λ·T·I tokens prefill per step, so T = base / (1 − λ(perSeq·O + prefill·I)); the batch is full
// (λ·T·O = maxNumSeqs) at λmax = N / (O·base + N·(perSeq·O + prefill·I)). Above it the queue grows
// without bound. (Assumes the token budget and the KV cache never bind: checked below.)
export function engineCapacityRps(
  o: Pick<
    SimOptions,
    "maxNumSeqs" | "stepBaseMs" | "perSeqMs" | "prefillPerTokenMs" | "maxNumBatchedTokens" | "kvCacheTokens"
  >,
  inputLen: number,
  outputLen: number,
): number {
  const N = o.maxNumSeqs;
  const perMs = N / (outputLen * o.stepBaseMs + N * (o.perSeqMs * outputLen + o.prefillPerTokenMs * inputLen));
  const stepMs = (N * 1) / (perMs * outputLen);
  if (perMs * stepMs * inputLen + N > o.maxNumBatchedTokens)
    throw new Error("the token budget binds: the formula does not hold");
  if (N * Math.ceil((inputLen + outputLen + 1) / 16) * 16 > o.kvCacheTokens)
    throw new Error("the KV cache binds: the formula does not hold");
  return perMs * 1000;
}

/** Two engine settings whose capacities differ by more than 4× (8-token answers keep the CPU cost low). */
export const SETTINGS = {
  small: { maxNumSeqs: 32, stepBaseMs: 400, perSeqMs: 2, prefillPerTokenMs: 0.01 },
  large: { maxNumSeqs: 128, stepBaseMs: 400, perSeqMs: 0.5, prefillPerTokenMs: 0.0025 },
} satisfies Record<string, Partial<SimOptions>>;
export const WORKLOAD = { inputLen: 32, outputLen: 8 };

/** A completions-API scenario file (no chat template: the prompt is exactly inputLen tokens). */
export function scenarioFile(thresholds: Record<string, number>) {
  return {
    name: "capacity",
    defaults: {
      backend: "openai",
      endpoint_path: "/v1/completions",
      dataset_type: "random",
      metric_percentiles: DEFAULT_PERCENTILES.join(","),
    },
    scenarios: [{ name: "capacity", random_input_len: WORKLOAD.inputLen, random_output_len: WORKLOAD.outputLen }],
    thresholds,
  };
}
