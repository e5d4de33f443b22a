import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../bench/sim";
import { planRun, runBenchmark } from "../../bench/client/run";
import { startFaultSim } from "./fault-sim";
import { mutate, mutation } from "./scenario-mutations";

// "Accepted" must mean runnable: mutants of a valid file that the schema accepts are run for real
// (stopped by a signal after a few seconds when they are long) and must write valid files.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-mutants-"));
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startFaultSim({ fixedTtftMs: 2, fixedItlMs: 1 });
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("property: accepted mutants run", () => {
  it("run to the end or stop on a signal, with valid files and no crash", async () => {
    const accepted: string[] = [];
    for (const [i, m] of fc.sample(mutation, { numRuns: 400, seed: 7 }).entries()) {
      const file = path.join(dir, `m${i}.json`);
      fs.writeFileSync(file, JSON.stringify(mutate(m)));
      try {
        planRun({ config: file });
        accepted.push(file);
      } catch {
        // refused: scenario-inputs.test.ts checks the message
      }
      if (accepted.length === 10) break;
    }
    expect(accepted).toHaveLength(10);
    for (const config of accepted) {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), 4000);
      const outputDir = path.join(dir, `out-${path.basename(config, ".json")}`);
      const out = await runBenchmark({
        baseUrl: sim.url,
        config,
        outputDir,
        seed: 1,
        timeoutMs: 3000,
        stopGraceS: 2,
        signal: ctl.signal,
        log: () => {},
      });
      clearTimeout(timer);
      expect([0, 1, 3], config).toContain(out.exitCode);
      const run = path.join(outputDir, "latest");
      for (const r of out.results) {
        const json = JSON.parse(fs.readFileSync(path.join(run, `${String(r.result.scenario)}.results.json`), "utf8"));
        expect(json.requests.length).toBe(json.completed + json.failed);
      }
    }
  }, 240_000);
});
