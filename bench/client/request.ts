// One streaming request with vLLM bench's definitions: start just before the POST, TTFT at the
// first chunk with content, ITL = each gap between content chunks, E2EL at the last chunk,
// output tokens from the server's usage. Errors are classified, never thrown.
//
// undici's dispatcher with per-read callbacks rather than node:http or fetch: node:http passes
// every chunk through an IncomingMessage stream and a 'data' event, and fetch through web
// streams; at a thousand streams on one core that work delays the next read and inflates the very
// gaps being measured (own P99 error at 1,000 streams: 40 ms on node:http, 14 ms on undici's
// Agent, 4 ms on undici Clients from our own free list under the run's heap settings;
// docs/benchmark.md). Each read is timestamped when undici hands it over, before any parsing, and
// the events in it share that time.
import { Client, type Dispatcher } from "undici";

export type ErrorKind = "http" | "timeout" | "connection" | "malformed" | "incomplete";

export interface RequestRecord {
  request_id: string;
  scenario: string;
  start_s: number; // seconds since the run started
  success: boolean;
  error_kind?: ErrorKind;
  error?: string;
  status?: number;
  prompt_tokens: number;
  output_tokens: number;
  ttft_ms?: number;
  e2el_ms?: number;
  tpot_ms?: number;
  itl_ms: number[];
}

export interface RequestSpec {
  id: string;
  prompt: string;
  promptTokens: number;
  maxTokens: number;
}

