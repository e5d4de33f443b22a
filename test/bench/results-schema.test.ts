// The results file's published JSON Schema (docs/benchmark.md, generated from
// bench/client/results-file.ts) holds for what the writer makes of a scenario's records, checked
// by a draft 2020-12 validator (ajv) that did not write it, and refuses what a reader must not
// accept. A real simulator run is checked in results-schema.slow.test.ts.
import Ajv2020 from "ajv/dist/2020";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeOutputs } from "../../bench/client/outputs";
import { resultsJsonSchema } from "../../bench/client/results-file";
import { scenario } from "./report-fixture";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-schema-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const validate = new Ajv2020({ strict: true, allErrors: true }).compile(resultsJsonSchema());

/** The results file the writer makes of the fixture's scenario (a failed request and a stop reason added). */
function written(): Record<string, unknown> {
  const s = scenario("fixture", 20, 80, 15);
  s.records[3] = { ...s.records[3], success: false, error_kind: "http", status: 503, error: "HTTP 503" };
  s.result.stop_reason = "interrupted by a signal";
  s.partial = true;
  const [file] = writeOutputs(dir, "run-1", [s]);
  return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
}

describe("the results file's JSON Schema", () => {
  it("holds for what the writer makes of a scenario", () => {
    const f = written();
    expect(f).toMatchObject({ partial: true, p95_ttft_ms: expect.any(Number), thresholds: expect.any(Array) });
    expect(validate(f) ? [] : validate.errors).toEqual([]);
  });

  it("refuses a misnamed, mistyped or missing figure, an unknown key and another format", () => {
    const bad = (edit: (f: Record<string, unknown>) => void) => {
      const f = written();
      edit(f);
      return validate(f);
    };
    expect(bad(() => {})).toBe(true);
    expect(bad((f) => (f.p95_ttft_ms = "12"))).toBe(false);
    expect(bad((f) => (f.p95_ttfx_ms = 12))).toBe(false);
    expect(bad((f) => delete f.mean_e2el_ms)).toBe(false);
    expect(bad((f) => (f.surprise = 1))).toBe(false);
    expect(bad((f) => (f.result_format = 2))).toBe(false);
    expect(bad((f) => (f.samples = { ttft: 1 }))).toBe(false);
  });
});
