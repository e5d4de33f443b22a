// Bad input and abusive clients: every malformed request on every route gets an OpenAI-shaped 4xx
// (vLLM's wording where vLLM has one), wrong methods 405, bodies over the limit 413 before they
// are parsed, and slow or piled-up connections are cut. The 64 MiB / RSS / health-latency check
// against the real CLI process is in hardening.slow.test.ts.
import * as net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../../bench/sim";
import { post, withSim } from "./helpers";

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await withSim({ speedup: 50, model: "m", maxModelLen: 512, maxBodyBytes: 64 * 1024 });
});
afterAll(() => sim.close());

const send = (method: string, path: string, body?: string) =>
  fetch(sim.url + path, { method, headers: { "content-type": "application/json" }, body });
const chatBody = (messages: unknown) => JSON.stringify({ messages, max_tokens: 2 });

describe("malformed requests get an OpenAI-shaped 4xx on every route", () => {
  it.each([
    ["POST", "/v1/completions", "{nope", 400, /JSON decode error/],
    ["POST", "/v1/completions", "[]", 400, /JSON object/],
    ["POST", "/v1/completions", "null", 400, /JSON object/],
    ["POST", "/v1/completions", JSON.stringify({ prompt: "" }), 400, /^The decoder prompt cannot be empty$/],
    ["POST", "/v1/completions", JSON.stringify({ prompt: [] }), 400, /^The decoder prompt cannot be empty$/],
    ["POST", "/v1/completions", JSON.stringify({ prompt: [1, "x"] }), 400, /prompt/],
    ["POST", "/v1/completions", JSON.stringify({}), 400, /prompt/],
    ["POST", "/v1/completions", JSON.stringify({ prompt: "x", max_tokens: 0 }), 400, /max_tokens/],
    ["POST", "/v1/completions", JSON.stringify({ prompt: "x", max_tokens: "five" }), 400, /max_tokens/],
    ["POST", "/v1/completions", JSON.stringify({ prompt: "x", stream: "maybe" }), 400, /stream/],
    [
      "POST",
      "/v1/completions",
      JSON.stringify({ prompt: "a ".repeat(600).trim() }),
      400,
      /^This model's maximum context length is 512 tokens\. However, your request has 600 input tokens\. Please reduce the length of the input messages\.$/,
    ],
    [
      "POST",
      "/v1/completions",
      JSON.stringify({ prompt: "a ".repeat(500).trim(), max_tokens: 20 }),
      400,
      /^'max_tokens' or 'max_completion_tokens' is too large: 20\. This model's maximum context length is 512 tokens and your request has 500 input tokens \(20 > 512 - 500\)\.$/,
    ],
    ["POST", "/v1/chat/completions", chatBody([null]), 400, /messages\[0\]/],
    ["POST", "/v1/chat/completions", chatBody([]), 400, /messages/],
    ["POST", "/v1/chat/completions", chatBody("hi"), 400, /messages/],
    ["POST", "/v1/chat/completions", chatBody([{ content: "x" }]), 400, /role/],
    ["POST", "/v1/chat/completions", chatBody([{ role: "user", content: 5 }]), 400, /content/],
    [
      "POST",
      "/v1/chat/completions",
      chatBody([{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }]),
      400,
      /text parts/,
    ],
    ["POST", "/tokenize", "{nope", 400, /JSON decode error/],
    ["POST", "/tokenize", JSON.stringify({ prompt: 5 }), 400, /prompt/],
    ["POST", "/tokenize", JSON.stringify({ messages: [null] }), 400, /messages\[0\]/],
    ["POST", "/detokenize", "{nope", 400, /JSON decode error/],
    ["POST", "/detokenize", JSON.stringify({ tokens: "x" }), 400, /tokens/],
    ["POST", "/detokenize", JSON.stringify({ tokens: [1.5] }), 400, /tokens/],
    ["GET", "/v1/nothing", undefined, 404, /Not Found/],
    ["POST", "/sim/faults", JSON.stringify({ errorRate: 1 }), 404, /Not Found/],
  ])("%s %s %s → %i", async (method, path, body, status, message) => {
    const r = await send(method, path, body);
    expect(r.status).toBe(status);
    const err = (await r.json()).error;
    expect(err).toMatchObject({ code: status, type: expect.any(String) });
    expect(err.message).toMatch(message);
  });

  it.each([
    ["GET", "/v1/completions", "POST"],
    ["GET", "/v1/chat/completions", "POST"],
    ["PUT", "/tokenize", "POST"],
    ["POST", "/health", "GET"],
    ["DELETE", "/v1/models", "GET"],
    ["POST", "/metrics", "GET"],
  ])("%s %s → 405 with Allow: %s", async (method, path, allow) => {
    const r = await send(method, path);
    expect(r.status).toBe(405);
    expect(r.headers.get("allow")).toBe(allow);
    expect((await r.json()).error.code).toBe(405);
  });

  it("the server keeps serving after all of the above", async () => {
    expect((await post(sim, "/v1/completions", { prompt: "hi", max_tokens: 2 })).status).toBe(200);
  });
});

