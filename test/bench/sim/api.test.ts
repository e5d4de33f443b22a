import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../../bench/sim";
import { countTokens } from "../../../bench/sim";
import { post, withSim } from "./helpers";

let sim: RunningSimulator;
let client: OpenAI;
beforeAll(async () => {
  sim = await withSim({ speedup: 20, model: "test-model", maxModelLen: 512 });
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "unused" });
});
afterAll(() => sim.close());

describe("OpenAI-compatible API (official openai client)", () => {
  it("streams chat completions with usage on the last chunk", async () => {
    const stream = await client.chat.completions.create({
      model: "test-model",
      messages: [{ role: "user", content: "Say something" }],
      max_tokens: 7,
      stream: true,
      stream_options: { include_usage: true },
      ignore_eos: true,
    } as any);
    const chunks: any[] = [];
    for await (const c of stream as any) chunks.push(c);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage.completion_tokens).toBe(7);
    expect(countTokens(text)).toBe(7);
    expect(chunks[chunks.length - 2].choices[0].finish_reason).toBe("length");
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
  });

  it("streams completions and answers non-streaming ones with exact usage", async () => {
    const stream = await client.completions.create({
      model: "test-model",
      prompt: "one two three",
      max_tokens: 4,
      stream: true,
      stream_options: { include_usage: true },
    } as any);
    let usage: any;
    let text = "";
    for await (const c of stream as any) {
      if (c.usage) usage = c.usage;
      text += c.choices[0]?.text ?? "";
    }
    expect(usage.prompt_tokens).toBe(3);
    expect(usage.completion_tokens).toBe(countTokens(text));
    const full = await client.completions.create({
      model: "test-model",
      prompt: "one two three",
      max_tokens: 5,
      ignore_eos: true,
    } as any);
    expect(full.usage?.completion_tokens).toBe(5);
    expect(countTokens(full.choices[0].text)).toBe(5);
  });

  it("lists the model with vLLM's shape", async () => {
    const models = await client.models.list();
    expect(models.data[0]).toMatchObject({ id: "test-model", owned_by: "vllm", max_model_len: 512 });
  });
});

