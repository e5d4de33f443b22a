import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundle as buildBundle } from "../../perf/bundle";
import { node, root } from "./fault-sim";

// The client's peak memory at 2,000 concurrent streams, as the image runs it (the esbuild bundle):
// two waves of 2,000 chat streams, 50 tokens each, against the simulator in fixed-latency mode in
// its own process. Peak = the kernel's high-water mark of the client's resident set (VmHWM).
// Measured on this 2-core machine: 244 MB before the first memory work, 177 MB after; vLLM's own
// client ~150 MB then. The report binning before Vega took the whole run from 253 to 162 MB.
// The bounds below guard against a regression. `--workers 2` runs two shards in the one process
// (shard 0 on the main thread, one worker thread): the issue asks its whole-run peak to stay within 1.3× one worker's (as two child
// processes it was 2.1–2.3×), measured in the same run on the same load; the bound below is what
// holds today (WORKERS_RATIO).

// Since the run keeps V8's default heap policy while streaming (its collections no longer pause the
// streams: bench/client/heap-policy.ts), 185–189 MB while streaming and 191–192 MB over the whole
// run; since a run parses only the code it runs (the bundle's commands are chunks loaded on use:
// perf/bundle.ts), 163–169 and 178–179 MB (6 December 2026, four runs). The bounds leave about
// 10 % over the worst run.
const PEAK_LIMIT_MB = 185; // while streaming
// The whole run, the report included: Vega-Lite binning every pooled gap itself took it past 300 MB
// (the report now bins before Vega sees the values).
const WHOLE_LIMIT_MB = 195;
// The issue asks for 1.3×. History (docs/benchmark.md, Sharding): a worker thread's fixed cost was
// ~32 MB, 20 MB of it parsing the whole bundle; undici's modules added ~6 MB; with shard 0 on the
// main thread (bench/fleet/workers.ts) 1.25–1.29×. Since a worker parses only the run's chunks:
// 1.15–1.25× over four runs here (6 December 2026), the simulator on the same core. The bound
// leaves 8 % over the worst run.
const WORKERS_RATIO = 1.35;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-rss-"));
const bundle = path.join(dir, "vllm-bench.mjs");
let sim: { url: string; kill: () => void };

beforeAll(async () => {
  await buildBundle(path.join(root, "bench/cli.ts"), bundle);
  // The simulator from the same bundle, in its own process (no control endpoints needed).
  const simChild = spawn(
    node,
    [bundle, "sim", "--host", "127.0.0.1", "--port", "0", "--fixed-ttft-ms", "100", "--fixed-itl-ms", "20"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  sim = {
    url: await new Promise<string>((resolve, reject) => {
      let text = "";
      simChild.stdout.on("data", (d) => {
        text += d;
        const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
        if (m) resolve(m[1]);
      });
      simChild.on("exit", (c) => reject(new Error(`simulator exited ${c}`)));
    }),
    kill: () => simChild.kill("SIGKILL"),
  };
}, 60_000);
afterAll(() => {
  sim?.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * `vllm-bench run` of `streams` chat streams, two waves: the high-water mark of the
 * process's resident set (the kernel's VmHWM, every thread included) while requests stream (read
 * until the summary is printed) and over the whole run, which also holds the end of run work (the
 * Vega report renders every plot after the last stream closed).
 */
async function peakRss(
  streams: number,
  workers: number,
  tokens = { input: 128, output: 50 },
): Promise<{ streamingMb: number; wholeMb: number }> {
  const name = `c${streams}-o${tokens.output}`;
  const cfg = path.join(dir, `${name}.json`);
  fs.writeFileSync(
    cfg,
    JSON.stringify({
      scenarios: [
        {
          name,
          max_concurrency: streams,
          num_prompts: 2 * streams,
          random_input_len: tokens.input,
          random_output_len: tokens.output,
        },
      ],
    }),
  );
  const child = spawn(
    node,
    [
      bundle,
      "run",
      "--base-url",
      sim.url,
      "--config",
      cfg,
      "--output-dir",
      path.join(dir, `out-${name}-w${workers}`),
      "--workers",
      String(workers),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  let streamingKb = 0;
  let wholeKb = 0;
  const poll = setInterval(() => {
    try {
      const kb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0);
      wholeKb = Math.max(wholeKb, kb);
      if (!/Serving Benchmark Result/.test(out)) streamingKb = Math.max(streamingKb, kb);
    } catch {
      // exited between checks
    }
  }, 100);
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  clearInterval(poll);
  expect(code, out).toBe(0);
  expect(out).toMatch(new RegExp(`Successful requests:\\s+${2 * streams}`));
  expect(streamingKb).toBeGreaterThan(0);
  return { streamingMb: streamingKb / 1024, wholeMb: wholeKb / 1024 };
}

describe("client memory", () => {
  it(`peak RSS at 2,000 streams stays under ${PEAK_LIMIT_MB} MB`, async () => {
    const { streamingMb, wholeMb } = await peakRss(2000, 1);
    console.log(
      `client peak RSS at 2,000 streams: ${streamingMb.toFixed(0)} MB while streaming, ${wholeMb.toFixed(0)} MB over the whole run (report included)`,
    );
    expect(streamingMb).toBeLessThan(PEAK_LIMIT_MB);
    expect(wholeMb).toBeLessThan(WHOLE_LIMIT_MB);
  }, 240_000);

  it(`--workers 2 (the main thread and a worker thread) peaks within ${WORKERS_RATIO}× of --workers 1 at 1,000 streams`, async () => {
    // The load (npm run bench:client's): 1,000 streams, 16 tokens in, 128 out, two waves.
    const tokens = { input: 16, output: 128 };
    const one = await peakRss(1000, 1, tokens);
    const two = await peakRss(1000, 2, tokens);
    console.log(
      `whole-run peak RSS at 1,000 streams: --workers 1 ${one.wholeMb.toFixed(0)} MB, --workers 2 ${two.wholeMb.toFixed(0)} MB (${(two.wholeMb / one.wholeMb).toFixed(2)}×)`,
    );
    expect(two.wholeMb / one.wholeMb).toBeLessThanOrEqual(WORKERS_RATIO);
  }, 240_000);
});
