// The simulator CLI as the pod runs it (a real process, default limits): a 64 MiB body is refused
// with 413 before it is parsed, the process's peak RSS stays far inside the pod's 512 MiB memory
// limit (charts/vllm/pod.ts), and /health keeps answering quickly meanwhile.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../../..");
const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
const POD_MEMORY_LIMIT_MIB = 512;
const MIB = 1024 * 1024;

let child: ChildProcess;
let url: string;
beforeAll(async () => {
  child = spawn(
    process.execPath,
    ["--import", tsx, path.join(root, "bench/cli.ts"), "sim", "--host", "127.0.0.1", "--port", "0"],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = out.match(/serving .* on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  });
}, 60_000);
afterAll(() => {
  child?.kill("SIGTERM");
});

/** Peak resident set of the simulator process so far (MiB), from the kernel. */
const peakRssMiB = () =>
  Number(fs.readFileSync(`/proc/${child.pid}/status`, "utf8").match(/VmHWM:\s+(\d+) kB/)![1]) / 1024;

describe("simulator CLI under a 64 MiB body", () => {
  it("refuses it with 413 before parsing, stays within the pod's memory limit, and /health stays fast", async () => {
    const before = peakRssMiB();
    // curl uploads (another process), so the probes below time the server, not this process.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sim-413-")), "body");
    fs.writeFileSync(file, Buffer.alloc(64 * MIB, 120)); // not JSON: a 413, not a 400, shows nothing was parsed
    const upload = (route: string, chunked: boolean) =>
      new Promise<{ status: string; body: string }>((resolve) => {
        const args = [
          "-s",
          "-H",
          "content-type: application/json",
          "-H",
          "Expect:",
          ...(chunked ? ["-H", "Transfer-Encoding: chunked"] : []),
          "--data-binary",
          `@${file}`,
          "-w",
          "\n%{http_code}",
          `${url}${route}`,
        ];
        let out = "";
        const c = spawn("curl", args);
        c.stdout.on("data", (d) => (out += d));
        c.on("close", () => {
          const i = out.lastIndexOf("\n");
          resolve({ body: out.slice(0, i), status: out.slice(i + 1) });
        });
      });
    const health: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const t0 = performance.now();
        const r = await fetch(`${url}/health`).catch(() => undefined);
        if (r?.status === 200) health.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const [declared, chunked] = await Promise.all([
      upload("/v1/completions", false),
      upload("/v1/chat/completions", true),
    ]);
    probing = false;
    await probe;
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    expect(declared.status).toBe("413");
    expect(chunked.status).toBe("413");
    expect(JSON.parse(declared.body).error.code).toBe(413);
    const after = peakRssMiB();
    // What the process may have buffered is bounded by the 2 MiB default limit, not by the body.
    expect(after - before).toBeLessThan(32);
    expect(after).toBeLessThan(POD_MEMORY_LIMIT_MIB / 2);
    const sorted = [...health].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `peak RSS ${before.toFixed(0)} → ${after.toFixed(0)} MiB; /health n=${health.length} median ${median.toFixed(1)} ms max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
    expect(health.length).toBeGreaterThan(0);
    expect(median).toBeLessThan(50);
  });
});
