import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { node, root } from "./fault-sim";

// The client's peak memory at 2,000 concurrent streams, as the image runs it (the esbuild bundle):
// two waves of 2,000 chat streams, 50 tokens each, against the simulator in fixed-latency mode in
// its own process. Peak = the kernel's high-water mark of the client's resident set (VmHWM).
// Measured on this 2-core machine: 244 MB before the first memory work, 177 MB after; vLLM's own
// client ~150 MB then. The report binning before Vega took the whole run from 253 to 162 MB.
// The bounds below guard against a regression.

const PEAK_LIMIT_MB = 200; // while streaming
// The whole run, the report included: Vega-Lite binning every pooled gap itself took it past 300 MB
// (the report now bins before Vega sees the values).
const WHOLE_LIMIT_MB = 230;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-rss-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("client memory", () => {
  it(`peak RSS at 2,000 streams stays under ${PEAK_LIMIT_MB} MB`, async () => {
    const bundle = path.join(dir, "vllm-bench.mjs");
    await build({
      entryPoints: [path.join(root, "bench/cli.ts")],
      bundle: true,
      platform: "node",
      target: "node22",
      format: "esm",
      outfile: bundle,
      logLevel: "warning",
    });
    // The simulator from the same bundle, in its own process (no control endpoints needed).
    const simChild = spawn(
      node,
      [bundle, "sim", "--host", "127.0.0.1", "--port", "0", "--fixed-ttft-ms", "100", "--fixed-itl-ms", "20"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const sim = {
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
    try {
      const cfg = path.join(dir, "c2000.json");
      fs.writeFileSync(
        cfg,
        JSON.stringify({
          scenarios: [
            { name: "c2000", max_concurrency: 2000, num_prompts: 4000, random_input_len: 128, random_output_len: 50 },
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
          path.join(dir, "out"),
          "--workers",
          "1",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      // Two figures: the high-water mark while requests stream (what the bound guards: the kernel's
      // VmHWM, read until the summary is printed), and the whole run's, which also holds the end of
      // run work (the Vega report renders every plot after the last stream closed).
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
      expect(out).toMatch(/Successful requests:\s+4000/);
      console.log(
        `client peak RSS at 2,000 streams: ${(streamingKb / 1024).toFixed(0)} MB while streaming, ${(wholeKb / 1024).toFixed(0)} MB over the whole run (report included)`,
      );
      expect(streamingKb).toBeGreaterThan(0);
      expect(streamingKb / 1024).toBeLessThan(PEAK_LIMIT_MB);
      expect(wholeKb / 1024).toBeLessThan(WHOLE_LIMIT_MB);
    } finally {
      sim.kill();
    }
  }, 240_000);
});