export interface Target {
  baseUrl: string;
  endpoint: string;
  chat: boolean;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

// Connections: one undici Client per connection, on a free list per origin, taken and given back
// in O(1). undici's Agent (a Pool per origin) scans its connections for a free one on every
// request, so starting a wave of n streams costs n²/2 checks: 180 ms of blocked loop to start
// 1,000 (measured with --cpu-prof), during which every open stream's next read waits and its gap
// is measured long. No cap on connections: the semaphore in run.ts limits concurrency, and a cap
// here would queue requests after their start time was taken. HTTP/1.1 only, one stream per
// connection as vLLM serves it (undici would otherwise offer h2 to a TLS proxy and multiplex
// every stream on one connection). undici's own connect, header and body timeouts are off: the
// per-request timer below owns "timeout".
const CLIENT_OPTIONS: Client.Options = {
  pipelining: 1,
  allowH2: false,
  connectTimeout: 0,
  headersTimeout: 0,
  bodyTimeout: 0,
};
const idle = new Map<string, Client[]>();
const clients = new Set<Client>();

function takeClient(origin: string): Client {
  const free = idle.get(origin);
  for (let c = free?.pop(); c; c = free?.pop()) if (!c.closed && !c.destroyed) return c;
  const c = new Client(origin, CLIENT_OPTIONS);
  clients.add(c);
  return c;
}

/**
 * A finished request's client is free at once: a request dispatched on it now waits in its queue
 * until the previous response is done, then goes out on the same connection (undici reconnects a
 * client whose connection closed).
 */
function giveBack(origin: string, c: Client): void {
  if (c.closed || c.destroyed) return void clients.delete(c);
  const free = idle.get(origin);
  if (free) free.push(c);
  else idle.set(origin, [c]);
}

/**
 * POST a JSON body and read the whole answer (small control calls such as /tokenize), on the same
 * connections as the streams: fetch allocates several times more per call, and thousands of calls
 * before a run would raise the client's peak memory for the rest of it.
 */
export async function postJson(
  target: string,
  body: unknown,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const url = new URL(target);
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const client = takeClient(url.origin);
  try {
    const res = await client.request({
      path: url.pathname + url.search,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: ac.signal,
    });
    let text = "";
    for await (const d of res.body.setEncoding("utf8") as AsyncIterable<string>) if (text.length < 1 << 20) text += d;
    return { status: res.statusCode, text };
  } finally {
    clearTimeout(timer);
    giveBack(url.origin, client);
  }
}

/** Close every connection (end of a run), so the process can exit promptly. */
export function closeIdleConnections(): void {
  // destroy's promise only reports sockets closing.
  for (const c of clients) c.destroy().catch(() => undefined);
  clients.clear();
  idle.clear();
}

/**
 * Cancels a run's in-flight requests at once. A Set instead of one AbortSignal listener per
 * request: EventTarget scans its listeners on every add and remove, which is quadratic at
 * thousands of streams and stalls the loop exactly when a wave of requests starts.
 */
export class RequestGroup {
  private readonly active = new Set<() => void>();
  cancelled = false;
  add(cancel: () => void): () => void {
    this.active.add(cancel);
    return () => this.active.delete(cancel);
  }
  cancel(): void {
    this.cancelled = true;
    for (const c of [...this.active]) c();
  }
}

const EVENT_END = Buffer.from("\n\n");

/** `o[k]` of a parsed JSON value; undefined when `o` is no object (a field the chunk lacks). */
const member = (o: unknown, k: string | number): unknown =>
  typeof o === "object" && o !== null ? (o as Record<string | number, unknown>)[k] : undefined;

class StreamFailure extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export function sendRequest(
  t: Target,
  spec: RequestSpec,
  scenario: string,
  runStart: number,
  group?: RequestGroup,
): Promise<RequestRecord> {
  const body = JSON.stringify(
    t.chat
      ? {
          model: t.model,
          messages: [{ role: "user", content: spec.prompt }],
          max_completion_tokens: spec.maxTokens,
          stream: true,
          stream_options: { include_usage: true },
          ignore_eos: true,
          temperature: 0,
        }
      : {
          model: t.model,
          prompt: spec.prompt,
          max_tokens: spec.maxTokens,
          stream: true,
          stream_options: { include_usage: true },
          ignore_eos: true,
          temperature: 0,
        },
  );
  const rec: RequestRecord = {
    request_id: spec.id,
    scenario,
    start_s: 0,
    success: false,
    prompt_tokens: spec.promptTokens,
    output_tokens: 0,
    itl_ms: [],
  };
  const url = new URL(t.baseUrl + t.endpoint);

  return new Promise<RequestRecord>((resolve) => {
    let settled = false;
    let start = 0;
    let last = 0;
    let contentChunks = 0;
    let done = false;
    let responded = false;
    // Given by undici when the request gets a connection; until then a finish has nothing to
    // abort, and onRequestStart aborts a request that finished (timed out, cancelled) meanwhile.
    let controller: Dispatcher.DispatchController | undefined;
    let client: Client | undefined = undefined;
    const finish = (failure?: StreamFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      leave?.();
      if (client) giveBack(url.origin, client);
      if (failure) {
        rec.error_kind = failure.kind;
        rec.error = failure.message;
        controller?.abort(failure);
        return resolve(rec);
      }
      if (!done) return finish(new StreamFailure("incomplete", "stream ended without [DONE]"));
      if (contentChunks === 0) return finish(new StreamFailure("incomplete", "no content"));
      if (!rec.output_tokens) rec.output_tokens = contentChunks; // server without usage: count chunks
      rec.e2el_ms = last - start;
      if (rec.output_tokens > 1 && rec.ttft_ms !== undefined)
        rec.tpot_ms = (rec.e2el_ms - rec.ttft_ms) / (rec.output_tokens - 1);
      rec.success = true;
      resolve(rec);
    };

    // One SSE event ("data: {...}"); returns a failure to stop the stream.
    const onEvent = (event: string, now: number): StreamFailure | undefined => {
      if (!event.startsWith("data:")) return undefined; // comments, retry:, event: lines
      const data = event.slice(event.charCodeAt(5) === 32 ? 6 : 5).trim();
      if (data === "[DONE]") {
        done = true;
        return undefined;
      }
      let obj: unknown;
      try {
        obj = JSON.parse(data);
      } catch {
        return new StreamFailure("malformed", `malformed SSE chunk: ${data.slice(0, 80)}`);
      }
      // Token counts from the server's usage when it gives them (DESIGN §7): a chat template adds
      // prompt tokens the client cannot count, so the client's own count is only the fallback.
      const usage = member(obj, "usage");
      if (usage) {
        const completion = member(usage, "completion_tokens"),
          prompt = member(usage, "prompt_tokens");
        if (typeof completion === "number" && Number.isInteger(completion)) rec.output_tokens = completion;
        if (typeof prompt === "number" && Number.isInteger(prompt)) rec.prompt_tokens = prompt;
      }
      const c = member(member(obj, "choices"), 0);
      const text = t.chat ? member(member(c, "delta"), "content") : member(c, "text");
      if (text) {
        if (contentChunks === 0) rec.ttft_ms = now - start;
        else rec.itl_ms.push(now - last);
        last = now;
        contentChunks++;
      }
      return undefined;
    };

    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "text/event-stream",
      "x-request-id": spec.id,
    };
    if (t.apiKey) headers.authorization = `Bearer ${t.apiKey}`;

    // Bytes are scanned for event boundaries and only whole events are decoded: "\n\n" is ASCII,
    // so a multi-byte character is never split, and no decoder runs per read.
    let rest: Buffer | undefined;
    let errorBody: TextDecoder | undefined; // a non-200 answer's text, for its message
    let errorText = "";
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (settled) c.abort(new Error("request already finished"));
      },
      onResponseStart(_c, status) {
        responded = true;
        rec.status = status;
        if (status !== 200) errorBody = new TextDecoder();
      },
      onResponseData(_c, chunk) {
        // The arrival time of this read, before any work on it.
        const now = performance.now();
        if (settled) return;
        if (errorBody) {
          if (errorText.length < 200) errorText += errorBody.decode(chunk, { stream: true });
          return;
        }
        const b = rest ? Buffer.concat([rest, chunk]) : chunk;
        let from = 0;
        let idx: number;
        while ((idx = b.indexOf(EVENT_END, from)) >= 0) {
          const failure = onEvent(b.toString("utf8", from, idx), now);
          if (failure) return finish(failure);
          from = idx + 2;
        }
        // Copy a partial event: a view would pin the socket's whole read buffer.
        rest = from < b.length ? Buffer.from(b.subarray(from)) : undefined;
      },
      onResponseEnd() {
        if (errorBody) return finish(new StreamFailure("http", `HTTP ${rec.status}: ${errorText.slice(0, 200)}`));
        const tail = rest?.toString("utf8").trim();
        rest = undefined;
        if (tail) {
          const failure = onEvent(tail, performance.now());
          if (failure) return finish(failure);
        }
        finish();
      },
      onResponseError(_c, e: Error & { code?: string }) {
        if (!responded) return finish(new StreamFailure("connection", `${e.name}: ${e.code ?? e.message}`));
        if (errorBody) return finish(new StreamFailure("http", `HTTP ${rec.status}`));
        // The server cut the stream after answering: closed it early (undici's "other side
        // closed") or reset it (the socket's own code).
        if (e.code === "UND_ERR_SOCKET") return finish(new StreamFailure("incomplete", "stream cut by the server"));
        finish(new StreamFailure("incomplete", `stream cut: ${e.code ?? e.message}`));
      },
    };
    start = performance.now();
    rec.start_s = (start - runStart) / 1000;
    const timer = setTimeout(
      () => finish(new StreamFailure("timeout", `no complete answer within ${t.timeoutMs} ms`)),
      t.timeoutMs,
    );
    const onCancel = () =>
      finish(new StreamFailure("connection", "AbortError: cancelled (run interrupted or past its deadline)"));
    if (group?.cancelled) return onCancel();
    const leave = group?.add(onCancel);
    client = takeClient(url.origin);
    client.dispatch({ path: url.pathname + url.search, method: "POST", headers, body }, handler);
  });
}
