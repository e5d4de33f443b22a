// The results file's published JSON Schema (docs/benchmark.md, generated from
// bench/client/results-file.ts) holds for what a real run writes: a run against the simulator,
// with injected failures, goodput, a ramp, a fractional percentile and a rate-profile timeline,
// validated by a draft 2020-12 validator (ajv) that did not write it. Slow: the run's report
// renders its plots (about 2 s); results-schema.test.ts checks the writer on fixed records.
import Ajv2020 from "ajv/dist/2020";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readResultsFile, resultsJsonSchema } from "../../bench/client/results-file";
import { runBenchmark } from "../../bench/client/run";
import { startSimulator, type RunningSimulator } from "../../bench/sim";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-schema-"));
let sim: RunningSimulator;
let files: Record<string, unknown>[] = [];
let paths: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ host: "127.0.0.1", port: 0, fixedTtftMs: 2, fixedItlMs: 1, errorRate: 0.25 });
  const config = path.join(dir, "scenarios.json");
  fs.writeFileSync(
    config,
    JSON.stringify({
      defaults: { metric_percentiles: "50,99.9", goodput: { ttft: 1000, e2el: 2000 } },
      scenarios: [
        {
          name: "ramp",
          num_prompts: 16,
          max_concurrency: 4,
          random_input_len: 16,
          random_output_len: 4,
          ramp_up_strategy: "linear",
          ramp_up_start_rps: 100,
          ramp_up_end_rps: 200,
        },
        {
          name: "profile",
          random_input_len: 16,
          random_output_len: 4,
          rate_profile: [
            [0, 20],
            [1, 20],
          ],
        },
      ],
      thresholds: { "ttft_p99.9_ms": 5000, success_rate: 0.5, throughput_min: 1 },
    }),
  );
  const out = await runBenchmark({
    baseUrl: sim.url,
    config,
    outputDir: path.join(dir, "out"),
    seed: 3,
    timeoutMs: 10_000,
    log: () => {},
  });
  paths = out.files.filter((f) => f.endsWith(".results.json"));
  files = paths.map((f) => JSON.parse(fs.readFileSync(f, "utf8")) as Record<string, unknown>);
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const validator = () => new Ajv2020({ strict: true, allErrors: true }).compile(resultsJsonSchema());

describe("the results file's JSON Schema", () => {
  it("holds for every results file of a real run (failures, goodput, ramp, p99.9, timeline)", () => {
    expect(files.map((f) => f.scenario)).toEqual(["ramp", "profile"]);
    const [ramp, profile] = files;
    // The run exercised the optional parts the schema describes.
    expect(ramp).toMatchObject({ ramp_up_strategy: "linear", failed: expect.any(Number) });
    expect(ramp.failed).toBeGreaterThan(0);
    expect(ramp.request_goodput).toEqual(expect.any(Number));
    expect(ramp["p99.9_ttft_ms"]).toEqual(expect.any(Number));
    expect(profile.timeline).toEqual(expect.any(Array));
    const validate = validator();
    for (const f of files) expect(validate(f) ? [] : validate.errors, String(f.scenario)).toEqual([]);
  });

  it("is what vllm-bench compare reads", () => {
    for (const p of paths) expect(readResultsFile(p, "compare").completed).toBeGreaterThan(0);
  });
});