describe("raw HTTP", () => {
  it("frames SSE as data: lines separated by blank lines and ends with [DONE]", async () => {
    const res = await post(sim, "/v1/completions", { prompt: "hi", max_tokens: 3, stream: true, ignore_eos: true });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const text = await res.text();
    const events = text.split("\n\n").filter(Boolean);
    expect(events.every((e) => e.startsWith("data: "))).toBe(true);
    expect(events[events.length - 1]).toBe("data: [DONE]");
    expect(
      events
        .slice(0, -1)
        .map((e) => JSON.parse(e.slice(6)).choices[0].text)
        .filter(Boolean),
    ).toHaveLength(3);
  });

  const events = async (res: Response) =>
    (await res.text())
      .split("\n\n")
      .filter(Boolean)
      .map((e) => e.slice(6));

  it("puts finish_reason on the last content chunk, as vLLM's server does (no empty finishing chunk)", async () => {
    const res = await post(sim, "/v1/completions", {
      prompt: "hi",
      max_tokens: 4,
      stream: true,
      ignore_eos: true,
      stream_options: { include_usage: true },
    });
    const ev = await events(res);
    expect(ev.at(-1)).toBe("[DONE]");
    const chunks = ev.slice(0, -1).map((e) => JSON.parse(e));
    expect(chunks.at(-1).choices).toEqual([]); // the usage chunk
    const content = chunks.slice(0, -1).map((c) => c.choices[0]);
    expect(content.map((c) => c.text.length > 0)).toEqual([true, true, true, true]);
    expect(content.map((c) => c.finish_reason)).toEqual([null, null, null, "length"]);
  });

  it("opens a chat stream with vLLM's role chunk, then one chunk per token, the last one finishing", async () => {
    const res = await post(sim, "/v1/chat/completions", {
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 3,
      stream: true,
      ignore_eos: true,
    });
    const chunks = (await events(res)).slice(0, -1).map((e) => JSON.parse(e).choices[0]);
    expect(chunks[0]).toMatchObject({ delta: { role: "assistant", content: "" }, finish_reason: null });
    const withText = chunks.filter((c) => c.delta.content);
    expect(withText).toHaveLength(3); // one per token: vLLM's benchmark client sees 2 gaps, not 3
    expect(chunks.at(-1)).toBe(withText.at(-1));
    expect(chunks.at(-1).finish_reason).toBe("length");
    expect(chunks.slice(0, -1).every((c) => c.finish_reason === null)).toBe(true);
  });

  it("tokenises array-of-parts chat content as its text, not as JSON", async () => {
    const usage = async (content: unknown) =>
      (await (await post(sim, "/v1/chat/completions", { messages: [{ role: "user", content }], max_tokens: 1 })).json())
        .usage.prompt_tokens;
    const parts = await usage([
      { type: "text", text: "one two" },
      { type: "text", text: "three" },
    ]);
    expect(parts).toBe(await usage("one two\nthree"));
    expect(parts).toBe(4 + 3);
  });

  it.each([
    ["bad JSON", "/v1/completions", "{nope", 400, null],
    ["unknown model", "/v1/completions", { model: "other", prompt: "x" }, 404, "model"],
    ["over-long prompt", "/v1/completions", { prompt: "a ".repeat(600), max_tokens: 10 }, 400, "prompt"],
    [
      "prompt plus max_tokens over the context",
      "/v1/completions",
      { prompt: "a ".repeat(500), max_tokens: 20 },
      400,
      "max_tokens",
    ],
    [
      "over-long chat prompt without max_tokens",
      "/v1/chat/completions",
      { messages: [{ role: "user", content: "a ".repeat(600) }] },
      400,
      "messages",
    ],
    ["n > 1", "/v1/chat/completions", { messages: [{ role: "user", content: "x" }], n: 2 }, 400, "n"],
  ])("answers %s in OpenAI's error shape", async (_l, path, body, status, param) => {
    const res = await post(sim, path, body);
    expect(res.status).toBe(status);
    const err = (await res.json()).error;
    expect(err).toMatchObject({ code: status, param });
    expect(typeof err.message).toBe("string");
  });

  // vLLM's validate_json_request (vllm/entrypoints/openai/utils.py, commit in bench/sim/request-model.ts)
  // guards the generation and tokenizer routes: any media type but application/json is a 400.
  it.each([
    ["text/plain", "/v1/chat/completions"],
    ["text/plain;charset=UTF-8", "/v1/completions"],
    ["application/x-www-form-urlencoded", "/v1/completions"],
    ["application/xml", "/v1/chat/completions"],
    ["multipart/form-data; boundary=x", "/tokenize"],
    [undefined, "/v1/completions"],
    ["text/plain", "/detokenize"],
  ])("refuses a JSON body sent as %s on %s, as vLLM's server does", async (contentType, path) => {
    const body =
      path === "/detokenize"
        ? { tokens: [1, 2] }
        : path === "/v1/chat/completions"
          ? { messages: [{ role: "user", content: "hi" }], max_tokens: 2 }
          : { prompt: "hi", max_tokens: 2 };
    const res = await fetch(sim.url + path, {
      method: "POST",
      headers: contentType ? { "content-type": contentType } : {},
      // A Buffer body: fetch adds no content type of its own.
      body: Buffer.from(JSON.stringify(body)),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toEqual({
      message: `["Unsupported Media Type: Only 'application/json' is allowed"]`,
      type: "Bad Request",
      param: null,
      code: 400,
    });
  });

  it("takes application/json in any case and with parameters", async () => {
    for (const contentType of ["application/json; charset=utf-8", "Application/JSON"]) {
      const res = await fetch(`${sim.url}/v1/completions`, {
        method: "POST",
        headers: { "content-type": contentType },
        body: JSON.stringify({ prompt: "hi", max_tokens: 2 }),
      });
      expect(res.status, contentType).toBe(200);
    }
  });

  it("tokenizes and detokenizes in vLLM's shapes, round-tripping generated text", async () => {
    const gen = await (await post(sim, "/v1/completions", { prompt: "x", max_tokens: 6, ignore_eos: true })).json();
    const tok = await (await post(sim, "/tokenize", { prompt: gen.choices[0].text })).json();
    expect(tok).toMatchObject({ count: 6, max_model_len: 512 });
    const detok = await (await post(sim, "/detokenize", { tokens: tok.tokens })).json();
    expect(detok.prompt).toBe(gen.choices[0].text);
  });

  it("reports health", async () => {
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
  });
});
