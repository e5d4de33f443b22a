import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../bench/sim";
import { runBenchmark } from "../../bench/client/run";
import { startFaultSim, startProxy } from "./fault-sim";
import { latest, runHarness } from "./run-files";

// Nothing measured is lost: a broken tokenizer, files per run written atomically, the server's
// token counts. The slower cases: nothing-lost-inprocess.slow.test.ts and nothing-lost.slow.test.ts.

let sim: RunningSimulator;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-lost-"));
beforeAll(async () => {
  sim = await startFaultSim({ fixedTtftMs: 5, fixedItlMs: 2 });
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const { scenarioFile, opts } = runHarness(dir, () => sim.url);

describe("non-vLLM tokenizers fall back to client-side sizing with a warning", () => {
  it.each([
    [
      "no /tokenize (404)",
      () => ({ status: 404, body: "not found" }),
      /\/tokenize answered 404: prompts are sized client-side/,
    ],
    [
      "a 200 that is not JSON",
      () => ({ status: 200, body: "<html>ok</html>" }),
      /\/tokenize answered 200 with a body that is not JSON.*sized client-side/,
    ],
    [
      "one that breaks after the probe",
      (k: number) => (k > 1 ? { status: 200, body: "oops" } : undefined),
      /during the run: sizing the remaining prompts client-side/,
    ],
  ])("%s", async (_, tokenize, warning) => {
    const proxy = await startProxy(sim.url, { tokenize });
    try {
      const o = opts(
        scenarioFile({
          scenarios: [{ name: "t", max_concurrency: 2, num_prompts: 6, random_input_len: 12, random_output_len: 3 }],
        }),
        { baseUrl: proxy.url },
      );
      const out = await runBenchmark(o);
      expect(out.exitCode).toBe(0);
      expect(out.results[0].result.completed).toBe(6);
      expect(o.lines.join("\n")).toMatch(warning);
    } finally {
      proxy.kill();
    }
  });
});

describe("results folders", () => {
  it("one folder per run, `latest` pointing at the newest; a reused output directory never mixes runs", async () => {
    const outputDir = path.join(dir, "reused");
    const a = await runBenchmark(
      opts(scenarioFile({ scenarios: [{ name: "a", num_prompts: 2, random_input_len: 4, random_output_len: 2 }] }), {
        outputDir,
      }),
    );
    const b = await runBenchmark(
      opts(scenarioFile({ scenarios: [{ name: "b", num_prompts: 2, random_input_len: 4, random_output_len: 2 }] }), {
        outputDir,
      }),
    );
    expect(a.runId).not.toBe(b.runId);
    expect(fs.readdirSync(path.join(outputDir, a.runId)).sort()).toEqual([
      "a.requests.csv",
      "a.results.json",
      "report.html",
      "summary.csv",
    ]);
    expect(fs.readlinkSync(path.join(outputDir, "latest"))).toBe(b.runId);
    expect(latest(outputDir).files.sort()).toEqual(["b.requests.csv", "b.results.json", "report.html", "summary.csv"]);
  });
});

describe("token counts", () => {
  it("takes prompt_tokens from the server's usage: chat counts include the chat template's tokens", async () => {
    const cfg = scenarioFile({
      defaults: { backend: "openai-chat" },
      scenarios: [{ name: "u", num_prompts: 3, random_input_len: 20, random_output_len: 2 }],
    });
    const chat = await runBenchmark(opts(cfg));
    const cfg2 = scenarioFile({
      defaults: { backend: "openai" },
      scenarios: [{ name: "u", num_prompts: 3, random_input_len: 20, random_output_len: 2 }],
    });
    const plain = await runBenchmark(opts(cfg2));
    const tokens = (o: typeof chat) => o.results[0].records.map((r) => r.prompt_tokens);
    expect(tokens(plain)).toEqual([20, 20, 20]); // sized exactly with /tokenize
    // Same prompts (same seed); the server's usage counts the chat template on top.
    for (const [c, p] of tokens(chat).map((c, i) => [c, tokens(plain)[i]])) expect(c).toBeGreaterThan(p);
  });
});
