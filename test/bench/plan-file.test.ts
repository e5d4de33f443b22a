// plan.json's published JSON Schema (docs/serving.md, generated from bench/plan/plan-file.ts) holds
// for the files `vllm-bench plan` writes, checked by a draft 2020-12 validator (ajv) that did not
// write it and by the zod schema it comes from, and both refuse what a reader must not accept. The
// plans are real: runPlan in-process against the built-in simulator with 1 s points, one run to its
// answer (a recommendation), one interrupted after its first point (partial, no recommendation).
import Ajv2020 from "ajv/dist/2020";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { judge } from "../../bench/plan/judge";
import { runPlan, type PlanOptions } from "../../bench/plan/plan";
import { planFileSchema, planJsonSchema } from "../../bench/plan/plan-file";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-plan-schema-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const validate = new Ajv2020({ strict: true, allErrors: true }).compile(planJsonSchema());

type Json = Record<string, any>;
const files: { complete: string; partial: string } = { complete: "", partial: "" };
const read = (file: string): Json => JSON.parse(fs.readFileSync(file, "utf8"));

/** Whether the JSON Schema and the zod schema accept `f`: they must agree. */
function accepted(f: unknown): boolean {
  const byAjv = validate(f);
  expect(planFileSchema.safeParse(f).success, "the zod schema and the JSON Schema disagree").toBe(byAjv);
  return byAjv;
}

// One replica of the simulator serves a sequence at a time (about 18 req/s here) and turns
// requests away beyond two waiting: 8 req/s meets the success-rate SLO, 32 surely misses it.
function options(name: string, o: Partial<PlanOptions> = {}): PlanOptions {
  const config = path.join(dir, `${name}.json`);
  fs.writeFileSync(
    config,
    JSON.stringify({
      name,
      scenarios: [{ name: "s", num_prompts: 1000, random_input_len: 16, random_output_len: 16 }],
      thresholds: { success_rate: 0.9, e2el_p95_ms: 3000, throughput_min: 1 },
    }),
  );
  return {
    config,
    slos: {},
    sim: { maxNumSeqs: 1, stepBaseMs: 2, perSeqMs: 0, prefillPerTokenMs: 0, maxWaiting: 2 },
    search: { startRps: 8, minRps: 1, maxRps: 256, precision: 1, maxPoints: 6, repeats: 1 },
    durationS: 1,
    warmupS: 0.25,
    fleet: { peakRps: 30, headroom: 0.6, alertFraction: 0.9, tensorParallelSize: 1, instanceType: "g6.xlarge" },
    outputDir: path.join(dir, name),
    seed: 1,
    log: () => {},
    ...o,
  };
}

beforeAll(async () => {
  const complete = await runPlan(options("complete"));
  expect(complete.exitCode).toBe(0);
  files.complete = complete.files[0];
  // Interrupted as a signal would: once the first point is judged.
  const stop = new AbortController();
  const partial = await runPlan(
    options("partial", {
      signal: stop.signal,
      log: (l) => {
        if (l.startsWith("rate")) stop.abort();
      },
    }),
  );
  expect(partial.exitCode).toBe(3);
  files.partial = partial.files[0];
});

describe("plan.json's JSON Schema", () => {
  it("holds for a plan run to its answer, with the recommendation's stack-config keys first", () => {
    const f = read(files.complete);
    expect(Object.keys(f)[0]).toBe("autoscaling.targetRequestsPerSecond");
    expect(Object.keys(f).at(-1)).toBe("plan");
    expect(f.plan).toMatchObject({
      partial: false,
      price: { usd_per_hour: expect.any(Number) },
      // What the search used: two runs at least (a Poisson workload alone would ask one).
      search: { answer_runs: 2, confirm: false },
    });
    expect(f.plan.rates.map((r: Json) => r.verdict)).toContain("miss");
    expect(validate(f) ? [] : validate.errors).toEqual([]);
    expect(planFileSchema.parse(f)).toEqual(f);
    // One key style below the stack-config keys: snake_case, as results.json.
    const keys = (v: unknown): string[] =>
      v && typeof v === "object"
        ? Object.entries(v).flatMap(([k, x]) => [...(Array.isArray(v) ? [] : [k]), ...keys(x)])
        : [];
    expect(keys(f.plan).filter((k) => !/^[a-z][a-z0-9_.]*$/.test(k))).toEqual([]);
  });

  it("holds for a partial plan: a stop reason, no recommendation", () => {
    const f = read(files.partial);
    expect(Object.keys(f)).toEqual(["plan"]);
    expect(f.plan).toMatchObject({
      partial: true,
      stop_reason: "interrupted by a signal",
      stop: "interrupted",
      price: null,
      cost_per_hour_at_peak_usd: null,
    });
    expect(f.plan.points.length).toBeGreaterThan(0);
    expect(validate(f) ? [] : validate.errors).toEqual([]);
    expect(planFileSchema.parse(f)).toEqual(f);
  });

  it("takes the nulls JSON.stringify makes of a rate with no data (NaN estimates)", () => {
    const f = read(files.complete);
    const none = judge([{ records: [], fromS: 0, toS: 1 }], f.plan.slos);
    f.plan.rates[0] = JSON.parse(JSON.stringify({ ...f.plan.rates[0], verdict: none.verdict, slos: none.slos }));
    expect(f.plan.rates[0].slos[0]).toMatchObject({ value: null, low: null, high: null, verdict: "no-data" });
    expect(accepted(f)).toBe(true);
  });

  it("refuses a missing, mistyped or unknown field, an unknown verdict and half a recommendation", () => {
    const bad = (file: string, edit: (f: Json) => void) => {
      const f = read(file);
      edit(f);
      return accepted(f);
    };
    expect(bad(files.complete, () => {})).toBe(true);
    expect(bad(files.partial, () => {})).toBe(true);
    expect(bad(files.complete, (f) => delete f.plan.rates)).toBe(false);
    expect(bad(files.complete, (f) => delete f.plan.points[0].latency_ms)).toBe(false);
    expect(bad(files.complete, (f) => (f.plan.sustainable_rps = String(f.plan.sustainable_rps)))).toBe(false);
    expect(bad(files.complete, (f) => (f.plan.points[0].samples = 1.5))).toBe(false);
    expect(bad(files.complete, (f) => (f.plan.surprise = 1))).toBe(false);
    expect(bad(files.complete, (f) => (f.plan.rates[0].verdict = "maybe"))).toBe(false);
    expect(bad(files.complete, (f) => (f.plan.stop = "tired"))).toBe(false);
    expect(bad(files.complete, (f) => (f.plan.points[0].latency_ms.std_ttft_ms = 1))).toBe(false);
    expect(bad(files.complete, (f) => delete f["gpuNodes.maxSize"])).toBe(false);
    expect(bad(files.partial, (f) => (f["autoscaling.maxReplicas"] = 3))).toBe(false);
    expect(bad(files.partial, (f) => delete f.plan.stop_reason)).toBe(true); // only a partial plan has one
  });
});
