import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

// `npm start` interrupted as a terminal's Ctrl-C does it: SIGINT to the whole foreground process
// group (npm, the shell, tsx, node and, were it in the group, Prometheus), with npm forwarding its
// copy to the child once more. The run must stop, write what it measured, print the local
// Prometheus summary, exit 3 through npm, and leave no temporary Prometheus folder behind.

const ROOT = path.resolve(__dirname, "../..");
// The run gets a temp folder of its own, so another suite's `npm start` running beside this one
// (the slow suites share two workers) cannot leave its folder here.
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-start-interrupt-"));
const promDirs = () => fs.readdirSync(TMP).filter((d) => d.startsWith("vllm-local-prom-"));

describe("npm start on Ctrl-C", () => {
  it("exits 3 with partial results and the local Prometheus summary, its temp folders removed", async () => {
    const child = spawn("npm", ["start"], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TMPDIR: TMP },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (err += b));
    // Interrupt once the first scenario is under way.
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (/Plan: /.test(out)) {
          clearInterval(t);
          setTimeout(() => {
            process.kill(-child.pid!, "SIGINT");
            resolve();
          }, 4_000);
        }
      }, 200);
      setTimeout(() => {
        clearInterval(t);
        reject(new Error(`npm start did not start a run:\n${out}\n${err}`));
      }, 60_000);
    });
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code, `${out.slice(-2000)}\n${err.slice(-1000)}`).toBe(3);
    expect(out).toMatch(/\(partial: interrupted by a signal\)/);
    expect(out).toMatch(/Wrote \d+ files to results/);
    expect(out).toMatch(/Local Prometheus .*\n\s+request rate \(mean over the run's \d+ s\)\s+\d+\.\d+ req\/s/);
    expect(err).not.toMatch(/fetch failed/);
    expect(promDirs()).toEqual([]);
    fs.rmSync(TMP, { recursive: true, force: true });
  }, 120_000);
});
