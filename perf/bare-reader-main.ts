// The bare reader as a process of its own, so `npm run bench:client` measures its memory and CPU
// like any other client's. The protocol every compared client follows (an outside client such as
// vLLM's, run with --external, too): the load in PERF_URL, PERF_MODEL, PERF_STREAMS, PERF_REQUESTS,
// PERF_TOKENS (chat completions, every request started at once up to PERF_STREAMS open), and the
// gaps it measured written to PERF_OUT as JSON, { "<X-Request-Id>": [gap ms, …] }.
import * as fs from "node:fs";
import { bareRead } from "./bare-reader";

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name}: missing`);
  return v;
};
const gaps = await bareRead({
  url: env("PERF_URL"),
  model: env("PERF_MODEL"),
  streams: Number(env("PERF_STREAMS")),
  requests: Number(env("PERF_REQUESTS")),
  tokens: Number(env("PERF_TOKENS")),
  rate: "inf",
  seed: 1,
  chat: true,
});
fs.writeFileSync(env("PERF_OUT"), JSON.stringify(Object.fromEntries(gaps)));
