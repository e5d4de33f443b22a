// Deterministic tokenizer: every run of letters/digits (with its leading spaces) or every single
// punctuation mark is one token, so token counts are exact and repeatable, and generated text
// (words from VOCAB, each " word") re-tokenizes to exactly one token per generated token.

const VOCAB =
  "the of and to in is that for it as with was on be by at this from are or have an they which one you were her all she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three".split(
    " ",
  );

const WORD_IDS = new Map(VOCAB.map((w, i) => [w, i + 100]));
const PIECE = /\s*[A-Za-z0-9]+|\s*[^\sA-Za-z0-9]|\s+$/g;
const VOCAB_SIZE = 32_000;

function hashId(piece: string): number {
  let h = 2166136261;
  for (let i = 0; i < piece.length; i++) h = Math.imul(h ^ piece.charCodeAt(i), 16777619) >>> 0;
  return 1100 + (h % (VOCAB_SIZE - 1100));
}

export function tokenize(text: string): number[] {
  const ids: number[] = [];
  for (const m of text.matchAll(PIECE)) {
    const piece = m[0];
    // A vocabulary word is exactly " word" (one space, lower case).
    const known = piece.charCodeAt(0) === 32 ? WORD_IDS.get(piece.slice(1)) : undefined;
    ids.push(known ?? hashId(piece));
  }
  return ids;
}

export const countTokens = (text: string): number => tokenize(text).length;

/** Ids from VOCAB decode to " word"; other ids (hashed pieces) decode to a placeholder. */
export function detokenize(ids: number[]): string {
  return ids.map((id) => (id >= 100 && id < 100 + VOCAB.length ? ` ${VOCAB[id - 100]}` : ` <${id}>`)).join("");
}

/** The i-th generated token of a request: deterministic per (seed, i). */
export function generatedToken(seed: number, i: number): { id: number; text: string } {
  const idx = (Math.imul(seed + 0x9e3779b9, 2654435761) + Math.imul(i + 1, 40503)) >>> 0;
  const w = idx % VOCAB.length;
  return { id: w + 100, text: ` ${VOCAB[w]}` };
}
