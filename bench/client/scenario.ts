import * as fs from "node:fs";
import { z } from "zod";
// Imported (not read from disk) so the presets travel inside the single-file bundle.
import baseline from "../presets/baseline.json" with { type: "json" };
import smoke from "../presets/smoke.json" with { type: "json" };
import sweep from "../presets/sweep.json" with { type: "json" };
import rehearsal from "../presets/rehearsal.json" with { type: "json" };

// The scenario file layout our users already have (DESIGN §7), validated with errors that
// name the field. Unknown threshold names are rejected so a typo cannot silently pass.

const latencyThreshold = /^(ttft|tpot|itl|e2el)_(mean|median|p\d{1,2}(\.\d+)?)_ms$/;

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  max_concurrency: z.number().int().positive().optional(),
  num_prompts: z.number().int().positive().default(100),
  random_input_len: z.number().int().positive().default(128),
  random_output_len: z.number().int().positive().default(128),
  random_range_ratio: z.number().min(0).max(1).default(0),
  random_prefix_len: z.number().int().min(0).default(0),
  request_rate: z.union([z.number().positive(), z.literal("inf")]).default("inf"),
  burstiness: z.number().positive().default(1),
  duration: z.number().positive().optional().describe("stop sending after this many seconds"),
  num_warmups: z.number().int().min(0).default(0),
  pause_after_s: z.number().min(0).default(0),
  // vLLM's ramp-up: the arrival rate moves from start to end across the scenario's requests,
  // e.g. to watch the HPA and cluster-autoscaler follow rising load.
  ramp_up_strategy: z.enum(["linear", "exponential"]).optional(),
  ramp_up_start_rps: z.number().positive().optional(),
  ramp_up_end_rps: z.number().positive().optional(),
  // The autoscaling rehearsal (bench/fleet): [seconds, requests/s] points, linear in between; the
  // run sends what the profile yields until its last point, instead of num_prompts.
  rate_profile: z.array(z.tuple([z.number().min(0), z.number().positive()])).min(2).optional()
    .refine((p) => !p || (p[0]![0] === 0 && p.every((q, i) => i === 0 || q[0] > p[i - 1]![0])), { error: "points must start at 0 s and rise in time, e.g. [[0, 1], [60, 20], [180, 20], [240, 1]]" }),
}).superRefine((s, ctx) => {
  if (s.rate_profile && (s.ramp_up_strategy || s.request_rate !== "inf"))
    ctx.addIssue({ code: "custom", path: ["rate_profile"], message: "set either rate_profile or request_rate / ramp_up_* (each sets the arrival rate)" });
  const ramp = [s.ramp_up_strategy, s.ramp_up_start_rps, s.ramp_up_end_rps];
  if (ramp.some((v) => v !== undefined) && ramp.some((v) => v === undefined))
    ctx.addIssue({ code: "custom", path: ["ramp_up_strategy"], message: "a ramp needs all of ramp_up_strategy (linear or exponential), ramp_up_start_rps and ramp_up_end_rps" });
  if (s.ramp_up_strategy && s.request_rate !== "inf")
    ctx.addIssue({ code: "custom", path: ["request_rate"], message: "set either request_rate or the ramp_up_* fields, not both (the ramp sets the rate)" });
});

export const thresholdsSchema = z
  .record(z.string(), z.number())
  .superRefine((t, ctx) => {
    for (const k of Object.keys(t))
      if (!latencyThreshold.test(k) && !["throughput_min", "success_rate", "request_throughput_min", "output_rate_per_request_min"].includes(k))
        ctx.addIssue({ code: "custom", path: [k], message: `unknown threshold '${k}'. Use <ttft|tpot|itl|e2el>_<mean|median|pNN>_ms, throughput_min (output tok/s), request_throughput_min, output_rate_per_request_min or success_rate` });
  });

export const scenarioFileSchema = z.object({
  name: z.string().default("custom"),
  version: z.union([z.string(), z.number()]).optional(),
  description: z.string().optional(),
  defaults: z
    .object({
      backend: z.enum(["openai-chat", "openai"]).default("openai-chat"),
      endpoint_path: z.string().startsWith("/").optional(),
      dataset_type: z.enum(["random", "sharegpt", "jsonl"]).default("random").describe("random: exact-length synthetic prompts; sharegpt / jsonl: prompts from dataset_path"),
      dataset_path: z.string().min(1).optional().describe("ShareGPT JSON or JSONL file (relative to the working directory)"),
      percentile_metrics: z.string().default("ttft,tpot,itl,e2el"),
      metric_percentiles: z.string().default("50,90,95,99"),
      goodput: z.record(z.enum(["ttft", "tpot", "e2el"]), z.number().positive()).optional(),
    })
    .prefault({}),
  scenarios: z.array(scenarioSchema).min(1),
  thresholds: thresholdsSchema.default({}),
}).superRefine((f, ctx) => {
  if (f.defaults.dataset_type !== "random" && !f.defaults.dataset_path)
    ctx.addIssue({ code: "custom", path: ["defaults", "dataset_path"], message: `dataset_type ${f.defaults.dataset_type} needs dataset_path (the file to read prompts from)` });
});

export type ScenarioFile = z.output<typeof scenarioFileSchema>;
export type Scenario = z.output<typeof scenarioSchema>;

export function parseScenarioFile(raw: unknown, source: string): ScenarioFile {
  const r = scenarioFileSchema.safeParse(raw);
  if (!r.success)
    throw new Error(`${source}: invalid scenario file:\n` + r.error.issues.map((i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n"));
  return r.data;
}

const PRESET_FILES = { smoke, baseline, sweep, rehearsal } as const;
export const PRESETS = Object.keys(PRESET_FILES) as (keyof typeof PRESET_FILES)[];

/** A preset's file text (for a ConfigMap). */
export function presetText(name: keyof typeof PRESET_FILES): string {
  return `${JSON.stringify(PRESET_FILES[name], null, 2)}\n`;
}

/** A preset name or a path to a JSON scenario file. */
export function loadScenarioFile(nameOrPath: string): ScenarioFile {
  if (Object.hasOwn(PRESET_FILES, nameOrPath)) return parseScenarioFile(PRESET_FILES[nameOrPath as keyof typeof PRESET_FILES], `preset ${nameOrPath}`);
  let text: string;
  try {
    text = fs.readFileSync(nameOrPath, "utf8");
  } catch {
    throw new Error(`--config: ${nameOrPath} is neither a preset (${PRESETS.join(", ")}) nor a readable file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${nameOrPath}: not valid JSON (${(e as Error).message})`);
  }
  return parseScenarioFile(json, nameOrPath);
}
