// `npm run bench:client`: is the benchmark client exact and light? Every client runs as its own
// process, pinned to core 0, against a fresh simulator per level in fixed-latency mode on core 1
// (chat, constant TTFT and inter-token gap), every stream started at once up to the level,
// `--waves` requests per stream. Per client and level it reports:
// - own P99 error (ms): each gap the client measured minus the gap the simulator logged for the
//   same token (GET /sim/timing, matched by X-Request-Id and position), so it isolates the client;
// - peak RSS (MB) of the client's whole process tree (each process's VmHWM, summed);
// - CPU-seconds of the client's process tree;
// and each as a ratio to the bare reader (perf/bare-reader.ts: a timestamp per socket read and
// nothing else) measured in the same run, on the same core, against the same simulator, beside a
// second floor without Node's HTTP client (perf/raw-reader.ts: raw TCP, markers counted on the
// bytes), which shows what `node:http` itself costs. Compare
// only within one run: other load on the machine moves every figure (the load average is printed).
// "w1"/"w2" are `vllm-bench run --workers 1|2` (the esbuild bundle the image ships; two workers
// are two threads of the one client process, both on core 0). `--external NAME=COMMAND` adds an outside client (e.g. vLLM's own,
// run by hand) that follows the bare reader's protocol (perf/bare-reader-main.ts). Clients of one
// pair run in order, the next pair in reverse order (ABBA).
//   npm run bench:client [-- --levels 100,1000,2000 --ttft-ms 50 --itl-ms 20 --tokens 128 --waves 2 --workers 1,2 --pairs 1]
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { entryArgs } from "../scripts/entry-args";
import { percentile } from "../bench/client/stats";
import { ownErrors, type Served } from "./client-only";
import { pinned, pinSelf, root } from "./child";
import { bundle as bundleFile } from "./bundle";
import { peakRssMeter, reapedChildrenCpu } from "./proc-tree";

const USAGE =
  "Usage: npm run bench:client -- [--levels 100,1000,2000] [--ttft-ms 50] [--itl-ms 20] [--tokens 128] [--waves 2] [--workers 1,2] [--pairs 1] [--external NAME=COMMAND]... [--json FILE]";
const values = entryArgs(USAGE, {
  levels: { type: "string", default: "100,1000,2000" },
  "ttft-ms": { type: "string", default: "50" },
  "itl-ms": { type: "string", default: "20" },
  tokens: { type: "string", default: "128" },
  waves: { type: "string", default: "2" },
  workers: { type: "string", default: "1,2" },
  pairs: { type: "string", default: "1" },
  external: { type: "string", multiple: true, default: [] },
  json: { type: "string" },
});
const ints = (flag: string, v: string) => {
  const xs = v.split(",").map(Number);
  if (!xs.every((x) => Number.isInteger(x) && x >= 1)) {
    console.error(`--${flag}: ${JSON.stringify(v)} must be positive integers separated by commas. ${USAGE}`);
    process.exit(2);
  }
  return xs;
};
const levels = ints("levels", values.levels);
const workerCounts = ints("workers", values.workers);
const [TTFT] = ints("ttft-ms", values["ttft-ms"]),
  [ITL] = ints("itl-ms", values["itl-ms"]),
  [TOKENS] = ints("tokens", values.tokens),
  [WAVES] = ints("waves", values.waves),
  [PAIRS] = ints("pairs", values.pairs);
const externals = values.external.map((e) => {
  const at = e.indexOf("=");
  if (at < 1) {
    console.error(`--external: ${JSON.stringify(e)} must be NAME=COMMAND. ${USAGE}`);
    process.exit(2);
  }
  return { name: e.slice(0, at), command: e.slice(at + 1) };
});

/** One client's figures on one level (one run of a pair). */
export interface Measurement {
  client: string;
  streams: number;
  pair: number;
  completed: number;
  /** Share of requests whose gaps matched the simulator's log token by token. */
  matched: number;
  ownP50Ms: number;
  ownP99Ms: number;
  peakRssMb: number;
  cpuS: number;
  wallS: number;
  /** The 1-minute load average when the run ended. */
  load1: number;
}

