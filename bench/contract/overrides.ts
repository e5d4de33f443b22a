import { z } from "zod";

// Per-run changes to a scenario file: the stack config's `benchmark.overrides` (infra/), the
// benchmark chart's props and, as environment (./job-env.ts), `vllm-bench run` flags of the same name.

/** A rate that moves from `startRps` to `endRps` over a scenario's requests (vLLM's ramp-up). */
export const rampUpSchema = z.strictObject({
  strategy: z
    .enum(["linear", "exponential"])
    .describe("How the rate moves from startRps to endRps over each scenario's requests."),
  startRps: z.number().positive().describe("Rate at the first request."),
  endRps: z.number().positive().describe("Rate at the last request."),
});
export type RampUp = z.output<typeof rampUpSchema>;

/**
 * The arrival rate is one setting: a constant rate or a ramp, never both (vLLM's bench serve
 * takes one). Every reader words the refusal in its own names (flags, config keys, file fields).
 */
export function setsRateTwice(o: { requestRate?: unknown; rampUp?: unknown }): boolean {
  return o.requestRate !== undefined && o.rampUp !== undefined;
}

export const overridesSchema = z
  .strictObject({
    requestRate: z
      .number()
      .positive()
      .optional()
      .describe("Requests per second for every scenario of the preset (REQUEST_RATE), instead of the preset's rate."),
    rampUp: rampUpSchema
      .optional()
      .describe("A rising (or falling) request rate instead of a constant one (RAMP_UP_*); excludes requestRate."),
    concurrencyLevels: z
      .array(z.number().int().positive())
      .min(1)
      .optional()
      .describe("Run each scenario once per max-concurrency level (CONCURRENCY_LEVELS)."),
    durationSeconds: z.number().positive().optional().describe("Stop sending after this long per scenario (DURATION)."),
  })
  .superRefine((o, ctx) => {
    const message = "requestRate and rampUp both set the arrival rate. Keep one of them";
    if (setsRateTwice(o)) ctx.addIssue({ code: "custom", path: ["rampUp"], message });
  });
export type BenchmarkOverrides = z.output<typeof overridesSchema>;
