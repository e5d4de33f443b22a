// `npm run bench:sim`: how much load the simulator sustains per core. Each server runs in its own
// process on its own core while the benchmark client (another core) keeps a fixed number of
// streams open for a fixed time; the figures are requests and tokens per CPU-second of the
// server. Baseline, measured in the same run: a bare Node SSE server streaming the same chunks
// (perf/baseline-server.ts). "ratio" = simulator cost per token / baseline cost per token.
//   npm run bench:sim [-- --streams 128 --seconds 5 --tokens 64]
import { entryArgs } from "../scripts/entry-args";
import { closeIdleConnections, sendRequest, type Target } from "../bench/client/request";
import { pinSelf, startChild, stealMeter, type ChildServer } from "./child";

const values = entryArgs("Usage: npm run bench:sim -- [--streams 128] [--seconds 5] [--tokens 64]", {
  streams: { type: "string", default: "128" },
  seconds: { type: "string", default: "5" },
  tokens: { type: "string", default: "64" },
});
const STREAMS = Number(values.streams),
  SECONDS = Number(values.seconds),
  TOKENS = Number(values.tokens);
const PROMPT = "the benchmark sends this short prompt to every server alike ".repeat(4);

interface Figures {
  requests: number;
  tokens: number;
  failed: number;
  wall: number;
  cpu: number;
  steal: number;
}

/** Keep STREAMS requests open for SECONDS (after a short warm-up) and count what completes. */
async function drive(server: ChildServer, model: string): Promise<Figures> {
  const t: Target = { baseUrl: server.url, endpoint: "/v1/chat/completions", chat: true, model, timeoutMs: 60_000 };
  const spec = (i: number) => ({ id: `perf-${i}`, prompt: PROMPT, promptTokens: 0, maxTokens: TOKENS });
  await Promise.all(
    Array.from({ length: Math.min(STREAMS, 32) }, (_, i) => sendRequest(t, spec(i), "warmup", performance.now())),
  );
  const f: Figures = { requests: 0, tokens: 0, failed: 0, wall: 0, cpu: 0, steal: 0 };
  const cpu0 = server.cpuSeconds(),
    t0 = performance.now(),
    steal = stealMeter();
  const end = t0 + SECONDS * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: STREAMS }, async () => {
      while (performance.now() < end) {
        const r = await sendRequest(t, spec(n++), "load", t0);
        if (r.success) {
          f.requests++;
          f.tokens += r.output_tokens;
        } else f.failed++;
      }
    }),
  );
  f.wall = (performance.now() - t0) / 1000;
  f.cpu = server.cpuSeconds() - cpu0;
  f.steal = steal();
  closeIdleConnections();
  return f;
}

pinSelf(0);
const servers: { name: string; args: string[]; model: string }[] = [
  { name: "baseline SSE server", args: ["perf/baseline-server.ts"], model: "baseline" },
  {
    name: "simulator, fixed latency",
    args: ["bench/cli.ts", "sim", "--host", "127.0.0.1", "--port", "0", "--fixed-ttft-ms", "1", "--fixed-itl-ms", "1"],
    model: "",
  },
  {
    name: "simulator, engine model (speedup 100)",
    args: ["bench/cli.ts", "sim", "--host", "127.0.0.1", "--port", "0", "--speedup", "100"],
    model: "",
  },
];
console.log(
  `${STREAMS} streams for ${SECONDS} s each, ${TOKENS} tokens per request; servers on core 1, client on core 0`,
);
console.log(
  "server                                   req/s    tok/s  server CPU  req/s per core  tok/s per core  ratio  failed  steal",
);
let baseCostPerToken = NaN;
for (const s of servers) {
  const child = await startChild(s.args, 1, /on (http:\/\/127\.0\.0\.1:\d+)/);
  try {
    const model =
      s.model || ((await (await fetch(`${child.url}/v1/models`)).json()) as { data: { id: string }[] }).data[0].id;
    const f = await drive(child, model);
    const costPerToken = f.cpu / f.tokens;
    if (Number.isNaN(baseCostPerToken)) baseCostPerToken = costPerToken;
    console.log(
      [
        s.name.padEnd(38),
        (f.requests / f.wall).toFixed(0).padStart(7),
        (f.tokens / f.wall).toFixed(0).padStart(8),
        `${((100 * f.cpu) / f.wall).toFixed(0)} %`.padStart(11),
        (f.requests / f.cpu).toFixed(0).padStart(15),
        (f.tokens / f.cpu).toFixed(0).padStart(15),
        (costPerToken / baseCostPerToken).toFixed(2).padStart(6),
        String(f.failed).padStart(7),
        `${(100 * f.steal).toFixed(1)} %`.padStart(6),
      ].join(" "),
    );
  } finally {
    await child.stop();
  }
}
