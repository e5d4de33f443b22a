import { z } from "zod";
import { monitoringConfig } from "./config";

const RATE_MINUTES = monitoringConfig.rateWindow.seconds / 60;

// Alert thresholds users tune from the stack config (`monitoring.alerts`); alerts.ts reads them.
const seconds = (d: number, what: string) => z.number().positive().default(d).describe(what);

export const alertThresholdsSchema = z
  .object({
    e2eLatencyP95Seconds: seconds(2, "E2E request latency P95 above which VllmHighE2ELatency fires (seconds)."),
    ttftP95Seconds: seconds(1, "Time-to-first-token P95 above which VllmHighTTFT fires (seconds)."),
    interTokenLatencyP95Seconds: seconds(
      0.1,
      "Inter-token latency P95 above which VllmHighInterTokenLatency fires (seconds).",
    ),
    errorRatio: z
      .number()
      .gt(0)
      .max(1)
      .default(0.05)
      .describe("Share of API requests answered 5xx above which VllmHighErrorRate fires (0-1)."),
    requestsWaiting: z
      .number()
      .int()
      .positive()
      .default(10)
      .describe("Requests waiting per model above which VllmRequestsQueued fires."),
    queueTimeP95Seconds: seconds(2, "Queue time P95 above which VllmHighQueueTime fires (seconds)."),
    kvCacheUsageRatio: z
      .number()
      .gt(0)
      .max(1)
      .default(0.9)
      .describe("KV-cache usage (0-1) above which VllmKvCacheNearFull fires."),
    preemptionsPerSecond: z
      .number()
      .positive()
      .default(0.1)
      .describe(`Preemptions per second (${RATE_MINUTES}-minute rate) above which VllmPreemptions fires.`),
    gpuUtilizationPercent: z
      .number()
      .gt(0)
      .max(100)
      .default(95)
      .describe("GPU utilisation (%) held for 30 minutes above which GpuUtilizationSaturated fires."),
    gpuMemoryUsageRatio: z
      .number()
      .gt(0)
      .max(1)
      .default(0.95)
      .describe(
        "GPU framebuffer used (0-1) above which GpuMemoryNearFull fires. Keep it above model.gpuMemoryUtilization: vLLM reserves that share up front.",
      ),
    gpuTemperatureCelsius: z
      .number()
      .positive()
      .default(85)
      .describe("GPU temperature (C) above which GpuTemperatureHigh fires."),
    gpuPodPendingMinutes: z
      .number()
      .int()
      .positive()
      .default(20)
      .describe(
        "Minutes a pod requesting GPUs may stay Pending (node scale-up from zero included) before GpuPodsPending fires.",
      ),
    requestsPerSecondPerPod: z
      .number()
      .positive()
      .default(20)
      .describe(
        "Mean finished requests per second per vLLM pod, held for 30 minutes, above which VllmCapacityLow fires.",
      ),
    runbookBaseUrl: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://wiki.example.com/runbooks" })
      .default("https://github.com/vllm-k8s/vllm-k8s/blob/main/docs/runbooks.md")
      .describe(
        "Where alert runbook_url links point (docs/runbooks.md of your fork or wiki); each alert adds `#<anchor>`.",
      ),
  })
  .strict();

export type AlertThresholds = z.infer<typeof alertThresholdsSchema>;
export const defaultAlertThresholds: AlertThresholds = alertThresholdsSchema.parse({});
