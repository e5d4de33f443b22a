import { z } from "zod";

// Alert thresholds users tune from the stack config (`monitoring.alerts`).
// Seed written by the foundation; the monitoring content owns and extends it.
export const alertThresholdsSchema = z
  .object({
    e2eLatencyP95Seconds: z.number().positive().default(2).describe("E2E request latency P95 above which VllmHighE2ELatency fires (seconds)."),
    ttftP95Seconds: z.number().positive().default(1).describe("Time-to-first-token P95 above which VllmHighTTFT fires (seconds)."),
    kvCacheUsageRatio: z.number().gt(0).max(1).default(0.9).describe("KV-cache usage (0-1) above which VllmKvCacheNearFull fires."),
  })
  .strict();

export type AlertThresholds = z.infer<typeof alertThresholdsSchema>;
export const defaultAlertThresholds: AlertThresholds = alertThresholdsSchema.parse({});