// The harness and the simulator share core 1; every client gets core 0.
pinSelf(1);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-client-"));
const node = process.execPath;
const bundle = path.join(dir, "vllm-bench.mjs"),
  bare = path.join(dir, "bare-reader.mjs"),
  raw = path.join(dir, "raw-reader.mjs");
// What the image ships: the esbuild bundle (package.json build:bench: an entry and its chunks), the readers likewise.
for (const [entry, outfile] of [
  ["bench/cli.ts", bundle],
  ["perf/bare-reader-main.ts", bare],
  ["perf/raw-reader.ts", raw],
])
  await bundleFile(path.join(root, entry), outfile);

/** Run a client process pinned to core 0; resolves with its peak tree RSS and CPU seconds. */
function runClient(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ peakRssMb: number; cpuS: number; wallS: number }> {
  const cpu0 = reapedChildrenCpu(),
    t0 = performance.now();
  const [cmd, ...args] = pinned(0, argv);
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  const meter = peakRssMeter(child.pid!);
  let err = "";
  child.stderr.on("data", (d) => (err = (err + d).slice(-2000)));
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => {
      const peakRssMb = meter.stop();
      if (code !== 0) return reject(new Error(`${argv.join(" ")} exited with ${code}:\n${err}`));
      resolve({ peakRssMb, cpuS: reapedChildrenCpu() - cpu0, wallS: (performance.now() - t0) / 1000 });
    }),
  );
}

