import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { Engine } from "./engine";
import { defaultSimOptions, validateOptions, type FaultOptions, type SimOptions } from "./options";
import { PrefixCache } from "./prefix-cache";
import { countTokens, detokenize, generatedToken, tokenize } from "./tokenizer";
import { createVllmMetrics, type FinishedReason } from "./vllm-metrics";

export interface RunningSimulator {
  url: string;
  port: number;
  options: SimOptions;
  setFaults(f: Partial<FaultOptions>): void;
  close(): Promise<void>;
}

const FAULT_KEYS = ["errorRate", "errorStatus", "stallBeforeFirstTokenMs", "stallAfterTokens", "stallMidStreamMs", "dropAfterTokens", "malformedAfterTokens", "slowdown"] as const;
/** Tokens a chat template adds per message (role markers), roughly as Qwen/Llama templates do. */
const CHAT_TOKENS_PER_MESSAGE = 4;

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly type = "BadRequestError", readonly param: string | null = null) {
    super(message);
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
const sendError = (res: http.ServerResponse, e: HttpError) =>
  sendJson(res, e.status, { error: { message: e.message, type: e.type, param: e.param, code: e.status } });

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Seeded uniform [0,1) from a counter: repeatable error draws and output lengths. */
function unit(seed: number, n: number): number {
  let x = (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) + Math.imul(n, 0x165667b1)) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x2c1b3c6d) >>> 0;
  x ^= x >>> 12;
  return (x >>> 0) / 2 ** 32;
}

