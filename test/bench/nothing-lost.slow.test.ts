import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually } from "../../scripts/dev/eventually";
import { cliPath, node, root, setFaults, spawnFaultSim, tsxLoader } from "./fault-sim";
import { cliTestEnv } from "./cli-env";

// The must-shows, as users hit them: the CLI and the simulator in their own processes,
// the simulator SIGKILLed, the CLI SIGTERMed while every slot waits on a 60 s stall.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-lost-slow-"));
const env = cliTestEnv();
const sims: { kill: () => void }[] = [];
afterAll(() => {
  for (const s of sims) s.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  const child = spawn(node, ["--import", tsxLoader, cliPath, ...args], { cwd: root, env, stdio: "pipe" });
  let stdout = "",
    stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 110_000);
  const done = new Promise<{ code: number | null; exitedAt: number }>((r) =>
    child.on("exit", (code) => (clearTimeout(timer), r({ code, exitedAt: performance.now() }))),
  );
  return { child, done, out: () => stdout, err: () => stderr };
}
async function completed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^vllm:request_success_total\{[^}]*\} (\S+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);
}
const until = (check: () => Promise<boolean> | boolean, ms = 60_000) => eventually("the condition", check, ms, 100);
function scenario(name: string, body: object): string {
  const p = path.join(dir, `${name}.json`);
  fs.writeFileSync(p, JSON.stringify(body));
  return p;
}
/** The latest run's files: JSON parses, CSV rows match the records, summary has one row per scenario. */
function latestFiles(out: string) {
  const run = path.join(out, "latest");
  const json = fs
    .readdirSync(run)
    .filter((f) => f.endsWith(".results.json"))
    .map((f) => JSON.parse(fs.readFileSync(path.join(run, f), "utf8")));
  for (const j of json) {
    expect(
      fs
        .readFileSync(path.join(run, `${j.scenario}.requests.csv`), "utf8")
        .trim()
        .split("\n"),
    ).toHaveLength(j.requests.length + 1);
    expect(j.requests.length).toBe(j.completed + j.failed);
  }
  const summary = fs.readFileSync(path.join(run, "summary.csv"), "utf8").trim().split("\n");
  expect(summary).toHaveLength(json.length + 1);
  return { json, summary };
}

describe("must-show: nothing is lost", () => {
  it("server killed mid-run on a scenario larger than the pre-sizing window: valid JSON and CSV, partial, with the completed requests; exit 3", async () => {
    const sim = await spawnFaultSim(["--fixed-ttft-ms", "5", "--fixed-itl-ms", "2"]);
    sims.push(sim);
    // 3,000 prompts; the first 1,024 are sized before the clock starts, the rest through /tokenize as the run goes.
    const cfg = scenario("big", {
      scenarios: [{ name: "big", max_concurrency: 16, num_prompts: 3000, random_input_len: 8, random_output_len: 4 }],
    });
    const out = path.join(dir, "killed");
    const run = cli(["run", "--base-url", sim.url, "--config", cfg, "--output-dir", out]);
    await until(async () => (await completed(sim.url)) >= 1200, 90_000); // past the pre-sized window
    sim.kill();
    const { code } = await run.done;
    expect(code, run.err()).toBe(3);
    const { json, summary } = latestFiles(out);
    expect(json[0]).toMatchObject({
      scenario: "big",
      partial: true,
      stop_reason: expect.stringMatching(/server unreachable/),
    });
    expect(json[0].completed).toBeGreaterThanOrEqual(1200);
    expect(json[0].requests.length).toBeLessThan(3000);
    expect(summary[1].startsWith("true,")).toBe(true);
    expect(run.out()).toMatch(/partial: server unreachable/);
  }, 120_000);

  it("SIGTERM while every slot waits on a 60 s stall: exit 3 within the default grace (10 s), valid partial files", async () => {
    const sim = await spawnFaultSim(["--fixed-ttft-ms", "5", "--fixed-itl-ms", "2"]);
    sims.push(sim);
    const cfg = scenario("stall", {
      scenarios: [
        { name: "stall", max_concurrency: 8, num_prompts: 100000, random_input_len: 8, random_output_len: 4 },
      ],
    });
    const out = path.join(dir, "stalled");
    const run = cli(["run", "--base-url", sim.url, "--config", cfg, "--output-dir", out]);
    await until(async () => (await completed(sim.url)) >= 50);
    await setFaults(sim.url, { stallBeforeFirstTokenMs: 60_000 });
    // Let the slots fill with stalled streams: no completion for a while.
    let last = await completed(sim.url);
    await until(async () => {
      await new Promise((r) => setTimeout(r, 500));
      const now = await completed(sim.url);
      const still = now === last;
      last = now;
      return still;
    });
    const t0 = performance.now();
    run.child.kill("SIGTERM");
    const { code, exitedAt } = await run.done;
    expect(code, run.err()).toBe(3);
    expect(exitedAt - t0).toBeLessThan(10_000);
    expect(run.err()).toMatch(/SIGTERM: sending stopped; in-flight requests are cut within 10 s/);
    const { json } = latestFiles(out);
    expect(json[0].partial).toBe(true);
    expect(json[0].completed).toBeGreaterThanOrEqual(50);
    expect(json[0].errors_by_type.connection).toBe(8); // the eight stalled streams, cut
    sim.kill();
  }, 120_000);

  it("a second signal writes what was measured and exits at once", async () => {
    const sim = await spawnFaultSim(["--fixed-ttft-ms", "5", "--fixed-itl-ms", "2"]);
    sims.push(sim);
    const cfg = scenario("twice", {
      scenarios: [
        { name: "twice", max_concurrency: 8, num_prompts: 100000, random_input_len: 8, random_output_len: 4 },
      ],
    });
    const out = path.join(dir, "twice");
    // A long grace, so only the second signal can explain a quick exit.
    const run = cli(["run", "--base-url", sim.url, "--config", cfg, "--output-dir", out, "--stop-grace", "60"]);
    await until(async () => (await completed(sim.url)) >= 30);
    await setFaults(sim.url, { stallBeforeFirstTokenMs: 60_000 });
    await new Promise((r) => setTimeout(r, 1000));
    run.child.kill("SIGTERM");
    await until(() => /SIGTERM: sending stopped/.test(run.err()));
    const t0 = performance.now();
    run.child.kill("SIGTERM");
    const { code, exitedAt } = await run.done;
    expect(code, run.err()).toBe(3);
    expect(exitedAt - t0).toBeLessThan(3000);
    expect(run.err()).toMatch(/SIGTERM again: writing what was measured and exiting now/);
    const { json } = latestFiles(out);
    expect(json[0].partial).toBe(true);
    expect(json[0].completed).toBeGreaterThanOrEqual(30);
    sim.kill();
  }, 120_000);
});