describe("body limit, checked before parsing", () => {
  // The bodies are not JSON: a 413 (not a 400) shows they were refused before any parsing.
  it("refuses a declared Content-Length over the limit with 413", async () => {
    const r = await send("POST", "/v1/completions", "x".repeat(200 * 1024));
    expect(r.status).toBe(413);
    expect((await r.json()).error).toMatchObject({ code: 413, message: expect.stringMatching(/65536 bytes/) });
  });

  it("refuses a chunked body once it passes the limit, with 413", async () => {
    const chunk = new Uint8Array(16 * 1024).fill(120);
    const body = new ReadableStream({
      start(c) {
        for (let i = 0; i < 32; i++) c.enqueue(chunk);
        c.close();
      },
    });
    const r = await fetch(`${sim.url}/tokenize`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(r.status).toBe(413);
  });

  it("takes a body just under the limit", async () => {
    const r = await post(sim, "/tokenize", { prompt: "a ".repeat(20_000).trim() });
    expect(r.status).toBe(200);
    expect((await r.json()).count).toBe(20_000);
  });
});

describe("connections", () => {
  const connect = (port: number) =>
    new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1", () => resolve(s));
      s.on("error", reject);
    });
  // Reading (resume) is what lets 'close' come: a paused socket never sees the end of the stream.
  const closed = (s: net.Socket) =>
    new Promise<number>((resolve) =>
      s
        .on("close", () => resolve(performance.now()))
        .on("error", () => {})
        .resume(),
    );

  it("cuts a client that never finishes its body (request timeout)", async () => {
    const s2 = await withSim({ requestTimeoutMs: 300, headersTimeoutMs: 200 });
    try {
      const sock = await connect(s2.port);
      const start = performance.now();
      const done = closed(sock);
      let reply = "";
      sock.on("data", (d) => (reply += String(d)));
      sock.write(
        'POST /v1/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"prompt":',
      );
      const at = await done;
      // Node answers 408 and closes; generous bound for a loaded machine (the default would be 300 s).
      expect(at - start).toBeLessThan(10_000);
      expect(reply).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await s2.close();
    }
  });

  it("cuts a client that never finishes its headers (headers timeout)", async () => {
    const s2 = await withSim({ headersTimeoutMs: 200, requestTimeoutMs: 300 });
    try {
      const sock = await connect(s2.port);
      const start = performance.now();
      const done = closed(sock);
      sock.write("GET /health HTTP/1.1\r\nhost: x\r\n");
      expect((await done) - start).toBeLessThan(10_000);
    } finally {
      await s2.close();
    }
  });

  it("closes connections beyond --max-connections at once", async () => {
    const s2 = await withSim({ maxConnections: 2 });
    try {
      const keep = [await connect(s2.port), await connect(s2.port)];
      const third = await connect(s2.port);
      await closed(third);
      // The first two still work.
      const reply = new Promise<string>((resolve) => keep[0].once("data", (d) => resolve(String(d))));
      keep[0].write("GET /health HTTP/1.1\r\nhost: x\r\n\r\n");
      expect(await reply).toMatch(/^HTTP\/1\.1 200/);
      for (const k of keep) k.destroy();
    } finally {
      await s2.close();
    }
  });
});

describe("event loop", () => {
  it("a large prompt is tokenised in slices: the loop keeps turning while it is processed", async () => {
    const s2 = await withSim({ maxModelLen: 1_048_576, speedup: 100 });
    try {
      const body = JSON.stringify({
        prompt: "the of and to in is that for it as ".repeat(40_000).trim(),
        max_tokens: 1,
      });
      let turns = 0;
      let ticking = true;
      const tick = () => {
        turns++;
        if (ticking) setImmediate(tick);
      };
      const res = fetch(`${s2.url}/v1/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      setImmediate(tick);
      const r = await res;
      const usage = (await r.json()).usage;
      ticking = false;
      expect(usage.prompt_tokens).toBe(400_000);
      // 400k tokens in 8 KiB slices and the prefix cache in 2048-block steps: dozens of yields.
      expect(turns).toBeGreaterThan(50);
    } finally {
      await s2.close();
    }
  });
});
