// Shared by the fleet suites: the CLI as a child process (with a clean environment) and finding
// results files wherever the output layout puts them.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

export const root = path.resolve(import.meta.dirname, "../../..");
const node = process.execPath;
const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
const cli = path.join(root, "bench/cli.ts");
const OURS =
  /^(MODEL_ENDPOINT|CONFIG_PATH|OUTPUT_DIR|REQUEST_RATE|MODEL_NAME|SERVED_MODEL_NAME|CONCURRENCY_LEVELS|DURATION|PUSHGATEWAY_URL|READY_TIMEOUT|RAMP_UP_\w+|TOKENIZER|JOB_COMPLETION_INDEX|BENCH_\w+)$/;
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !OURS.test(k)));

export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 90_000) {
  const child = spawn(node, ["--import", tsx, cli, ...args], { cwd: root, stdio: "pipe", env: { ...baseEnv, ...env } });
  let stdout = "",
    stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))),
  );
}

/** Every `<scenario>.results.json` under `dir` (any depth), by scenario. */
export function resultsFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".results.json")) out.set(e.name.replace(/\.results\.json$/, ""), p);
    }
  };
  walk(dir);
  return out;
}

/** numpy.percentile's default (linear between closest ranks), written apart from bench/client/stats.ts. */
export function numpyPercentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * (q / 100);
  const f = Math.floor(h);
  return f + 1 < s.length ? s[f] * (1 - (h - f)) + s[f + 1] * (h - f) : s[f];
}
