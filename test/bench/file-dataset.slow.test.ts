import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileDatasetSource, loadFileDataset } from "../../bench/client/file-dataset";
import { runBenchmark } from "../../bench/client/run";
import { parseScenarioFile } from "../../bench/contract";
import { countTokens, startSimulator, type RunningSimulator } from "../../bench/sim";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-files-"));
const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const sharegpt = write(
  "sg.json",
  JSON.stringify([
    {
      id: "a",
      conversations: [
        { from: "human", value: "what is a GPU" },
        { from: "gpt", value: "a processor for parallel work" },
      ],
    },
    { id: "b", conversations: [{ from: "human", value: "only a question" }] },
    {
      id: "c",
      conversations: [
        { from: "human", value: "name three colours please" },
        { from: "gpt", value: "red green blue" },
      ],
    },
  ]),
);
const jsonl = write(
  "p.jsonl",
  ['{"prompt": "hello there", "max_tokens": 7}', "", '{"prompt": "tell me a story about a cat"}'].join("\n"),
);

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ fixedTtftMs: 5, fixedItlMs: 2, model: "m" });
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("file datasets", () => {
  it("ShareGPT: first human turn as prompt, reply length as output budget, conversations without a reply skipped", async () => {
    const entries = loadFileDataset(sharegpt, "sharegpt");
    expect(entries.map((e) => e.prompt)).toEqual(["what is a GPU", "name three colours please"]);
    const src = fileDatasetSource(entries, { seed: 3, outputLen: 99, tokenizer: undefined });
    const all = await Promise.all([0, 1].map((i) => src.take(i)));
    const byText = Object.fromEntries(all.map((p) => [p.text, p.maxTokens]));
    expect(byText).toEqual({ "what is a GPU": 5, "name three colours please": 3 });
  });

  it("JSONL: max_tokens from the line, else the scenario's output length; a seeded order that repeats", async () => {
    const entries = loadFileDataset(jsonl, "jsonl");
    expect(entries).toHaveLength(2);
    const order = async (seed: number) =>
      Promise.all(
        [0, 1, 2, 3].map((i) =>
          fileDatasetSource(entries, { seed, outputLen: 11, tokenizer: undefined })
            .take(i)
            .then((p) => `${p.text}/${p.maxTokens}`),
        ),
      );
    expect(await order(5)).toEqual(await order(5));
    expect(new Set(await order(5))).toEqual(new Set(["hello there/7", "tell me a story about a cat/11"]));
  });

  it("bad files and a missing path are rejected naming the field (and the line)", () => {
    expect(() => loadFileDataset(write("bad.jsonl", '{"prompt": "ok"}\n{"prompt": 3}\n'), "jsonl")).toThrow(
      /dataset_path .*bad\.jsonl:2: "prompt"/,
    );
    expect(() => loadFileDataset(write("bad.json", "{not json"), "sharegpt")).toThrow(/dataset_path .*not valid JSON/);
    expect(() => loadFileDataset(path.join(dir, "missing.jsonl"), "jsonl")).toThrow(/dataset_path .*ENOENT/);
    expect(() =>
      parseScenarioFile({ defaults: { dataset_type: "sharegpt" }, scenarios: [{ name: "x" }] }, "f.json"),
    ).toThrow(/defaults\.dataset_path: dataset_type sharegpt needs dataset_path/);
  });

  it("a run on a JSONL dataset sends its prompts; input tokens are the server's exact counts", async () => {
    const cfg = write(
      "jsonl-run.json",
      JSON.stringify({
        name: "files",
        defaults: { backend: "openai", dataset_type: "jsonl", dataset_path: jsonl },
        scenarios: [{ name: "j", max_concurrency: 2, num_prompts: 6 }],
      }),
    );
    const { results, exitCode } = await runBenchmark({
      baseUrl: sim.url,
      config: cfg,
      outputDir: path.join(dir, "out"),
      seed: 1,
      timeoutMs: 10_000,
      log: () => {},
    });
    expect(exitCode).toBe(0);
    const r = results[0].result as Record<string, number>;
    expect(r.completed).toBe(6);
    // The server's usage.prompt_tokens: on /v1/completions (no chat template) exactly the simulator tokenizer's count of each prompt.
    const exact = new Set([countTokens("hello there"), countTokens("tell me a story about a cat")]);
    expect(exact.size).toBe(2);
    const sent = results[0].records.map((x) => x.prompt_tokens);
    expect(new Set(sent)).toEqual(exact);
  });
});
