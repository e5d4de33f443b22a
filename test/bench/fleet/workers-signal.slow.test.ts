// SIGTERM to `run --workers 2` mid-run. Signals reach only the main thread of a process, so the
// parent must pass the stop on to its worker threads: each stops sending, cuts its in-flight
// requests within the grace and writes its share; the parent merges both shares (partial, exit 3).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "../../../bench/sim";
import { cliTestEnv } from "../cli-env";
import { resultsFiles, root } from "./helpers";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-workers-signal-"));
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ fixedTtftMs: 30, fixedItlMs: 20, model: "fixed" });
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `run --workers 2` of `cfg` as a child process, resolved once both workers are past the start barrier and sending. */
async function startMidRun(name: string, scenario: object, extra: string[]) {
  const cfg = path.join(tmp, `${name}.json`);
  fs.writeFileSync(cfg, JSON.stringify({ name, scenarios: [{ name, ...scenario }] }));
  const out = path.join(tmp, `results-${name}`);
  const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
  const child = spawn(
    process.execPath,
    [
      "--import",
      tsx,
      path.join(root, "bench/cli.ts"),
      "run",
      "--base-url",
      sim.url,
      "--config",
      cfg,
      "--output-dir",
      out,
      "--workers",
      "2",
      ...extra,
    ],
    { cwd: root, env: cliTestEnv(), stdio: "pipe" },
  );
  const io = { stdout: "", stderr: "" };
  child.stdout.on("data", (d) => (io.stdout += d));
  child.stderr.on("data", (d) => (io.stderr += d));
  const exited = new Promise<number | null>((r) => child.on("exit", r));
  const until = Date.now() + 60_000;
  const ready = () => {
    const scratch = fs.existsSync(out) ? fs.readdirSync(out).find((d) => d.startsWith(".workers-")) : undefined;
    const dir = scratch && path.join(out, scratch, "ready", name);
    return !!dir && fs.existsSync(dir) && fs.readdirSync(dir).length === 2;
  };
  while (!ready()) {
    if (Date.now() > until) throw new Error(`workers never reached the start barrier\n${io.stdout}${io.stderr}`);
    await sleep(50);
  }
  return { child, io, exited, out };
}

/** The merged results file's request indexes, by shard (index mod 2). */
function mergedShares(out: string, name: string) {
  const file = resultsFiles(out).get(name);
  expect(file).toBeDefined();
  const json = JSON.parse(fs.readFileSync(file!, "utf8"));
  const ids = (json.requests as { request_id: string }[]).map((x) => Number(/-req-(\d+)$/.exec(x.request_id)![1]));
  return { json, ids, byShard: [0, 1].map((s) => ids.filter((i) => i % 2 === s).length) };
}

it("SIGTERM mid-run: both workers stop, write what they measured, and the parent merges it (exit 3)", async () => {
  const N = 400;
  // About 20 s of load at 20 requests/s: the signal comes a few seconds in.
  const run = await startMidRun(
    "long",
    { num_prompts: N, request_rate: 20, max_concurrency: 16, random_input_len: 16, random_output_len: 16 },
    ["--stop-grace", "10"],
  );
  await sleep(3000);
  const sentAt = Date.now();
  run.child.kill("SIGTERM");
  const code = await run.exited;
  const stopS = (Date.now() - sentAt) / 1000;
  const { stdout, stderr } = run.io;

  expect(code, stdout + stderr).toBe(3);
  expect(stderr).toMatch(/SIGTERM: passed to every worker/);
  expect(stdout + stderr).not.toMatch(/of 2 is missing|worker \d (ran out|failed|exit|ended)/);
  expect(stdout).toMatch(/Merged 2 shards/);
  const { json, ids, byShard } = mergedShares(run.out, "long");
  // Both shares are there (requests of both parities), and the run stopped early.
  expect(byShard[0]).toBeGreaterThan(10);
  expect(byShard[1]).toBeGreaterThan(10);
  expect(ids.length).toBeLessThan(N);
  expect(json).toMatchObject({ partial: true, shards: 2 });
  // Within the grace: the workers cut their streams at 70 % of it at the latest.
  expect(stopS).toBeLessThan(10);
  console.log(
    `workers-signal: SIGTERM after 3 s; merged ${ids.length} records (${byShard.join(" + ")} by shard), exit ${code} ${stopS.toFixed(1)} s after the signal`,
  );
}, 120_000);

it("a second SIGTERM: each worker writes what it measured (its shard file too) at once, and both shares are merged", async () => {
  // Streams of 500 tokens × 20 ms (10 s each), 16 at a time, and a 60 s grace: the first wave has
  // finished when the signals come, and after the first one the second wave's streams would run on
  // for about 8 s more; the second signal must end the run at once, with the first wave's records.
  const run = await startMidRun(
    "slow",
    { num_prompts: 200, request_rate: 20, max_concurrency: 16, random_input_len: 16, random_output_len: 500 },
    ["--stop-grace", "60"],
  );
  await sleep(12_000);
  run.child.kill("SIGTERM");
  await sleep(300);
  const sentAt = Date.now();
  run.child.kill("SIGTERM");
  const code = await run.exited;
  const stopS = (Date.now() - sentAt) / 1000;
  const { stdout, stderr } = run.io;

  expect(code, stdout + stderr).toBe(3);
  expect(stderr).toMatch(/SIGTERM again: passed to every worker; each writes what it measured and ends at once/);
  expect(stdout + stderr).not.toMatch(/of 2 is missing|worker \d (ran out|failed|exit|ended)/);
  const { json, byShard } = mergedShares(run.out, "slow");
  // Both workers' first waves (8 streams each) are in the merge.
  expect(byShard[0]).toBeGreaterThanOrEqual(8);
  expect(byShard[1]).toBeGreaterThanOrEqual(8);
  expect(json).toMatchObject({ partial: true, shards: 2 });
  expect(stopS).toBeLessThan(4);
  console.log(
    `workers-signal: second SIGTERM; merged ${byShard.join(" + ")} records by shard, exit ${code} ${stopS.toFixed(1)} s after it`,
  );
}, 120_000);
