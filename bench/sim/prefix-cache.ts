// Prefix-cache bookkeeping: remembers prompt prefixes in 16-token blocks (bounded LRU-ish set)
// and tells how many leading tokens of a new prompt were seen before.
const BLOCK = 16;

export class PrefixCache {
  private seen = new Set<number>();
  constructor(private readonly maxEntries = 200_000) {}

  /** Cached leading tokens of `ids`; records its blocks for later requests. */
  lookupAndInsert(ids: number[]): number {
    const it = this.walk(ids);
    let r = it.next();
    while (!r.done) r = it.next();
    return r.value;
  }

  /** The same, yielding to the event loop every few thousand blocks (long prompts). */
  async lookupAndInsertAsync(ids: number[]): Promise<number> {
    const it = this.walk(ids);
    let r = it.next();
    while (!r.done) {
      await new Promise<void>((res) => setImmediate(res));
      r = it.next();
    }
    return r.value;
  }

  private *walk(ids: number[]): Generator<void, number> {
    let h = 2166136261;
    let hits = 0;
    let stillHitting = true;
    for (let b = 0; (b + 1) * BLOCK <= ids.length; b++) {
      for (let i = b * BLOCK; i < (b + 1) * BLOCK; i++) h = Math.imul(h ^ ids[i], 16777619) >>> 0;
      if (stillHitting && this.seen.has(h)) hits += BLOCK;
      else stillHitting = false;
      if (this.seen.size >= this.maxEntries) this.seen.clear();
      this.seen.add(h);
      if (b % 2048 === 2047) yield;
    }
    // vLLM always recomputes at least the last token.
    return Math.min(hits, Math.max(0, ids.length - 1));
  }
}
