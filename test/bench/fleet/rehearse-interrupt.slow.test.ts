// `vllm-bench rehearse` interrupted (Ctrl-C, or the pod's SIGTERM) writes what it measured, as
// `vllm-bench run` does: the load stops, the timeline and replica times so far are saved, exit 3,
// and its temporary folder is gone.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, it } from "vitest";
import { cliTestEnv } from "../cli-env";

const root = path.resolve(import.meta.dirname, "../../..");
const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-rehearse-int-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it("SIGINT during the load: partial files written, exit 3", async () => {
  const out = path.join(dir, "results");
  const tmp = path.join(dir, "tmp");
  fs.mkdirSync(tmp);
  const child = spawn(
    process.execPath,
    ["--import", tsx, path.join(root, "bench/cli.ts"), "rehearse", "--output-dir", out],
    {
      cwd: dir,
      env: { ...cliTestEnv((k) => k.startsWith("SIM_")), TMPDIR: tmp },
      stdio: "pipe",
    },
  );
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const loadStarted = new Promise<void>((resolve) =>
    child.stdout.on("data", (d) => {
      stdout += d;
      if (/\] sent \d+\/\d+/.test(stdout)) resolve();
    }),
  );
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  await loadStarted;
  child.kill("SIGINT");
  const code = await exited;
  expect(code, `${stdout.slice(-1500)}\n${stderr.slice(-500)}`).toBe(3);
  expect(stderr).toMatch(/SIGINT: the load stops; writing what was measured \(exit 3\)/);
  expect(stdout).toMatch(/local-rehearsal\.json \(partial: interrupted by a signal\)/);
  const [run] = fs.readdirSync(out).filter((f) => f !== "latest");
  const saved = JSON.parse(fs.readFileSync(path.join(out, run, "local-rehearsal.json"), "utf8"));
  expect(saved.timeline.length).toBeGreaterThan(0);
  expect(saved.replicas.length).toBeGreaterThan(0);
  expect(saved.back_to_zero).toBe(false);
  expect(fs.existsSync(path.join(out, run, "rehearsal.results.json"))).toBe(true);
  expect(fs.readdirSync(tmp).filter((f) => f.startsWith("vllm-rehearse-"))).toEqual([]);
}, 120_000);
