import { spawn, spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "../../bench/sim";
import { loadScenarioFile } from "../../bench/client/scenario";
import { PRESETS } from "../../bench/contract";
import { cliTestEnv } from "./cli-env";

const root = path.resolve(__dirname, "../..");
const node = process.execPath;
// The tsx loader by absolute URL, so the CLI can run from any working directory.
const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
const cli = path.join(root, "bench/cli.ts");

/** Run the CLI without blocking this process (the simulator under test lives in it). */
// The CLI's own variables are cleared so a developer's shell cannot change what is tested.
const baseEnv = cliTestEnv();

function runCli(args: string[], cwd: string, timeoutMs = 60_000, env: Record<string, string> = {}) {
  const child = spawn(node, ["--import", tsx, cli, ...args], { cwd, stdio: "pipe", env: { ...baseEnv, ...env } });
  let stdout = "",
    stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))),
  );
  return { child, done };
}

async function simCompleted(): Promise<number> {
  const text = await (await fetch(`${sim.url}/metrics`)).text();
  return [...text.matchAll(/^vllm:request_success_total\{[^}]*\} (\S+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-cli-"));
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ fixedTtftMs: 20, fixedItlMs: 20 });
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("vllm-bench CLI", () => {
  it("ships presets in the scenario layout users already have", () => {
    for (const p of PRESETS) expect(loadScenarioFile(p).scenarios.length).toBeGreaterThan(0);
    const baseline = loadScenarioFile("baseline");
    expect(baseline.scenarios.map((s) => s.max_concurrency)).toEqual([10, 50, 100]);
    expect(baseline.scenarios.every((s) => s.duration === 120)).toBe(true);
    expect(baseline.thresholds).toMatchObject({
      e2el_p95_ms: 5000,
      e2el_p99_ms: 10000,
      ttft_p95_ms: 2000,
      ttft_p99_ms: 3000,
      output_rate_per_request_min: 30,
      success_rate: 0.95,
    });
  });

  it("`npx vllm-bench` works from a clean clone (the bin is a JS entry), prints usage with exit 0, and leaves git status clean", () => {
    const clone = fs.mkdtempSync(path.join(dir, "clone-"));
    const git = (args: string[], cwd = clone) => spawnSync("git", args, { cwd, encoding: "utf8" });
    expect(git(["clone", "-q", root, clone], dir).status).toBe(0);
    // `npm ci` here would download; the installed tree stands in for it.
    fs.symlinkSync(path.join(root, "node_modules"), path.join(clone, "node_modules"));
    const npx = (args: string[]) =>
      spawnSync("npx", ["--no-install", "vllm-bench", ...args], {
        cwd: clone,
        encoding: "utf8",
        env: { ...baseEnv, PATH: `${path.dirname(node)}:${process.env.PATH}` },
      });
    // npx once (it takes seconds); the other spellings through the same bin file.
    const bin = (args: string[]) =>
      spawnSync(node, [path.join(clone, "bench/vllm-bench.mjs"), ...args], {
        cwd: clone,
        encoding: "utf8",
        env: baseEnv,
      });
    for (const args of [["--help"], [], ["-h"], ["help"], ["run", "--help"], ["compare", "--help"]]) {
      const r = args[0] === "--help" ? npx(args) : bin(args);
      expect([args, r.status, r.stderr.replace(/npm warn.*\n?/g, "")], r.stderr).toEqual([args, 0, ""]);
      expect(r.stdout).toMatch(/^usage: vllm-bench/);
    }
    expect(bin(["nonsense"]).status).toBe(2);
    // npm chmods a bin target: it is committed executable, so nothing shows as modified.
    expect(
      git(["status", "--porcelain", "--ignored=no"])
        .stdout.split("\n")
        .filter((l) => l && !l.includes("node_modules")),
    ).toEqual([]);
  });

  it("exits 2 with the flag named on bad input", () => {
    const r = spawnSync(node, ["--import", tsx, cli, "run", "--request-rate", "fast"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--request-rate: "fast"/);
  });

  it("takes a ramp-up from flags or the Job's env, all three settings or none, not with --request-rate", async () => {
    const bad = (args: string[]) =>
      spawnSync(node, ["--import", tsx, cli, "run", ...args], { cwd: root, encoding: "utf8", env: baseEnv });
    let r = bad(["--ramp-up-strategy", "linear", "--ramp-up-start-rps", "2"]);
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/--ramp-up-end-rps: missing; a ramp needs/)]);
    r = bad(["--ramp-up-strategy", "steep", "--ramp-up-start-rps", "2", "--ramp-up-end-rps", "9"]);
    expect([r.status, r.stderr]).toEqual([
      2,
      expect.stringMatching(/--ramp-up-strategy: "steep" must be linear or exponential/),
    ]);
    r = bad([
      "--request-rate",
      "5",
      "--ramp-up-strategy",
      "linear",
      "--ramp-up-start-rps",
      "2",
      "--ramp-up-end-rps",
      "9",
    ]);
    expect([r.status, r.stderr]).toEqual([
      2,
      expect.stringMatching(/--request-rate and --ramp-up-strategy both set the arrival rate/),
    ]);

    // The Job's way: env vars, replacing the preset's fixed rate.
    const out = path.join(dir, "ramp-env");
    const config = path.join(dir, "ramp-env.json");
    fs.writeFileSync(
      config,
      JSON.stringify({
        scenarios: [{ name: "r", num_prompts: 6, random_input_len: 8, random_output_len: 2, request_rate: 50 }],
      }),
    );
    const run = runCli(["run", "--base-url", sim.url, "--config", config, "--output-dir", out], root, 60_000, {
      RAMP_UP_STRATEGY: "exponential",
      RAMP_UP_START_RPS: "20",
      RAMP_UP_END_RPS: "80",
      TOKENIZER: "Qwen/Qwen2.5-1.5B-Instruct",
    });
    const { code, stderr } = await run.done;
    expect(code, stderr).toBe(0);
    // DESIGN's Job env has TOKENIZER; the run says it does not need it rather than ignore it silently.
    expect(stderr).toMatch(
      /TOKENIZER=Qwen\/Qwen2.5-1.5B-Instruct is not used: prompts are sized with the server's \/tokenize/,
    );
    const results = JSON.parse(fs.readFileSync(path.join(out, "latest", "r.results.json"), "utf8"));
    expect(results).toMatchObject({
      completed: 6,
      ramp_up_strategy: "exponential",
      ramp_up_start_rps: 20,
      ramp_up_end_rps: 80,
    });
  });

  it("on SIGTERM stops sending, and still writes every result measured so far", async () => {
    const cfg = path.join(dir, "long.json");
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        name: "long",
        scenarios: [
          { name: "long", max_concurrency: 4, num_prompts: 10000, random_input_len: 10, random_output_len: 20 },
        ],
      }),
    );
    const out = path.join(dir, "out");
    const before = await simCompleted();
    const { child, done } = runCli(["run", "--base-url", sim.url, "--config", cfg, "--output-dir", out], root);
    // Interrupt once some requests have completed (not after a guessed delay).
    for (let i = 0; i < 300 && (await simCompleted()) < before + 8; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGTERM");
    const { code, stdout, stderr } = await done;
    expect(code, stderr).toBe(3);
    const json = JSON.parse(fs.readFileSync(path.join(out, "latest", "long.results.json"), "utf8"));
    expect(json.partial).toBe(true);
    expect(json.completed).toBeGreaterThanOrEqual(8);
    expect(json.completed).toBeLessThan(10000);
    expect(json.requests.length).toBe(json.completed + json.failed);
    expect(
      fs
        .readFileSync(path.join(out, "latest", "long.requests.csv"), "utf8")
        .trim()
        .split("\n"),
    ).toHaveLength(json.requests.length + 1);
    expect(fs.existsSync(path.join(out, "latest", "report.html"))).toBe(true);
    expect(stdout).toMatch(/Serving Benchmark Result/);
    expect(stdout).toMatch(/partial/);
  });

  it("with no arguments runs the smoke suite on the built-in simulator and writes results/; the HTML plots render in headless Chromium", async () => {
    const cwd = fs.mkdtempSync(path.join(dir, "noargs-"));
    // No arguments: default target (built-in simulator), preset (smoke) and output dir (results/).
    // DURATION caps each scenario's sending at 2 s only to keep the suite fast (the full smoke
    // suite takes ~20 s); the limit leaves room for a busy shared machine.
    const { code, stdout, stderr } = await runCli(["run"], cwd, 110_000, { DURATION: "2" }).done;
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/built-in vLLM simulator/);
    expect(stdout.match(/Serving Benchmark Result/g)).toHaveLength(2);
    const out = path.join(cwd, "results", "latest");
    expect(fs.readdirSync(out).sort()).toEqual([
      "light.requests.csv",
      "light.results.json",
      "moderate.requests.csv",
      "moderate.results.json",
      "report.html",
      "summary.csv",
    ]);
    const light = JSON.parse(fs.readFileSync(path.join(out, "light.results.json"), "utf8"));
    expect(light.completed).toBeGreaterThan(0);
    expect(light.failed).toBe(0);
    expect(light.requests).toHaveLength(light.completed);

    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await browser.newPage();
      // Offline: any request leaving the file would fail the page, so block and count them.
      const remote: string[] = [];
      await page.route(/^(?!file:)/, (route) => (remote.push(route.request().url()), route.abort()));
      await page.goto(pathToFileURL(path.join(out, "report.html")).href);
      const shot = path.join(dir, "report.png");
      await page.screenshot({ path: shot, fullPage: true });
      expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
      expect(remote).toEqual([]);
      const plots = await page.$$eval("svg.plot", (svgs) =>
        svgs.map((s) => {
          const box = s.getBoundingClientRect();
          const marks = [...s.querySelectorAll("rect,path")].map((e) => e.getBoundingClientRect());
          return { w: box.width, h: box.height, marks: marks.filter((m) => m.width > 0 || m.height > 0).length };
        }),
      );
      expect(plots.length).toBeGreaterThanOrEqual(9); // 3 per scenario + 3 trends across the 2 scenarios
      for (const p of plots) {
        expect(p.w).toBeGreaterThan(100);
        expect(p.h).toBeGreaterThan(50);
        expect(p.marks).toBeGreaterThan(1);
      }
    } finally {
      await browser.close();
    }
  }, 120_000);
});
