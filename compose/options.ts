import { z } from "zod";
import { monitoringConfig } from "../monitoring/config";

const duration = z
  .string()
  .regex(/^(\d+(ms|s|m|h|d|w|y))+$/, { error: "must be a Prometheus duration such as 15s or 1m" });
const imageRef = z
  .string()
  .regex(/^[^\s:@]+(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, {
    error: "must be an image reference such as vllm-bench:0.1.0",
  })
  .refine((ref) => /[:@]/.test(ref.split("/").pop()!) && !ref.endsWith(":latest"), {
    error: "must pin a tag or digest (not `latest`)",
  });

/** Knobs of the generated bundle. Everything a user changes per host is an environment variable instead (see env.ts). */
export const composeOptionsSchema = z
  .strictObject({
    scrapeInterval: duration.default(monitoringConfig.scrapeInterval).describe("Prometheus global scrape_interval."),
    evaluationInterval: duration
      .default(monitoringConfig.evaluationInterval)
      .describe("Prometheus global evaluation_interval (recording and alert rules)."),
    simulatorImage: imageRef
      .default("vllm-bench:0.1.0")
      .describe("Default image of the `simulator` profile (overridable with SIMULATOR_IMAGE)."),
    simulatorBuildContext: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Path from the bundle directory to the repository root; when set, the simulator service can be built from bench/Dockerfile.",
      ),
    gpuProfiling: z
      .boolean()
      .default(false)
      .describe("Collect DCGM profiling counters (DCGM_FI_PROF_*); the exporter then needs the SYS_ADMIN capability."),
    dcgmCountersCsv: z
      .string()
      .min(1)
      .optional()
      .describe(
        "dcgm-exporter counters file (`field, type, help` lines), the same list the cluster's exporter collects; default: the image's own.",
      ),
  })
  .superRefine((o, ctx) => {
    if (o.dcgmCountersCsv && !o.gpuProfiling && /^\s*DCGM_FI_PROF_/m.test(o.dcgmCountersCsv))
      ctx.addIssue({
        code: "custom",
        path: ["dcgmCountersCsv"],
        message:
          "lists profiling counters (DCGM_FI_PROF_*), which need gpuProfiling: true (SYS_ADMIN); drop them or turn gpuProfiling on",
      });
  });

export type ComposeOptionsInput = z.input<typeof composeOptionsSchema>;
export type ComposeOptions = z.output<typeof composeOptionsSchema>;

/** Parses options, failing with the option name and the fix. */
export function parseComposeOptions(input: ComposeOptionsInput = {}): ComposeOptions {
  const result = composeOptionsSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  compose option \`${i.path.join(".") || "(root)"}\`: ${i.message}`);
    throw new Error(`Invalid Docker Compose bundle options:\n${lines.join("\n")}`);
  }
  return result.data;
}
