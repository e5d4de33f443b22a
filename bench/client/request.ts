// One streaming request with vLLM bench's definitions: start just before the POST, TTFT at the
// first chunk with content, ITL = each gap between content chunks, E2EL at the last chunk,
// output tokens from the server's usage. Errors are classified, never thrown.

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

export async function sendRequest(t: Target, spec: RequestSpec, scenario: string, runStart: number, signal?: AbortSignal): Promise<RequestRecord> {
  const body = t.chat
    ? { model: t.model, messages: [{ role: "user", content: spec.prompt }], max_completion_tokens: spec.maxTokens, stream: true, stream_options: { include_usage: true }, ignore_eos: true, temperature: 0 }
    : { model: t.model, prompt: spec.prompt, max_tokens: spec.maxTokens, stream: true, stream_options: { include_usage: true }, ignore_eos: true, temperature: 0 };
  const rec: RequestRecord = { request_id: spec.id, scenario, start_s: 0, success: false, prompt_tokens: spec.promptTokens, output_tokens: 0, itl_ms: [] };
  const timeout = AbortSignal.timeout(t.timeoutMs);
  const start = performance.now();
  rec.start_s = (start - runStart) / 1000;
  let last = 0;
  let contentChunks = 0;
  let done = false;
  try {
    const res = await fetch(t.baseUrl + t.endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": spec.id, ...(t.apiKey ? { authorization: `Bearer ${t.apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    rec.status = res.status;
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => "");
      return { ...rec, error_kind: "http", error: `HTTP ${res.status}: ${text.slice(0, 200)}` };
    }
    const decoder = new TextDecoder();
    let buf = "";
    for await (const part of res.body) {
      buf += decoder.decode(part as Uint8Array, { stream: true });
      let idx: number;
      while ((idx = buf.indexOf("\n\n")) >= 0) {
        const event = buf.slice(0, idx).trim();
        buf = buf.slice(idx + 2);
        if (!event.startsWith("data:")) continue;
        const data = event.slice(5).trim();
        if (data === "[DONE]") {
          done = true;
          continue;
        }
        let obj: any;
        try {
          obj = JSON.parse(data);
        } catch {
          return { ...rec, error_kind: "malformed", error: `malformed SSE chunk: ${data.slice(0, 80)}` };
        }
        if (obj.usage?.completion_tokens !== undefined) rec.output_tokens = obj.usage.completion_tokens;
        const c = obj.choices?.[0];
        const text = t.chat ? c?.delta?.content : c?.text;
        if (text) {
          const now = performance.now();
          if (contentChunks === 0) rec.ttft_ms = now - start;
          else rec.itl_ms.push(now - last);
          last = now;
          contentChunks++;
        }
      }
    }
    if (!done) return { ...rec, error_kind: "incomplete", error: "stream ended without [DONE]" };
    if (!rec.output_tokens) rec.output_tokens = contentChunks; // server without usage: count chunks
    rec.e2el_ms = last - start;
    if (rec.output_tokens > 1 && rec.ttft_ms !== undefined) rec.tpot_ms = (rec.e2el_ms - rec.ttft_ms) / (rec.output_tokens - 1);
    rec.success = contentChunks > 0;
    if (!rec.success) return { ...rec, error_kind: "incomplete", error: "no content" };
    return rec;
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === "TimeoutError") return { ...rec, error_kind: "timeout", error: `no complete answer within ${t.timeoutMs} ms` };
    return { ...rec, error_kind: "connection", error: `${err.name}: ${err.cause?.code ?? err.message}` };
  }
}
