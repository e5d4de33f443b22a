import { rng } from "./random";

// Random prompts of an exact input length. With the server's /tokenize (vLLM has one) each
// prompt is measured and trimmed/extended to the target; without it, one word ≈ one token.

const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "de", "pa", "go", "zu", "fe", "hi", "jo", "be"];

function words(r: () => number, n: number): string[] {
  return Array.from({ length: n }, () => SYLLABLES[Math.floor(r() * 16)]! + SYLLABLES[Math.floor(r() * 16)]! + SYLLABLES[Math.floor(r() * 16)]!);
}

export interface Prompt {
  text: string;
  tokens: number;
  maxTokens: number;
}

type Tokenizer = ((text: string) => Promise<number>) | undefined;

export async function serverTokenizer(baseUrl: string, model: string): Promise<Tokenizer> {
  try {
    const res = await fetch(`${baseUrl}/tokenize`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model, prompt: "probe" }) });
    if (!res.ok) return undefined;
    return async (text: string) => {
      const r = await fetch(`${baseUrl}/tokenize`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model, prompt: text, add_special_tokens: false }) });
      return ((await r.json()) as { count: number }).count;
    };
  } catch {
    return undefined;
  }
}

export async function randomPrompts(opts: {
  count: number;
  inputLen: number;
  outputLen: number;
  rangeRatio: number;
  prefixLen: number;
  seed: number;
  tokenizer: Tokenizer;
}): Promise<Prompt[]> {
  const r = rng(opts.seed);
  const prefix = words(r, opts.prefixLen);
  const lenIn = (base: number) => Math.max(1, Math.round(base * (1 - opts.rangeRatio + 2 * opts.rangeRatio * r())));
  const out: Prompt[] = [];
  for (let i = 0; i < opts.count; i++) {
    const target = lenIn(opts.inputLen);
    let w = [...prefix, ...words(r, Math.max(1, target - opts.prefixLen))];
    let tokens = w.length;
    if (opts.tokenizer) {
      // Adjust by the measured tokens-per-word ratio, then step word by word to the target.
      tokens = await opts.tokenizer(w.join(" "));
      for (let k = 0; k < 6 && tokens !== target; k++) {
        const ratio = tokens / w.length;
        const want = Math.max(1, Math.round(target / ratio));
        w = want < w.length ? w.slice(0, want) : [...w, ...words(r, want - w.length)];
        const next = await opts.tokenizer(w.join(" "));
        if (next === tokens && want === w.length) break;
        tokens = next;
      }
    }
    out.push({ text: w.join(" "), tokens, maxTokens: lenIn(opts.outputLen) });
  }
  return out;
}
