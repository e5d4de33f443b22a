// Prompts from a file: ShareGPT-style JSON (the first human turn is the prompt, the reply's
// length the output budget, as `vllm bench serve` samples it) or JSONL (one
// {"prompt": "...", "max_tokens"?: n} per line). Sampling is a seeded shuffle, so a run is
// repeatable; token counts come from the server's /tokenize when it has one.
import * as fs from "node:fs";
import type { Prompt, PromptSource, Tokenizer } from "./dataset";
import { rng } from "./random";

export interface FileEntry {
  prompt: string;
  /** Output budget from the dataset (ShareGPT reply length, JSONL max_tokens); else the scenario's. */
  outputText?: string;
  maxTokens?: number;
}

export type FileDatasetType = "sharegpt" | "jsonl";

function readShareGpt(text: string, path: string): FileEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `defaults.dataset_path ${path}: not valid JSON (${(e as Error).message}); ShareGPT files are a JSON array of {conversations: [{from, value}, ...]}`,
      { cause: e },
    );
  }
  if (!Array.isArray(data)) throw new Error(`defaults.dataset_path ${path}: expected a JSON array of conversations`);
  const out: FileEntry[] = [];
  for (const conv of data as Array<{ conversations?: Array<{ from?: string; value?: unknown }> }>) {
    const turns = conv?.conversations;
    // vLLM's sampler skips conversations without a reply to measure the output against.
    if (!Array.isArray(turns) || turns.length < 2) continue;
    const [ask, reply] = turns;
    if (typeof ask?.value !== "string" || typeof reply?.value !== "string" || !ask.value.trim()) continue;
    out.push({ prompt: ask.value, outputText: reply.value });
  }
  return out;
}

function readJsonl(text: string, path: string): FileEntry[] {
  const out: FileEntry[] = [];
  text.split("\n").forEach((line, n) => {
    if (!line.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(
        `defaults.dataset_path ${path}:${n + 1}: not valid JSON; each line must be {"prompt": "...", "max_tokens": 128}`,
      );
    }
    // A line that is no object has no "prompt": it fails the check below.
    const row: { prompt?: unknown; max_tokens?: unknown } = typeof parsed === "object" && parsed !== null ? parsed : {};
    if (typeof row.prompt !== "string" || !row.prompt.trim())
      throw new Error(`defaults.dataset_path ${path}:${n + 1}: "prompt" must be a non-empty string`);
    if (row.max_tokens !== undefined && !(Number.isInteger(row.max_tokens) && (row.max_tokens as number) > 0))
      throw new Error(`defaults.dataset_path ${path}:${n + 1}: "max_tokens" must be a positive integer`);
    out.push({ prompt: row.prompt, maxTokens: row.max_tokens as number | undefined });
  });
  return out;
}

export function loadFileDataset(path: string, type: FileDatasetType): FileEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(
      `defaults.dataset_path ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      { cause: e },
    );
  }
  const entries = type === "sharegpt" ? readShareGpt(text, path) : readJsonl(text, path);
  if (entries.length === 0) throw new Error(`defaults.dataset_path ${path}: no usable prompts in this ${type} file`);
  return entries;
}

/** Seeded permutation (Fisher-Yates) of 0..n-1. */
function permutation(n: number, seed: number): number[] {
  const r = rng(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

/** Prompt i is entry perm[i mod n]: datasets smaller than the run are cycled. */
export function fileDatasetSource(
  entries: FileEntry[],
  opts: { seed: number; outputLen: number; tokenizer: Tokenizer },
): PromptSource {
  const perm = permutation(entries.length, opts.seed);
  const count = async (s: string) => (opts.tokenizer ? opts.tokenizer(s) : words(s));
  const build = async (i: number): Promise<Prompt> => {
    const e = entries[perm[i % entries.length]];
    const maxTokens =
      e.maxTokens ?? (e.outputText !== undefined ? Math.max(1, await count(e.outputText)) : opts.outputLen);
    return { text: e.prompt, tokens: await count(e.prompt), maxTokens };
  };
  const built = new Map<number, Promise<Prompt>>();
  return {
    take(i) {
      const p = built.get(i) ?? build(i);
      built.delete(i);
      return p;
    },
    async prefetch(from, to) {
      for (let i = from; i < to; i++) if (!built.has(i)) built.set(i, build(i));
      await Promise.all([...built.values()]);
    },
  };
}
