import { afterEach, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../../bench/sim";
import { parseExposition, post, timedStream, withSim } from "./helpers";

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gaps = (t: number[]) => t.slice(1).map((x, i) => x - t[i]);

describe("behaviour under load (engine model, not fixed sleeps)", () => {
  it("TTFT rises with queue length when the batch is full", async () => {
    sim = await withSim({ maxNumSeqs: 2, stepBaseMs: 10, perSeqMs: 0, prefillPerTokenMs: 0 });
    // Unloaded TTFT: best of three, so a cold first connection or a VM stall does not inflate it.
    const alone = [];
    for (let i = 0; i < 3; i++) alone.push((await timedStream(sim, 3)).times[0]);
    // 6 requests, batch of 2: the last ones wait for two earlier rounds to finish.
    const crowd = await Promise.all(Array.from({ length: 6 }, () => timedStream(sim!, 10)));
    const ttfts = crowd.map((c) => c.times[0]).sort((a, b) => a - b);
    expect(ttfts[5]).toBeGreaterThan(ttfts[0] + 150);
    expect(ttfts[5]).toBeGreaterThan(Math.min(...alone) * 5);
  });

  it("inter-token gap rises with batch size", async () => {
    sim = await withSim({ maxNumSeqs: 256, stepBaseMs: 5, perSeqMs: 0.5, prefillPerTokenMs: 0 });
    // Medians, and the best of three solo streams: one stall of the shared test worker lifted a
    // single solo stream's mean gap to 22 ms (of 5) on a loaded clean-clone CI run.
    const solo: number[] = [];
    for (let i = 0; i < 3; i++) solo.push(median(gaps((await timedStream(sim, 20)).times)));
    const many = await Promise.all(Array.from({ length: 60 }, () => timedStream(sim!, 20)));
    const batchGap = median(many.flatMap((m) => gaps(m.times)));
    // 5 ms alone vs 5 + 0.5 × 60 = 35 ms in a batch of 60.
    expect(batchGap).toBeGreaterThan(Math.min(...solo) * 3);
  });

  it("preempts when the KV cache is full, and still finishes every request", async () => {
    sim = await withSim({ maxNumSeqs: 64, kvCacheTokens: 256, stepBaseMs: 1, perSeqMs: 0, prefillPerTokenMs: 0 });
    const res = await Promise.all(
      Array.from({ length: 8 }, () =>
        post(sim!, "/v1/completions", { prompt: "w ".repeat(20), max_tokens: 40, ignore_eos: true }).then((r) =>
          r.json(),
        ),
      ),
    );
    expect(res.every((r) => r.usage.completion_tokens === 40)).toBe(true);
    const { samples } = parseExposition(await (await fetch(`${sim.url}/metrics`)).text());
    expect(samples.find((s) => s.name === "vllm:num_preemptions_total")!.value).toBeGreaterThan(0);
  });

  it("fixed-latency mode gives a constant TTFT and gap regardless of load", async () => {
    sim = await withSim({ fixedTtftMs: 50, fixedItlMs: 20, controlEndpoints: true });
    // 50 streams start together, so one stall of this shared test worker delays them all: a loaded
    // CI run saw a 150 ms stall lift a round's median TTFT to 198 ms. Hence three rounds, the
    // properties that no stall can break checked in every round, and the medians in the best one.
    const rounds: { ttft: number; gap: number }[] = [];
    for (let k = 0; k < 3; k++) {
      await fetch(`${sim.url}/sim/timing`, { method: "DELETE" });
      const streams = await Promise.all(Array.from({ length: 50 }, () => timedStream(sim!, 10)));
      const served = (await (await fetch(`${sim.url}/sim/timing`)).json()) as {
        ttft_ms: number[];
        requests: Record<string, { itl_ms: number[] }>;
      };
      expect(Object.keys(served.requests)).toHaveLength(50);
      // Never early, whatever the load: no TTFT under 50 ms, and each stream's 9 gaps add up to at
      // least 9 × 20 ms (paced on the ideal timeline; less the log's rounding to the microsecond).
      expect(Math.min(...served.ttft_ms)).toBeGreaterThanOrEqual(50);
      for (const r of Object.values(served.requests))
        expect(r.itl_ms.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(179.99);
      rounds.push({ ttft: median(served.ttft_ms), gap: median(streams.flatMap((s) => gaps(s.times))) });
    }
    // Late only by what the machine stalls: the best round is close to the configuration.
    expect(Math.min(...rounds.map((r) => r.ttft))).toBeLessThan(120);
    const gap = rounds.map((r) => r.gap).sort((a, b) => Math.abs(a - 20) - Math.abs(b - 20))[0];
    expect(gap).toBeGreaterThan(15);
    expect(gap).toBeLessThan(30);
  });

  it("GET /sim/timing reports the gaps as handed to the socket; DELETE clears them", async () => {
    sim = await withSim({ fixedTtftMs: 30, fixedItlMs: 10, controlEndpoints: true });
    await Promise.all(Array.from({ length: 4 }, () => timedStream(sim!, 6)));
    type Timing = {
      ttft_ms: number[];
      itl_ms: number[];
      truncated: boolean;
      requests: Record<string, { ttft_ms: number; itl_ms: number[] }>;
    };
    const timing = async (method = "GET") =>
      (await fetch(`${sim!.url}/sim/timing`, { method })).json() as Promise<Timing>;
    const t = await timing();
    // 4 streams of 6 tokens: 4 first tokens and 4 × 5 gaps. Bounds a VM stall cannot break: tokens
    // are paced on an ideal timeline, so a stream's gaps add up to at least 5 × 10 ms (less ~1 ms
    // of timer rounding), and a stall makes one gap long and the next ones short.
    expect(t.ttft_ms).toHaveLength(4);
    expect(t.itl_ms).toHaveLength(20);
    expect(t.truncated).toBe(false);
    expect(Math.min(...t.ttft_ms)).toBeGreaterThanOrEqual(29);
    expect(t.itl_ms.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(180);
    expect([...t.itl_ms].sort((a, b) => a - b)[10]).toBeLessThan(50);
    // Per request too, under vLLM's response id (random here: no X-Request-Id was sent).
    expect(Object.values(t.requests).map((r) => r.itl_ms.length)).toEqual([5, 5, 5, 5]);
    expect(
      Object.values(t.requests)
        .flatMap((r) => r.itl_ms)
        .sort(),
    ).toEqual([...t.itl_ms].sort());
    expect((await timing("DELETE")).itl_ms).toEqual([]);
    expect((await timing()).ttft_ms).toEqual([]);
    // The engine-model mode keeps no log (a long-running simulator would only fill it).
    await sim.close();
    sim = await withSim({ speedup: 20, controlEndpoints: true });
    await timedStream(sim, 4);
    expect(await timing()).toEqual({ ttft_ms: [], itl_ms: [], truncated: false, requests: {} });
  });

  it("takes the client's X-Request-Id as the response id, as vLLM does, and keys /sim/timing by it", async () => {
    sim = await withSim({ fixedTtftMs: 5, fixedItlMs: 2, controlEndpoints: true });
    const send = (path: string, body: object, rid?: string) =>
      fetch(sim!.url + path, {
        method: "POST",
        headers: { "content-type": "application/json", ...(rid ? { "x-request-id": rid } : {}) },
        body: JSON.stringify({ max_tokens: 3, ignore_eos: true, ...body }),
      }).then((r) => r.json() as Promise<{ id: string }>);
    expect((await send("/v1/completions", { prompt: "hi" }, "run-7")).id).toBe("cmpl-run-7");
    expect((await send("/v1/chat/completions", { messages: [{ role: "user", content: "hi" }] }, "run-8")).id).toBe(
      "chatcmpl-run-8",
    );
    expect((await send("/v1/completions", { prompt: "hi" })).id).toMatch(/^cmpl-[0-9a-f]{8}$/);
    // A reused id starts its timing entry afresh rather than appending to the old one.
    await send("/v1/completions", { prompt: "hi" }, "run-7");
    const t = (await (await fetch(`${sim.url}/sim/timing`)).json()) as {
      requests: Record<string, { ttft_ms: number; itl_ms: number[] }>;
    };
    expect(Object.keys(t.requests).sort()).toEqual(["chatcmpl-run-8", "cmpl-00000002", "cmpl-run-7"]);
    expect(t.requests["cmpl-run-7"].itl_ms).toHaveLength(2);
    expect(t.requests["cmpl-run-7"].ttft_ms).toBeGreaterThanOrEqual(4);
  });

  it("counts prefix-cache hits for shared prompt prefixes", async () => {
    sim = await withSim({ speedup: 20 });
    const prompt = Array(64).fill("shared").join(" "); // 64 tokens
    for (let i = 0; i < 3; i++) await (await post(sim, "/v1/completions", { prompt, max_tokens: 2 })).text();
    const { samples } = parseExposition(await (await fetch(`${sim.url}/metrics`)).text());
    const v = (n: string) => samples.find((s) => s.name === n)!.value;
    expect(v("vllm:prefix_cache_queries_total")).toBe(192);
    expect(v("vllm:prefix_cache_hits_total")).toBeGreaterThanOrEqual(96);
  });
});
