import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { simOptionsFrom, type RunningSimulator } from "../../../bench/sim";
import { post, timedStream, withSim } from "./helpers";

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const chat = (extra: object = {}) => ({
  messages: [{ role: "user", content: "x" }],
  max_tokens: 10,
  ignore_eos: true,
  stream: true,
  ...extra,
});

describe("fault injection", () => {
  it("error rate answers that share of requests with the given status in OpenAI's shape", async () => {
    sim = await withSim({ speedup: 50, controlEndpoints: true });
    const ctl = await post(sim, "/sim/faults", { errorRate: 0.5, errorStatus: 503 });
    expect(ctl.status).toBe(200);
    const statuses = await Promise.all(
      Array.from({ length: 200 }, () =>
        post(sim!, "/v1/completions", { prompt: "x", max_tokens: 1 }).then(async (r) => ({
          s: r.status,
          b: await r.json(),
        })),
      ),
    );
    const errors = statuses.filter((x) => x.s === 503);
    expect(errors.length).toBeGreaterThan(70);
    expect(errors.length).toBeLessThan(130);
    expect(statuses.every((x) => x.s === 503 || x.s === 200)).toBe(true);
    expect(errors[0].b.error.message).toMatch(/Injected fault/);
  });

  it("stalls before the first token", async () => {
    sim = await withSim({ fixedTtftMs: 10, fixedItlMs: 5 });
    sim.setFaults({ stallBeforeFirstTokenMs: 300 });
    const s = await timedStream(sim, 3);
    expect(s.times[0]).toBeGreaterThan(290);
  });

  it("slowdown stretches engine steps, and the engine's own TTFT and inter-token metrics see it", async () => {
    sim = await withSim({ speedup: 2 });
    // Median gaps: one VM stall in a 70 ms normal stream doubled its mean gap (a 2.5× ratio on CI).
    const medianGap = (t: number[]) =>
      t
        .slice(1)
        .map((x, i) => x - t[i])
        .sort((a, b) => a - b)[Math.floor((t.length - 1) / 2)];
    await timedStream(sim, 3); // warm-up: the first stream pays for connection setup and JIT
    const normal = medianGap((await timedStream(sim, 12)).times);
    sim.setFaults({ slowdown: 6 });
    const slow = medianGap((await timedStream(sim, 12)).times);
    expect(slow / normal).toBeGreaterThan(3);
    const metrics = await (await fetch(`${sim.url}/metrics`)).text();
    const itlSum = Number(metrics.match(/^vllm:inter_token_latency_seconds_sum\{[^}]*\} (\S+)$/m)![1]);
    // 2 + 11 normal gaps of ~6 ms and 11 slow ones of ~36 ms.
    expect(itlSum).toBeGreaterThan(11 * 0.03);
  });

  it("stalls mid-stream after N tokens", async () => {
    sim = await withSim({ fixedTtftMs: 10, fixedItlMs: 5 });
    sim.setFaults({ stallAfterTokens: 3, stallMidStreamMs: 300 });
    const s = await timedStream(sim, 6);
    const g = s.times.slice(1).map((x, i) => x - s.times[i]);
    expect(Math.max(...g)).toBeGreaterThan(250);
    expect(g.indexOf(Math.max(...g))).toBe(2); // the gap after the 3rd token
  });

  it("drops the connection mid-stream without [DONE]", async () => {
    sim = await withSim({ fixedTtftMs: 5, fixedItlMs: 5 });
    sim.setFaults({ dropAfterTokens: 2 });
    const res = await post(sim, "/v1/chat/completions", chat());
    let text = "";
    await expect(async () => {
      for await (const c of res.body!) text += Buffer.from(c as Uint8Array).toString();
    }).rejects.toThrow();
    expect((text.match(/"content":"[^"]/g) ?? []).length).toBe(2);
    expect(text).not.toContain("[DONE]");
  });

  it("sends one malformed chunk", async () => {
    sim = await withSim({ fixedTtftMs: 5, fixedItlMs: 5 });
    sim.setFaults({ malformedAfterTokens: 2 });
    const text = await (await post(sim, "/v1/chat/completions", chat())).text();
    const bad = text
      .split("\n\n")
      .filter((e) => e.startsWith("data: ") && e !== "data: [DONE]")
      .filter((e) => {
        try {
          JSON.parse(e.slice(6));
          return false;
        } catch {
          return true;
        }
      });
    expect(bad).toHaveLength(1);
  });

  it("refuses connections while loading, as vLLM (which serves HTTP only once its model is loaded), then answers", async () => {
    sim = await withSim({ startupDelayMs: 400 });
    // vLLM binds its port, builds the engine, then starts serving: /v1/models is no earlier than /health.
    for (const path of ["/health", "/v1/models"])
      await expect(fetch(`${sim.url}${path}`)).rejects.toThrow(/fetch failed/);
    await sim.ready;
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    expect((await fetch(`${sim.url}/v1/models`)).status).toBe(200);
  });

  it("drop and malformed faults count the cut stream as an abort, even on its last token", async () => {
    sim = await withSim({ fixedTtftMs: 2, fixedItlMs: 2 });
    const run = async (fault: object) => {
      sim!.setFaults({ dropAfterTokens: 0, malformedAfterTokens: 0, ...fault });
      const res = await post(sim!, "/v1/chat/completions", chat({ max_tokens: 3 }));
      await res.text().catch(() => "");
    };
    await run({ dropAfterTokens: 3 });
    await run({ malformedAfterTokens: 3 });
    await run({ dropAfterTokens: 1 });
    await new Promise((r) => setTimeout(r, 50));
    const m = await (await fetch(`${sim.url}/metrics`)).text();
    const count = (reason: string) =>
      Number(
        m.match(new RegExp(`^vllm:request_success_total\\{[^}]*finished_reason="${reason}"[^}]*\\} (\\S+)$`, "m"))![1],
      );
    expect(count("abort")).toBe(3);
    expect(count("length")).toBe(0);
  });

  it("rejects unknown faults and bad values at the control endpoint", async () => {
    sim = await withSim({ controlEndpoints: true });
    expect((await post(sim, "/sim/faults", { errorRat: 1 })).status).toBe(400);
    const r = await post(sim, "/sim/faults", { errorRate: 2 });
    expect((await r.json()).error.message).toMatch(/--error-rate \(SIM_ERROR_RATE\)/);
  });
});

describe("options", () => {
  it("reads flags over env vars and names the flag on bad input", () => {
    expect(simOptionsFrom(["--max-num-seqs", "8"], { SIM_MAX_NUM_SEQS: "4", SIM_SPEEDUP: "2" })).toMatchObject({
      maxNumSeqs: 8,
      speedup: 2,
    });
    expect(() => simOptionsFrom(["--max-num-seqs", "zero"], {})).toThrow(/--max-num-seqs \(SIM_MAX_NUM_SEQS\)/);
    expect(() => simOptionsFrom([], { SIM_ERROR_RATE: "1.5" })).toThrow(/--error-rate \(SIM_ERROR_RATE\).*from 0 to 1/);
    expect(() => simOptionsFrom(["--no-such-flag"], {})).toThrow(/no-such-flag/);
  });

  it("the CLI port binds where told (loopback in tests)", async () => {
    sim = await withSim({ port: 0 });
    await new Promise<void>((resolve, reject) => net.connect(sim!.port, "127.0.0.1", resolve).on("error", reject));
  });
});
