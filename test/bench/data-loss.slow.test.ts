// The ways the newer commands used to lose what a user had or what a run measured, each as the
// user met it: synth deleting files it did not write, a run or plan measuring for minutes and then
// failing on a flag or a folder it could have checked first, a plan lost to a target that went
// away, a second plan overwriting the first. (A --workers run losing a dead worker's siblings is
// in workers-survive.slow.test.ts.) Only entry points that predate the fixes are used, so each
// test can be run against the old code and seen failing.
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMain } from "../../bench/client/cli";
import { runPlan, type PlanOptions } from "../../bench/plan/plan";
import { startSimulator, type RunningSimulator } from "../../bench/sim";
import { synth } from "../../scripts/synth";

const root = path.resolve(import.meta.dirname, "../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-data-loss-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Completed requests the simulator has served (vLLM's own counter, from its /metrics). */
async function served(sim: RunningSimulator): Promise<number> {
  const text = await (await fetch(`${sim.url}/metrics`)).text();
  return [...text.matchAll(/^vllm:request_success_total\{[^}]*\} (\S+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);
}

/** A tiny scenario file: a few short requests, a second or two against the simulator. */
function scenarioFile(): string {
  const f = path.join(tmp, `tiny-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(
    f,
    JSON.stringify({
      name: "tiny",
      scenarios: [{ name: "tiny", num_prompts: 6, max_concurrency: 2, random_input_len: 16, random_output_len: 8 }],
      thresholds: { e2el_p95_ms: 60_000 },
    }),
  );
  return f;
}

describe("synth writes only what it owns", () => {
  it("1. --out DIR holding the user's own stack file: refused, the file kept", () => {
    const dir = fs.mkdtempSync(path.join(tmp, "synth-user-"));
    fs.writeFileSync(path.join(dir, "Pulumi.mine.yaml"), "config:\n  vllm-k8s:model: {}\n");
    fs.writeFileSync(path.join(dir, "notes.yaml"), "keep: me\n");
    expect(() => synth(undefined, dir)).toThrow(/^--out: .* is not empty and was not written by synth/);
    expect(fs.readdirSync(dir).sort()).toEqual(["Pulumi.mine.yaml", "notes.yaml"]);
  });

  it("2. --out . in the repository: Pulumi.yaml and both example stacks kept", () => {
    // A copy of the repository's top level: the real checkout is not risked.
    const repo = fs.mkdtempSync(path.join(tmp, "synth-repo-"));
    for (const f of ["Pulumi.yaml", "Pulumi.eks.yaml", "Pulumi.existing.yaml", "package.json"])
      fs.copyFileSync(path.join(root, f), path.join(repo, f));
    const before = fs.readdirSync(repo).sort();
    expect(() => synth(path.join(repo, "Pulumi.eks.yaml"), repo)).toThrow(/^--out: /);
    expect(fs.readdirSync(repo).sort()).toEqual(before);
    for (const f of before)
      expect(fs.readFileSync(path.join(repo, f), "utf8")).toBe(fs.readFileSync(path.join(root, f), "utf8"));
  });
});

describe("run checks its output folder before it sends a request", () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ host: "127.0.0.1", port: 0, model: "m" });
  });
  afterAll(() => sim.close());

  it("3. --output-dir is a file: refused naming the flag, nothing sent, the file untouched", async () => {
    const file = path.join(tmp, "results-file");
    fs.writeFileSync(file, "the user's file\n");
    const before = await served(sim);
    await expect(
      runMain(["--base-url", sim.url, "--config", scenarioFile(), "--output-dir", file, "--workers", "1"]),
    ).rejects.toThrow(/^--output-dir: .*results-file is a file/);
    expect(await served(sim)).toBe(before);
    expect(fs.readFileSync(file, "utf8")).toBe("the user's file\n");
  });

  it("4. --output-dir cannot be written (/proc/self): refused naming the flag, nothing sent", async () => {
    const before = await served(sim);
    await expect(
      runMain(["--base-url", sim.url, "--config", scenarioFile(), "--output-dir", "/proc/self", "--workers", "1"]),
    ).rejects.toThrow(/^--output-dir: cannot write in \/proc\/self/);
    expect(await served(sim)).toBe(before);
  });
});

describe("plan checks before it searches, and keeps every plan and point", () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ host: "127.0.0.1", port: 0, model: "m" });
  });
  afterAll(() => sim.close());

  const planOpts = (outputDir: string, over: Partial<PlanOptions> = {}): PlanOptions => ({
    baseUrl: sim.url,
    config: scenarioFile(),
    slos: { e2el_p95_ms: 60_000 },
    search: { startRps: 4, minRps: 2, maxRps: 8, precision: 0.5, maxPoints: 2, repeats: 1 },
    durationS: 2,
    warmupS: 0,
    fleet: { peakRps: 10, headroom: 0.6, alertFraction: 0.9, tensorParallelSize: 1, instanceType: "g6.xlarge" },
    outputDir,
    seed: 1,
    log: () => {},
    ...over,
  });

  it.each([
    [
      "5. an unknown --instance-type",
      { instanceType: "x9.huge" },
      /^--instance-type: x9\.huge is not in the price table/,
    ],
    ["6. --headroom above the alert fraction", { headroom: 0.95 }, /^--headroom: 0\.95 must be above 0 and below/],
    ["7. a --tensor-parallel-size no node holds", { tensorParallelSize: 8 }, /^--tensor-parallel-size: 8 GPUs per pod/],
  ])("%s: refused before the first request", async (_label, fleet, message) => {
    const out = fs.mkdtempSync(path.join(tmp, "plan-flag-"));
    const before = await served(sim);
    const o = planOpts(out);
    await expect(runPlan({ ...o, fleet: { ...o.fleet, ...fleet } })).rejects.toThrow(message);
    expect(await served(sim)).toBe(before);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it("8. the target goes away mid-plan: plan.json written, partial, with the measured point; no SLO miss", async () => {
    const out = fs.mkdtempSync(path.join(tmp, "plan-lost-"));
    const target = await startSimulator({ host: "127.0.0.1", port: 0, model: "m" });
    let closing: Promise<void> | undefined;
    const o = planOpts(out, {
      baseUrl: target.url,
      // The first point's verdict is logged once it is measured: the target dies right then.
      log: (l) => {
        if (/^rate .* req\/s/.test(l)) closing ??= target.close();
      },
    });
    const r = await runPlan(o);
    await closing;
    expect(r.exitCode).toBe(3);
    const json = JSON.parse(fs.readFileSync(path.join(out, "latest", "plan.json"), "utf8"));
    expect(json.plan).toMatchObject({ partial: true, stop: "target-lost" });
    expect(json.plan.stop_reason).toMatch(/^target lost: /);
    expect(json.plan.points.length).toBeGreaterThanOrEqual(1);
    expect(json.plan.points[0]).toMatchObject({ rate: 4, passed: true });
    expect(json.plan.points.filter((p: { passed: boolean; partial: boolean }) => !p.passed && !p.partial)).toEqual([]);
  }, 60_000);

  it("8b. a target busy after a point (its readiness probe reset): the plan waits for it and goes on", async () => {
    const out = fs.mkdtempSync(path.join(tmp, "plan-busy-"));
    // A proxy in front of the simulator that resets the first /health asked after the first
    // point, as the simulator's backlog did after a bursty point (target lost before the fix).
    let pointDone = false;
    let resets = 0;
    const proxy = http.createServer((req, res) => {
      if (pointDone && req.url === "/health" && resets === 0) {
        resets++;
        req.socket.destroy();
        return;
      }
      const up = http.request(`${sim.url}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const lines: string[] = [];
    try {
      const o = planOpts(out, {
        baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
        log: (l) => {
          lines.push(l);
          if (/^rate .* req\/s/.test(l)) pointDone = true;
        },
      });
      const r = await runPlan(o);
      expect(resets).toBe(1);
      expect(lines.some((l) => /waiting up to 30 s for it/.test(l))).toBe(true);
      expect(r.exitCode).not.toBe(3);
      const json = JSON.parse(fs.readFileSync(path.join(out, "latest", "plan.json"), "utf8"));
      expect(json.plan.partial).toBe(false);
      expect(json.plan.points.length).toBe(2);
    } finally {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  }, 60_000);

  it("9. a second plan into the same folder: each in its own folder, latest at the second, the first untouched", async () => {
    const out = fs.mkdtempSync(path.join(tmp, "plan-twice-"));
    const a = await runPlan(planOpts(out));
    const firstJson = fs.readFileSync(a.files[0], "utf8");
    const b = await runPlan(planOpts(out, { seed: 2 }));
    expect(path.dirname(a.files[0])).not.toBe(path.dirname(b.files[0]));
    expect(fs.readFileSync(a.files[0], "utf8")).toBe(firstJson);
    expect(fs.realpathSync(path.join(out, "latest"))).toBe(fs.realpathSync(path.dirname(b.files[0])));
    // Each plan's points are its own: no point folder of the first inside the second's.
    const points = (f: string) => fs.readdirSync(path.join(path.dirname(f), "points")).length;
    expect(points(a.files[0])).toBe(a.plan.plan.points.length);
    expect(points(b.files[0])).toBe(b.plan.plan.points.length);
  }, 60_000);
});
