import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { compareMain } from "../../bench/client/cli";
import { presetText } from "../../bench/contract";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-compare-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const base = {
  run_id: "r",
  partial: false,
  scenario: "c50",
  model_id: "m",
  backend: "openai-chat",
  max_concurrency: 50,
  request_rate: "inf",
  num_prompts: 100,
  duration: 10,
  completed: 100,
  failed: 0,
  success_rate: 1,
  output_throughput: 500,
  request_throughput: 10,
  p95_ttft_ms: 100,
  mean_tpot_ms: 20,
};
function file(name: string, body: object | string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, typeof body === "string" ? body : JSON.stringify(body));
  return p;
}
async function compare(args: string[]) {
  const out: string[] = [],
    err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((l) => void out.push(String(l)));
  vi.spyOn(console, "error").mockImplementation((l) => void err.push(String(l)));
  const code = await compareMain(args);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("vllm-bench compare", () => {
  it("--help prints usage and exits 0", async () => {
    const r = await compare(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: vllm-bench compare OLD.results.json NEW.results.json/);
  });

  it("the same figures: no regression, exit 0", async () => {
    const r = await compare([file("a.json", base), file("b.json", base)]);
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toMatch(/^ok +success_rate +1\.00 -> +1\.00/m);
    expect(r.out).toMatch(/^ok +failed/m);
  });

  it("compares success rate and failures: failures from zero and a lower success rate are regressions", async () => {
    const r = await compare([
      file("a.json", base),
      file("worse.json", { ...base, completed: 80, failed: 20, success_rate: 0.8 }),
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^REGRESSION success_rate .*\(-20\.0%\)/m);
    expect(r.out).toMatch(/^REGRESSION failed +0\.00 -> +20\.00 \(new\)/m);
    expect(r.out).toMatch(/2 regression\(s\)/);
  });

  it("a scenario file given instead of a results file is refused, naming it", async () => {
    const scenario = file("smoke.json", presetText("smoke"));
    await expect(compare([scenario, file("a.json", base)])).rejects.toThrow(
      /compare: .*smoke\.json is a scenario file, not a results file/,
    );
    await expect(compare([file("list.json", "[1,2]"), file("a.json", base)])).rejects.toThrow(
      /list\.json is not a results file/,
    );
    await expect(compare([file("other.json", { hello: 1 }), file("a.json", base)])).rejects.toThrow(
      /other\.json is not a results file \(no numeric completed, duration\)/,
    );
    await expect(compare([file("a.json", base)])).rejects.toThrow(/expected two results files, got 1/);
  });

  it("warns when the two runs are of different scenarios, models or loads, or partial", async () => {
    const r = await compare([
      file("a.json", base),
      file("c.json", { ...base, scenario: "c100", max_concurrency: 100, partial: true }),
    ]);
    expect(r.err).toMatch(/warning: the two runs differ in scenario \("c50" vs "c100"\)/);
    expect(r.err).toMatch(/warning: the two runs differ in max_concurrency \(50 vs 100\)/);
    expect(r.err).toMatch(/c\.json is partial/);
  });
});