async function startSim(): Promise<{ url: string; stop: () => Promise<void> }> {
  const [cmd, ...args] = pinned(1, [
    node,
    bundle,
    "sim",
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--fixed-ttft-ms",
    String(TTFT),
    "--fixed-itl-ms",
    String(ITL),
    "--enable-control-endpoints",
  ]);
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout.on("data", (d) => {
      out += d;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    proc.on("exit", (code) => reject(new Error(`the simulator exited with ${code} before serving:\n${out}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      }),
  };
}

/** Gaps per request id from a `vllm-bench run` results file. */
function runGaps(outDir: string, scenario: string): Map<string, number[]> {
  const file = JSON.parse(fs.readFileSync(path.join(outDir, "latest", `${scenario}.results.json`), "utf8")) as {
    requests: { request_id: string; success: boolean; itl_ms: number[] }[];
  };
  return new Map(file.requests.filter((r) => r.success).map((r) => [r.request_id, r.itl_ms]));
}

const rows: Measurement[] = [];
const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(
  `clients pinned to core 0, simulator and harness to core 1; fixed TTFT ${TTFT} ms, gap ${ITL} ms, ${TOKENS} tokens, chat, ${WAVES} request(s) per stream, ${PAIRS} pair(s) per level`,
);
console.log("streams  pair  client    completed  matched  own p50 ms  own p99 ms  peak RSS MB  CPU-s   wall s  load1");
try {
  for (const c of levels) {
    const sim = await startSim();
    try {
      const model = ((await (await fetch(`${sim.url}/v1/models`)).json()) as { data: { id: string }[] }).data[0].id;
      const cfg = path.join(dir, `c${c}.json`);
      const scenario = `c${c}`;
      fs.writeFileSync(
        cfg,
        JSON.stringify({
          name: scenario,
          defaults: { backend: "openai-chat", endpoint_path: "/v1/chat/completions" },
          scenarios: [
            {
              name: scenario,
              max_concurrency: c,
              num_prompts: c * WAVES,
              random_input_len: 16,
              random_output_len: TOKENS,
              request_rate: "inf",
            },
          ],
        }),
      );
      const load = {
        PERF_URL: sim.url,
        PERF_MODEL: model,
        PERF_STREAMS: String(c),
        PERF_REQUESTS: String(c * WAVES),
        PERF_TOKENS: String(TOKENS),
      };
      const clients = [
        { name: "bare", argv: [node, bare], ours: false },
        { name: "raw", argv: [node, raw], ours: false },
        ...workerCounts.map((w) => ({
          name: `ours w${w}`,
          argv: [
            node,
            bundle,
            "run",
            "--base-url",
            sim.url,
            "--config",
            cfg,
            "--seed",
            "1",
            "--timeout-ms",
            "300000",
            "--workers",
            String(w),
          ],
          ours: true,
        })),
        ...externals.map((e) => ({ name: e.name, argv: ["sh", "-c", e.command], ours: false })),
      ];
      for (let pair = 0; pair < PAIRS; pair++)
        for (const client of pair % 2 ? [...clients].reverse() : clients) {
          await fetch(`${sim.url}/sim/timing`, { method: "DELETE" });
          const out = path.join(dir, `out-${rows.length}`);
          const gapsFile = `${out}.json`;
          // A client that fails (an outside one without its libraries, say) is one line; the others
          // and the rows already measured are kept.
          const cost = await runClient(client.ours ? [...client.argv, "--output-dir", out] : client.argv, {
            ...load,
            PERF_OUT: gapsFile,
          }).catch((e: Error) => {
            const why = e.message.split("\n").filter(Boolean).at(-1) ?? e.message;
            console.log(`${pad(c, 7)} ${pad(pair, 5)}  ${client.name.padEnd(9)} failed: ${why}`);
            return undefined;
          });
          if (!cost) continue;
          const measured = client.ours
            ? runGaps(out, scenario)
            : new Map(Object.entries(JSON.parse(fs.readFileSync(gapsFile, "utf8")) as Record<string, number[]>));
          const served = (await (await fetch(`${sim.url}/sim/timing`)).json()) as Served;
          const own = ownErrors(measured, served);
          const row: Measurement = {
            client: client.name,
            streams: c,
            pair,
            completed: measured.size,
            matched: own.matched,
            ownP50Ms: percentile(own.errors, 50),
            ownP99Ms: percentile(own.errors, 99),
            ...cost,
            load1: os.loadavg()[0],
          };
          rows.push(row);
          fs.rmSync(out, { recursive: true, force: true });
          fs.rmSync(gapsFile, { force: true });
          console.log(
            [
              pad(c, 7),
              pad(pair, 5),
              " " + row.client.padEnd(9),
              pad(row.completed, 9),
              pad(`${(100 * row.matched).toFixed(0)} %`, 8),
              pad(row.ownP50Ms.toFixed(2), 11),
              pad(row.ownP99Ms.toFixed(2), 11),
              pad(row.peakRssMb.toFixed(0), 12),
              pad(row.cpuS.toFixed(2), 6),
              pad(row.wallS.toFixed(1), 8),
              pad(row.load1.toFixed(2), 6),
            ].join(" "),
          );
        }
    } finally {
      await sim.stop();
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

// Medians over pairs, and each client against the bare reader of the same level.
const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const summary = levels.flatMap((c) => {
  const at = rows.filter((r) => r.streams === c);
  const of = (name: string, k: "ownP99Ms" | "peakRssMb" | "cpuS") =>
    median(at.filter((r) => r.client === name).map((r) => r[k]));
  return [...new Set(at.map((r) => r.client))].map((client) => ({
    client,
    streams: c,
    ownP99Ms: of(client, "ownP99Ms"),
    peakRssMb: of(client, "peakRssMb"),
    cpuS: of(client, "cpuS"),
    vsBare: {
      ownP99: of(client, "ownP99Ms") / of("bare", "ownP99Ms"),
      peakRss: of(client, "peakRssMb") / of("bare", "peakRssMb"),
      cpu: of(client, "cpuS") / of("bare", "cpuS"),
    },
    load1: median(at.filter((r) => r.client === client).map((r) => r.load1)),
  }));
});
console.log("\nmedians over pairs; ×bare = ratio to the bare reader at the same level in this run");
console.log("streams  client     own p99 ms (×bare)   peak RSS MB (×bare)   CPU-s (×bare)   load1");
for (const s of summary)
  console.log(
    [
      pad(s.streams, 7),
      " " + s.client.padEnd(9),
      pad(`${s.ownP99Ms.toFixed(2)} (${s.vsBare.ownP99.toFixed(2)})`, 20),
      pad(`${s.peakRssMb.toFixed(0)} (${s.vsBare.peakRss.toFixed(2)})`, 21),
      pad(`${s.cpuS.toFixed(2)} (${s.vsBare.cpu.toFixed(2)})`, 15),
      pad(s.load1.toFixed(2), 7),
    ].join(" "),
  );
if (values.json)
  fs.writeFileSync(
    values.json,
    JSON.stringify({ config: { levels, TTFT, ITL, TOKENS, WAVES, PAIRS }, rows, summary }, null, 2),
  );
