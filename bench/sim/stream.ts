// One generation's response: streamed as vLLM's server streams it, or sent whole. Chunk shapes
// follow vLLM's serving_chat.py / serving_completion.py: a chat stream opens with a chunk carrying
// the role and empty content when the first output arrives, every token is one content chunk, the
// last content chunk carries `finish_reason`, then the usage chunk (`stream_options.include_usage`)
// and `data: [DONE]`. Injected stream faults (stalls, drops, malformed chunks) act here.
import type * as http from "node:http";
import { sendJson } from "./http";
import type { FaultOptions } from "./options";
import { generatedToken } from "./tokenizer";
import type { GenerationRequest } from "./validate";
import type { FinishedReason } from "./vllm-metrics";

export interface ResponseContext {
  res: http.ServerResponse;
  chat: boolean;
  model: string;
  id: string;
  gen: GenerationRequest;
  /** The faults in force when the request arrived. */
  faults: FaultOptions;
  speedup: number;
  /** Seed of the generated text. */
  textSeed: number;
}

export interface ResponseHandlers {
  /** Tokens after which the server cuts this stream (drop or malformed fault); 0 = never. */
  cutAfterTokens: number;
  // Closures over the response, not methods: the engine is handed them on their own.
  onToken: (index: number, finish: FinishedReason | null) => void;
  onFinish: (reason: FinishedReason) => void;
  /** The engine's abort, called when the client goes away before the end. */
  setAbort: (abort: () => void) => void;
}

export function generationResponse(ctx: ResponseContext): ResponseHandlers {
  const { res, chat, model, id, gen, faults } = ctx;
  const created = Math.floor(Date.now() / 1000);
  const object = chat ? (gen.stream ? "chat.completion.chunk" : "chat.completion") : "text_completion";
  const texts: string[] = [];
  const arrival = performance.now();
  const cuts = [faults.dropAfterTokens, faults.malformedAfterTokens].filter((n) => n > 0);
  const cutAfterTokens = gen.stream && cuts.length ? Math.min(...cuts) : 0;

  let closed = false;
  let finished = false;
  let abort: () => void = () => {};
  let pending: (() => void)[] = [];
  let holdUntil = faults.stallBeforeFirstTokenMs > 0 ? arrival + faults.stallBeforeFirstTokenMs / ctx.speedup : 0;
  let flushTimer: NodeJS.Timeout | undefined;
  const flush = () => {
    const writes = pending;
    pending = [];
    for (const w of writes) if (!closed) w();
  };
  // Writes wait while a stall fault holds the stream, then go out in order.
  const deliver = (write: () => void) => {
    pending.push(write);
    const wait = holdUntil - performance.now();
    if (wait > 0) {
      if (!flushTimer)
        flushTimer = setTimeout(() => {
          flushTimer = undefined;
          flush();
        }, wait);
      return;
    }
    flush();
  };
  const sse = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
  const chunk = (choice: object) => ({ id, object, created, model, choices: [choice] });
  const usage = () => ({
    prompt_tokens: gen.promptIds.length,
    completion_tokens: texts.length,
    total_tokens: gen.promptIds.length + texts.length,
  });
  const content = (text: string, finish: FinishedReason | null) =>
    chat
      ? chunk({ index: 0, delta: { content: text }, logprobs: null, finish_reason: finish })
      : chunk({ index: 0, text, logprobs: null, finish_reason: finish });

  if (gen.stream)
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });

  res.on("close", () => {
    closed = true;
    if (flushTimer) clearTimeout(flushTimer);
    if (!finished) abort();
  });

  return {
    cutAfterTokens,
    setAbort(a) {
      abort = a;
    },
    onToken(i, finish) {
      const tok = generatedToken(ctx.textSeed, i);
      texts.push(tok.text);
      if (!gen.stream) return;
      const count = i + 1;
      deliver(() => {
        if (chat && count === 1)
          sse(chunk({ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }));
        sse(content(tok.text, finish));
        if (count !== cutAfterTokens) return;
        closed = true;
        if (count === faults.malformedAfterTokens) {
          // A chunk that is not JSON, then the server ends the stream without [DONE].
          res.end(`data: {"id": "${id}", "choices": [\n\n`);
          return;
        }
        // Cut the TCP connection once what was written has reached the socket.
        res.write("", () => res.socket?.destroy());
      });
      if (faults.stallAfterTokens > 0 && count === faults.stallAfterTokens && faults.stallMidStreamMs > 0)
        holdUntil = Math.max(holdUntil, performance.now() + faults.stallMidStreamMs / ctx.speedup);
    },
    onFinish(reason) {
      finished = true;
      if (reason === "abort") return;
      if (!gen.stream) {
        const text = texts.join("");
        const choice = chat
          ? { index: 0, message: { role: "assistant", content: text }, logprobs: null, finish_reason: reason }
          : { index: 0, text, logprobs: null, finish_reason: reason };
        deliver(() => sendJson(res, 200, { id, object, created, model, choices: [choice], usage: usage() }));
        return;
      }
      deliver(() => {
        if (gen.includeUsage) sse({ id, object, created, model, choices: [], usage: usage() });
        res.end("data: [DONE]\n\n");
        closed = true;
      });
    },
  };
}
