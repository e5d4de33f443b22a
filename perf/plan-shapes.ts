import type { SimOptions } from "../bench/sim";

// Simulator settings of different shapes for the planner's accuracy study (perf/plan.ts). Step
// cost = stepBaseMs + perSeqMs × sequences in the step + prefillPerTokenMs × prefill tokens
// (bench/sim/engine.ts); the batch holds maxNumSeqs, a step prefills at most maxNumBatchedTokens.
// `guessRps` only places the sweep's grid (its first rate is half of it); it was read off short
// runs on this machine, and the sweep, not the guess, is the reference.
export interface Shape {
  /** What limits the replica, in words. */
  what: string;
  sim: Partial<SimOptions>;
  inputLen: number;
  outputLen: number;
  /** Gamma shape of the arrival gaps: 1 = Poisson, below 1 burstier. */
  burstiness: number;
  slos: { ttft_p95_ms: number; itl_p95_ms?: number };
  guessRps: number;
}

export const SHAPES = {
  // 512-token prompts, 4-token answers, two prompts per step (budget 1024 tokens at 0.08 ms each):
  // the step is almost all prefill, TTFT grows with the prompts waiting for the budget.
  "prefill-bound": {
    what: "prefill: 512-token prompts, 1024-token step budget",
    sim: { maxNumSeqs: 64, stepBaseMs: 10, perSeqMs: 0.5, prefillPerTokenMs: 0.08, maxNumBatchedTokens: 1024 },
    inputLen: 512,
    outputLen: 4,
    burstiness: 1,
    slos: { ttft_p95_ms: 1000 },
    guessRps: 25,
  },
  // 2 ms per decoding sequence on a 10 ms step: the batch's decode cost sets the inter-token
  // latency, which crosses its SLO well before the batch fills.
  "decode-bound": {
    what: "decode: 2 ms per running sequence, ITL SLO",
    sim: { maxNumSeqs: 64, stepBaseMs: 10, perSeqMs: 2, prefillPerTokenMs: 0.005 },
    inputLen: 32,
    outputLen: 16,
    burstiness: 1,
    slos: { ttft_p95_ms: 1000, itl_p95_ms: 100 },
    guessRps: 28,
  },
  // Eight sequences at most on a 50 ms step: requests queue for a batch slot.
  "batch-limited": {
    what: "batch: 8 sequences at most, 50 ms step",
    sim: { maxNumSeqs: 8, stepBaseMs: 50, perSeqMs: 1, prefillPerTokenMs: 0.01 },
    inputLen: 32,
    outputLen: 16,
    burstiness: 1,
    slos: { ttft_p95_ms: 1000 },
    guessRps: 8.6,
  },
  // Gamma arrivals with shape 0.25 (vLLM's --burstiness 0.25): bursts queue long before the mean
  // rate reaches the engine's capacity.
  bursty: {
    what: "bursty arrivals: gamma shape 0.25, 32 sequences, 40 ms step",
    sim: { maxNumSeqs: 32, stepBaseMs: 40, perSeqMs: 0.5, prefillPerTokenMs: 0.02 },
    inputLen: 128,
    outputLen: 16,
    burstiness: 0.25,
    slos: { ttft_p95_ms: 500, itl_p95_ms: 100 },
    guessRps: 16,
  },
} satisfies Record<string, Shape>;

export type ShapeName = keyof typeof SHAPES;

/**
 * A completions-API scenario file for a shape (no chat template: the prompt is exactly inputLen
 * tokens), its SLOs divided by the simulator's speedup (every modelled duration is).
 */
export function shapeScenario(s: Shape, speedup: number) {
  return {
    name: "shape",
    defaults: {
      backend: "openai",
      endpoint_path: "/v1/completions",
      dataset_type: "random",
      metric_percentiles: "50,90,95,99",
    },
    scenarios: [
      { name: "shape", random_input_len: s.inputLen, random_output_len: s.outputLen, burstiness: s.burstiness },
    ],
    thresholds: Object.fromEntries(Object.entries(s.slos).map(([k, v]) => [k, v / speedup])),
  };
}

/** A --shapes flag's list, or one line naming the unknown shape and exit 2. */
export function shapesOrExit(list: string): ShapeName[] {
  const names = list.split(",");
  for (const s of names)
    if (!(s in SHAPES)) {
      console.error(`--shapes: unknown shape "${s}"; use ${Object.keys(SHAPES).join(", ")}`);
      process.exit(2);
    }
  return names as ShapeName[];
}
