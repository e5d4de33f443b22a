// The baseline for `npm run bench:sim`: the least an OpenAI-style streaming server can do in
// Node (parse the request, stream one SSE chunk per token on a fixed timeline with a timer per
// stream, end with usage and [DONE]), and nothing else: no engine, no metrics, no tokenizer.
// The simulator's cost per token is reported against this one, measured in the same run.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

const ttftMs = Number(process.env.TTFT_MS ?? 1),
  itlMs = Number(process.env.ITL_MS ?? 1);
const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/v1/models")
    return res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ object: "list", data: [{ id: "baseline", object: "model" }] }));
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (d: string) => (body += d));
  req.on("end", () => {
    const b = JSON.parse(body) as { max_completion_tokens?: number; max_tokens?: number };
    const n = b.max_completion_tokens ?? b.max_tokens ?? 16;
    const id = `chatcmpl-${Math.random().toString(16).slice(2)}`;
    const created = Math.floor(Date.now() / 1000);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const first = performance.now() + ttftMs;
    let i = 0;
    const emit = () => {
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: "baseline", choices: [{ index: 0, delta: { content: " tok" }, logprobs: null, finish_reason: null }] })}\n\n`,
      );
      if (++i < n) return void setTimeout(emit, Math.max(0, first + i * itlMs - performance.now()));
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: "baseline", choices: [], usage: { prompt_tokens: 1, completion_tokens: n, total_tokens: n + 1 } })}\n\n`,
      );
      res.end("data: [DONE]\n\n");
    };
    setTimeout(emit, ttftMs);
  });
});
server.listen(0, "127.0.0.1", () =>
  console.log(`baseline SSE server on http://127.0.0.1:${(server.address() as AddressInfo).port}`),
);
process.once("SIGTERM", () => server.close(() => process.exit(0)));
