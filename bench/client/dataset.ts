import { rng } from "./random";
import { postJson } from "./request";

// Random prompts of an exact input length. With the server's /tokenize (vLLM has one) each
// prompt is measured and trimmed/extended to the target; without it, one word ≈ one token.
// Prompts are built lazily and ahead of use (a long run must not tokenize 100,000 prompts
// before its first request), and prompt i depends only on (seed, i), so the order in which
// they are built never changes the dataset.

const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "de", "pa", "go", "zu", "fe", "hi", "jo", "be"];

function words(r: () => number, n: number): string[] {
  return Array.from(
    { length: n },
    () => SYLLABLES[Math.floor(r() * 16)] + SYLLABLES[Math.floor(r() * 16)] + SYLLABLES[Math.floor(r() * 16)],
  );
}

export interface Prompt {
  text: string;
  tokens: number;
  maxTokens: number;
}

export type Tokenizer = ((text: string) => Promise<number>) | undefined;

/** Client-side sizing: one word ≈ one token (what the prompts are built from). */
const wordCount = (text: string): number => (text.trim() ? text.trim().split(/\s+/).length : 0);

async function tokenCount(baseUrl: string, model: string, prompt: string, extra: object = {}): Promise<number> {
  let r: { status: number; text: string };
  try {
    r = await postJson(`${baseUrl}/tokenize`, { model, prompt, ...extra }, 10_000);
  } catch (e) {
    throw new Error(`unreachable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  const text = r.text;
  if (r.status !== 200) throw new Error(`answered ${r.status}`);
  let count: unknown;
  try {
    count = (JSON.parse(text) as { count?: unknown }).count;
  } catch {
    throw new Error(`answered 200 with a body that is not JSON (${JSON.stringify(text.slice(0, 40))})`);
  }
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0)
    throw new Error(`answered without an integer "count"`);
  return count;
}

/**
 * The server's /tokenize (vLLM's), or undefined when it has none or it does not answer as vLLM's
 * does: then prompts are sized client-side (a warning says so). A tokenizer that fails later (the
 * server died, a broken proxy) falls back the same way instead of failing the run.
 */
export async function serverTokenizer(
  baseUrl: string,
  model: string,
  warn: (message: string) => void = () => {},
): Promise<Tokenizer> {
  try {
    await tokenCount(baseUrl, model, "probe");
  } catch (e) {
    warn(
      `${baseUrl}/tokenize ${(e as Error).message}: prompts are sized client-side (one word per token), so input lengths are approximate; the server's usage still gives the token counts.`,
    );
    return undefined;
  }
  let broken = false;
  return async (text: string) => {
    if (!broken) {
      try {
        return await tokenCount(baseUrl, model, text, { add_special_tokens: false });
      } catch (e) {
        broken = true;
        warn(
          `${baseUrl}/tokenize ${(e as Error).message} during the run: sizing the remaining prompts client-side (one word per token).`,
        );
      }
    }
    return wordCount(text);
  };
}

export interface RandomPromptOptions {
  inputLen: number;
  outputLen: number;
  rangeRatio: number;
  prefixLen: number;
  seed: number;
  tokenizer: Tokenizer;
}

/** Prompt number `i` of the seeded dataset. */
async function randomPrompt(opts: RandomPromptOptions, i: number): Promise<Prompt> {
  const prefix = words(rng(opts.seed), opts.prefixLen);
  const r = rng((Math.imul(opts.seed + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
  const lenIn = (base: number) => Math.max(1, Math.round(base * (1 - opts.rangeRatio + 2 * opts.rangeRatio * r())));
  const target = lenIn(opts.inputLen);
  const maxTokens = lenIn(opts.outputLen);
  let w = [...prefix, ...words(r, Math.max(1, target - opts.prefixLen))];
  let tokens = w.length;
  if (opts.tokenizer) {
    // Adjust by the measured tokens-per-word ratio, then step towards the target.
    tokens = await opts.tokenizer(w.join(" "));
    for (let k = 0; k < 6 && tokens !== target; k++) {
      const want = Math.max(1, Math.round(target / (tokens / w.length)));
      if (want === w.length) break;
      w = want < w.length ? w.slice(0, want) : [...w, ...words(r, want - w.length)];
      tokens = await opts.tokenizer(w.join(" "));
    }
  }
  return { text: w.join(" "), tokens, maxTokens };
}

export interface PromptSource {
  /** Prompt `i`; each index is meant to be taken once (it is forgotten afterwards). */
  take(i: number): Promise<Prompt>;
  /** Build prompts [from, to) now, e.g. before the timed run starts. */
  prefetch(from: number, to: number): Promise<void>;
}

/** Lazily built prompts, `ahead` of the last one taken, at most `parallel` tokenizer calls at once. */
export function randomPromptSource(
  opts: RandomPromptOptions & {
    count: number;
    ahead?: number;
    parallel?: number;
    /** The indices this process will take (a shard's share); others are never built nor kept. */
    wanted?: (i: number) => boolean;
  },
): PromptSource {
  const ahead = opts.ahead ?? 256;
  const parallel = opts.parallel ?? 16;
  const built = new Map<number, Promise<Prompt>>();
  let next = 0; // lowest index not yet scheduled
  let active = 0;
  const queue: (() => void)[] = [];
  const slot = async <T>(f: () => Promise<T>): Promise<T> => {
    while (active >= parallel) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await f();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
  const schedule = (to: number) => {
    for (to = Math.min(to, opts.count); next < to; next++) {
      const idx = next;
      if (opts.wanted && !opts.wanted(idx)) continue;
      const p = slot(() => randomPrompt(opts, idx));
      p.catch(() => {}); // surfaced by take()
      built.set(next, p);
    }
  };
  const cycle = (i: number) => i % opts.count;
  return {
    async take(i) {
      const k = cycle(i);
      schedule(k + 1 + ahead);
      const p = built.get(k) ?? randomPrompt(opts, k);
      built.delete(k);
      return p;
    },
    async prefetch(from, to) {
      schedule(Math.min(to, opts.count));
      await Promise.all([...built.entries()].filter(([k]) => k >= from && k < to).map(([, p]) => p));
    },
  };
}
