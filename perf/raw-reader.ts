// A second floor for `npm run bench:client`: the bare reader without Node's HTTP client. Each
// request is a TCP connection with the request written by hand; every socket read gets a
// timestamp and content markers are counted on the bytes (no HTTP parser, no streams, no
// decoding). No product code reads HTTP this way: it shows how much of the bare reader's jitter
// and memory is `node:http`'s and how much any Node process pays. Same protocol as
// perf/bare-reader-main.ts (PERF_URL, PERF_MODEL, PERF_STREAMS, PERF_REQUESTS, PERF_TOKENS,
// PERF_OUT); plain-HTTP targets and chat completions only.
import * as fs from "node:fs";
import * as net from "node:net";
import { paced } from "./bare-reader";

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name}: missing`);
  return v;
};
const url = new URL(env("PERF_URL"));
const streams = Number(env("PERF_STREAMS"));
const requests = Number(env("PERF_REQUESTS"));
const body = JSON.stringify({
  model: env("PERF_MODEL"),
  messages: [{ role: "user", content: "bare reader" }],
  max_completion_tokens: Number(env("PERF_TOKENS")),
  ignore_eos: true,
  stream: true,
});
// As the bare reader's: every content chunk of the simulator's chat stream starts with a space.
const MARK = Buffer.from('"content":" ');
// The last chunk of a chunked HTTP/1.1 body.
const END = Buffer.from("\r\n0\r\n\r\n");
const head = (id: string) =>
  `POST /v1/chat/completions HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
  `X-Request-Id: ${id}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const gaps = new Map<string, number[]>();
const one = (id: string) =>
  new Promise<void>((resolve) => {
    const mine: number[] = [];
    let last = -1;
    let tail: Buffer = Buffer.alloc(0);
    const s = net.connect(Number(url.port || 80), url.hostname, () => s.write(head(id)));
    s.setNoDelay(true);
    s.on("data", (b: Buffer) => {
      const now = performance.now();
      // The previous read's tail, in case a marker straddles two reads.
      const buf = tail.length ? Buffer.concat([tail, b]) : b;
      for (let i = buf.indexOf(MARK); i >= 0; i = buf.indexOf(MARK, i + 1)) {
        if (last >= 0) mine.push(now - last);
        last = now;
      }
      if (buf.subarray(-END.length).equals(END)) s.destroy();
      tail = buf.subarray(-(Math.max(MARK.length, END.length) - 1));
    });
    s.on("close", () => {
      gaps.set(id, mine);
      resolve();
    });
    s.on("error", () => {});
  });

await paced({ requests, streams, rate: "inf", seed: 1 }, one);
fs.writeFileSync(env("PERF_OUT"), JSON.stringify(Object.fromEntries(gaps)));