export async function startSimulator(overrides: Partial<SimOptions> = {}): Promise<RunningSimulator> {
  const options: SimOptions = { ...defaultSimOptions, ...validateOptions(overrides) };
  const metrics = createVllmMetrics(options.model, options.maxModelLen);
  const engine = new Engine(options, metrics);
  const prefixes = new PrefixCache();
  const faults: FaultOptions = Object.fromEntries(FAULT_KEYS.map((k) => [k, options[k]])) as unknown as FaultOptions;
  const startedAt = Date.now();
  let requestCounter = 0;
  const loading = () => Date.now() - startedAt < options.startupDelayMs / options.speedup;

  async function completion(req: http.IncomingMessage, res: http.ServerResponse, chat: boolean) {
    if (loading()) throw new HttpError(503, "The model is still loading.", "ServiceUnavailableError");
    let body: any;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      throw new HttpError(400, "Request body is not valid JSON.");
    }
    if (typeof body !== "object" || body === null) throw new HttpError(400, "Request body must be a JSON object.");
    if (body.model !== undefined && body.model !== options.model)
      throw new HttpError(404, `The model \`${body.model}\` does not exist.`, "NotFoundError", "model");
    if ((body.n ?? 1) !== 1) throw new HttpError(400, "Only n=1 is supported by this server.", "BadRequestError", "n");
    let promptIds: number[];
    if (chat) {
      if (!Array.isArray(body.messages) || body.messages.length === 0) throw new HttpError(400, "`messages` must be a non-empty array.", "BadRequestError", "messages");
      promptIds = body.messages.flatMap((m: any) => [1, 2, 3, 4].slice(0, CHAT_TOKENS_PER_MESSAGE).concat(tokenize(typeof m.content === "string" ? m.content : JSON.stringify(m.content ?? ""))));
    } else {
      const p = body.prompt;
      if (typeof p === "string") promptIds = tokenize(p);
      else if (Array.isArray(p) && p.every((x) => typeof x === "number")) promptIds = p;
      else if (Array.isArray(p) && p.length === 1 && typeof p[0] === "string") promptIds = tokenize(p[0]);
      else throw new HttpError(400, "`prompt` must be a string or a list of token ids.", "BadRequestError", "prompt");
    }
    const maxTokens: number = (chat ? body.max_completion_tokens ?? body.max_tokens : body.max_tokens) ?? Math.min(16, options.maxModelLen - promptIds.length);
    if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new HttpError(400, "`max_tokens` must be a positive integer.", "BadRequestError", "max_tokens");
    if (promptIds.length + maxTokens > options.maxModelLen)
      throw new HttpError(400, `This model's maximum context length is ${options.maxModelLen} tokens. However, you requested ${promptIds.length + maxTokens} tokens (${promptIds.length} in the messages, ${maxTokens} in the completion).`, "BadRequestError", "max_tokens");
    if (options.maxWaiting > 0 && engine.numWaiting >= options.maxWaiting)
      throw new HttpError(429, "Too many requests are waiting; retry later.", "RateLimitError");

    const n = requestCounter++;
    if (faults.errorRate > 0 && unit(options.seed + 7, n) < faults.errorRate)
      throw new HttpError(faults.errorStatus, `Injected fault: simulated server error (${faults.errorStatus}).`, "InternalServerError");

    const minTokens = Math.min(body.min_tokens ?? 1, maxTokens);
    const eosAt = Math.max(minTokens, Math.round(-Math.log(1 - unit(options.seed + 13, n)) * options.meanOutputTokens));
    const outputTokens = body.ignore_eos ? maxTokens : Math.min(maxTokens, eosAt);
    const stream = body.stream === true;
    const includeUsage = stream && body.stream_options?.include_usage === true;
    // As vLLM: the client's X-Request-Id, when given, becomes the response id after the prefix.
    const clientId = req.headers["x-request-id"];
    const id = `${chat ? "chatcmpl" : "cmpl"}-${typeof clientId === "string" && clientId ? clientId : n.toString(16).padStart(8, "0")}`;
    const created = Math.floor(Date.now() / 1000);
    const object = chat ? (stream ? "chat.completion.chunk" : "chat.completion") : "text_completion";
    const seed = typeof body.seed === "number" ? body.seed : n;
    const texts: string[] = [];
    const snapshot = { ...faults };
    const arrival = performance.now();

    let closed = false;
    let finishedReason: FinishedReason | undefined;
    let pending: (() => void)[] = [];
    let holdUntil = snapshot.stallBeforeFirstTokenMs > 0 ? arrival + snapshot.stallBeforeFirstTokenMs / options.speedup : 0;
    let flushTimer: NodeJS.Timeout | undefined;
    const deliver = (write: () => void) => {
      pending.push(write);
      const wait = holdUntil - performance.now();
      if (wait > 0) {
        if (!flushTimer) flushTimer = setTimeout(() => { flushTimer = undefined; flush(); }, wait);
        return;
      }
      flush();
    };
    const flush = () => {
      const writes = pending;
      pending = [];
      for (const w of writes) if (!closed) w();
    };
    const sse = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    const usage = () => ({ prompt_tokens: promptIds.length, completion_tokens: texts.length, total_tokens: promptIds.length + texts.length });
    const choiceDelta = (text: string, finish: FinishedReason | null) =>
      chat ? { index: 0, delta: text ? { ...(texts.length === 1 ? { role: "assistant" } : {}), content: text } : {}, logprobs: null, finish_reason: finish }
        : { index: 0, text, logprobs: null, finish_reason: finish };

    if (stream) res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });

    const abort = engine.submit({
      id,
      promptTokens: promptIds.length,
      cachedPrefixTokens: prefixes.lookupAndInsert(promptIds),
      maxTokens,
      outputTokens,
      onToken(i) {
        const tok = generatedToken(seed, i);
        texts.push(tok.text);
        if (!stream) return;
        const count = i + 1;
        deliver(() => {
          sse({ id, object, created, model: options.model, choices: [choiceDelta(tok.text, null)] });
          if (snapshot.malformedAfterTokens > 0 && count === snapshot.malformedAfterTokens) res.write(`data: {"id": "${id}", "choices": [\n\n`);
          if (snapshot.dropAfterTokens > 0 && count === snapshot.dropAfterTokens) {
            closed = true;
            abort();
            // Cut the TCP connection once what was written has reached the socket.
            res.write("", () => res.socket?.destroy());
          }
        });
        if (snapshot.stallAfterTokens > 0 && count === snapshot.stallAfterTokens && snapshot.stallMidStreamMs > 0)
          holdUntil = Math.max(holdUntil, performance.now() + snapshot.stallMidStreamMs / options.speedup);
      },
      onFinish(reason) {
        finishedReason = reason;
        if (reason === "abort") return;
        if (!stream) {
          const text = texts.join("");
          const choice = chat ? { index: 0, message: { role: "assistant", content: text }, logprobs: null, finish_reason: reason } : { index: 0, text, logprobs: null, finish_reason: reason };
          deliver(() => sendJson(res, 200, { id, object, created, model: options.model, choices: [choice], usage: usage() }));
          return;
        }
        deliver(() => {
          sse({ id, object, created, model: options.model, choices: [choiceDelta("", reason)] });
          if (includeUsage) sse({ id, object, created, model: options.model, choices: [], usage: usage() });
          res.end("data: [DONE]\n\n");
          closed = true;
        });
      },
    });
    res.on("close", () => {
      closed = true;
      if (flushTimer) clearTimeout(flushTimer);
      if (finishedReason === undefined) abort();
    });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = (req.url ?? "/").split("?")[0];
    const route = `${req.method} ${path}`;
    switch (route) {
      case "GET /health":
        res.writeHead(loading() ? 503 : 200).end();
        return;
      case "GET /version":
        return sendJson(res, 200, { version: "vllm-bench-simulator" });
      case "GET /metrics":
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
        res.end(metrics.registry.expose());
        return;
      case "GET /v1/models":
        return sendJson(res, 200, {
          object: "list",
          data: [{ id: options.model, object: "model", created: Math.floor(startedAt / 1000), owned_by: "vllm", root: options.model, parent: null, max_model_len: options.maxModelLen, permission: [] }],
        });
      case "POST /tokenize": {
        const body = JSON.parse((await readBody(req)) || "{}");
        const ids = body.messages ? body.messages.flatMap((m: any) => [1, 2, 3, 4].concat(tokenize(String(m.content ?? "")))) : tokenize(String(body.prompt ?? ""));
        return sendJson(res, 200, { count: ids.length, max_model_len: options.maxModelLen, tokens: ids });
      }
      case "POST /detokenize": {
        const body = JSON.parse((await readBody(req)) || "{}");
        if (!Array.isArray(body.tokens)) throw new HttpError(400, "`tokens` must be a list of token ids.", "BadRequestError", "tokens");
        return sendJson(res, 200, { prompt: detokenize(body.tokens) });
      }
      case "POST /v1/completions":
        return completion(req, res, false);
      case "POST /v1/chat/completions":
        return completion(req, res, true);
      case "GET /sim/faults":
        return sendJson(res, 200, faults);
      case "GET /sim/timing":
        return sendJson(res, 200, engine.timing.snapshot());
      case "DELETE /sim/timing":
        engine.timing.reset();
        return sendJson(res, 200, engine.timing.snapshot());
      case "POST /sim/faults": {
        let body: any;
        try {
          body = JSON.parse(await readBody(req));
        } catch {
          throw new HttpError(400, "Request body is not valid JSON.");
        }
        try {
          setFaults(body);
        } catch (e) {
          throw new HttpError(400, (e as Error).message);
        }
        return sendJson(res, 200, faults);
      }
      default:
        throw new HttpError(404, `No route for ${route}.`, "NotFoundError");
    }
  }

  function setFaults(f: Partial<FaultOptions>) {
    const unknown = Object.keys(f).filter((k) => !(FAULT_KEYS as readonly string[]).includes(k));
    if (unknown.length) throw new Error(`unknown fault(s): ${unknown.join(", ")}; known: ${FAULT_KEYS.join(", ")}`);
    Object.assign(faults, validateOptions(f));
    // The engine reads the slowdown from the shared options at every step.
    options.slowdown = faults.slowdown;
  }

  const uninstrumented = new Set(["/metrics", "/health", "/load", "/ping", "/version", "/server_info"]);
  const routed = new Set(["/v1/completions", "/v1/chat/completions", "/v1/models", "/tokenize", "/detokenize"]);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const handler = routed.has(path) ? path : "none";
    if (!uninstrumented.has(path) && !path.startsWith("/sim/")) {
      // Counted when the response ends, with its status class, like vLLM's instrumentator.
      res.once("close", () => metrics.http.inc({ handler, method: req.method ?? "GET", status: `${String(res.statusCode)[0]}xx` }));
    }
    handle(req, res).catch((e) => {
      if (res.headersSent) return res.destroy();
      sendError(res, e instanceof HttpError ? e : new HttpError(500, String(e?.message ?? e), "InternalServerError"));
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;

  let statsTimer: NodeJS.Timeout | undefined;
  if (options.logStats) {
    let lastTokens = 0;
    statsTimer = setInterval(() => {
      const tps = engine.tokensGenerated - lastTokens;
      lastTokens = engine.tokensGenerated;
      console.log(`[sim] running=${engine.numRunning} waiting=${engine.numWaiting} kv=${((100 * engine.kvBlocksUsed()) / engine.kvBlocksTotal()).toFixed(1)}% gen_tok/s=${tps}`);
    }, 1000);
    statsTimer.unref();
  }

  return {
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host === "0.0.0.0" ? "127.0.0.1" : options.host}:${port}`,
    port,
    options,
    setFaults,
    close: () =>
      new Promise<void>((resolve) => {
        if (statsTimer) clearInterval(statsTimer);
        engine.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { countTokens };
