import { describe, expect, it } from "vitest";
import { randomPromptSource } from "../../bench/client/dataset";

// A shard (a --workers child, an Indexed Job pod) builds only the prompts it sends: the others
// were built, tokenized and kept for the whole scenario, N-1 of every N.
describe("prompt source of a shard", () => {
  const opts = (tokenized: string[], wanted?: (i: number) => boolean) => ({
    count: 20,
    inputLen: 8,
    outputLen: 4,
    rangeRatio: 0,
    prefixLen: 0,
    seed: 3,
    ahead: 4,
    wanted,
    tokenizer: (text: string) => {
      tokenized.push(text);
      return Promise.resolve(text.split(" ").length);
    },
  });

  it("builds only the wanted indices, and each is the prompt the single process would send", async () => {
    const mine: string[] = [];
    const shard = randomPromptSource(opts(mine, (i) => i % 2 === 1));
    await shard.prefetch(0, 10);
    expect(mine).toHaveLength(5);
    const all: string[] = [];
    const single = randomPromptSource(opts(all));
    for (const i of [1, 3, 7]) expect(await shard.take(i)).toEqual(await single.take(i));
    // Taking ahead schedules only wanted prompts too.
    expect(mine.length).toBeLessThanOrEqual(5 + 3 + Math.ceil(4 / 2) + 1);
  });
});
