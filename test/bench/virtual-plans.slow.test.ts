// A small study as `npm run bench:plan-virtual` runs it (perf/plan-virtual.ts): the engine's
// long-run limit in virtual time, full plans near it, and the command's report, in about 20 s.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { FULL } from "../../bench/plan/modes";
import { SHAPES } from "../../perf/plan-shapes";
import { errorSpread, virtualLimit } from "../../perf/virtual-plans";

const root = path.resolve(import.meta.dirname, "../..");

describe("the plan's error over seeds, in virtual time", () => {
  it("finds a long-run limit where the pooled P95 crosses the SLO, and full plans land near it", async () => {
    const s = SHAPES["decode-bound"];
    const limit = virtualLimit(s, 1, 300);
    // The engine's capacity for this shape: above the real simulator's (no event-loop delays).
    expect(limit.rate).toBeGreaterThan(20);
    expect(limit.rate).toBeLessThan(28);
    const e = await errorSpread(s, FULL, limit.rate, 3);
    expect(e.none).toBe(0);
    expect(Math.abs(e.median)).toBeLessThan(0.1);
    // An answer rests on at least FULL.answerRuns runs, on top of the search's own points.
    expect(e.meanMeasuredS).toBeGreaterThanOrEqual(FULL.answerRuns * FULL.pointDurationS);
  });

  it("npm run bench:plan-virtual prints the limit and a line per mode", () => {
    const tsx = path.join(root, "node_modules/.bin/tsx");
    const ok = spawnSync(
      tsx,
      [
        "perf/plan-virtual.ts",
        "--shapes",
        "decode-bound",
        "--plans",
        "2",
        "--limit-windows",
        "1",
        "--limit-seconds",
        "300",
      ],
      { cwd: root, encoding: "utf8" },
    );
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^decode-bound: long-run limit \d+\.\d\d req\/s \(P95s over 1 runs of 300 s/);
    expect(ok.stdout).toMatch(/\n {2}full {2}above the limit in \d of 2 plans/);
    expect(ok.stdout).toMatch(/\n {2}quick above the limit in \d of 2 plans/);
  });

  it("stopped after its first setting, --json keeps that setting's figures", async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-virtual-")), "study.json");
    const args = ["--shapes", "decode-bound,prefill-bound", "--modes", "quick", "--plans", "2", "--limit-windows", "1"];
    const child = spawn(
      path.join(root, "node_modules/.bin/tsx"),
      ["perf/plan-virtual.ts", ...args, "--limit-seconds", "300", "--json", out],
      { cwd: root },
    );
    let stdout = "";
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    child.stdout.on("data", (d: Buffer) => {
      stdout += String(d);
      // The second setting has begun (the first is written by then): stop before its plans end.
      if (/prefill-bound: long-run limit/.test(stdout)) child.kill("SIGTERM");
    });
    await exited;
    expect(stdout).not.toMatch(/prefill-bound: long-run limit .*\n.*quick/);
    const study = JSON.parse(fs.readFileSync(out, "utf8")) as Record<string, { limit: { rate: number } }>;
    expect(Object.keys(study)).toEqual(["decode-bound"]);
    expect(study["decode-bound"]).toMatchObject({
      limit: { rate: expect.any(Number) },
      quick: { plans: 2 },
    });
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });
});
