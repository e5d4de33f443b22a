import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../bench/sim";
import { runBenchmark } from "../../bench/client/run";
import { NO_FAULTS, setFaults, startFaultSim, startProxy } from "./fault-sim";
import { latest, runHarness } from "./run-files";

// In-process halves of the nothing-lost cases that take seconds each (a dead server, a signal
// while every slot is stalled, a loading server); the fast ones are in nothing-lost.test.ts, the
// CLI-process must-shows in nothing-lost.slow.test.ts.

let sim: RunningSimulator;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-lost-"));
beforeAll(async () => {
  sim = await startFaultSim({ fixedTtftMs: 5, fixedItlMs: 2 });
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function simCompleted(): Promise<number> {
  const m = await (await fetch(`${sim.url}/metrics`)).text();
  return [...m.matchAll(/^vllm:request_success_total\{[^}]*\} (\S+)$/gm)].reduce((a, x) => a + Number(x[1]), 0);
}

const { scenarioFile, opts } = runHarness(dir, () => sim.url);

describe("a server that dies mid-run", () => {
  // The same past the pre-sized prompt window, with the server's process SIGKILLed: nothing-lost.slow.test.ts.
  it("valid partial JSON and CSV with the completed requests, the next scenario not started, exit 3", async () => {
    const proxy = await startProxy(sim.url);
    const cfg = scenarioFile({
      scenarios: [
        { name: "big", max_concurrency: 4, num_prompts: 150, random_input_len: 8, random_output_len: 4 },
        { name: "never", num_prompts: 2 },
      ],
    });
    const o = opts(cfg, { baseUrl: proxy.url });
    const run = runBenchmark(o);
    // Kill once requests have completed (the simulator's own count, not a guessed delay).
    const before = await simCompleted();
    for (let i = 0; i < 1200; i++) {
      if ((await simCompleted()) - before >= 20) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    proxy.kill();
    const out = await run;
    expect(out.exitCode).toBe(3);
    expect(out.results).toHaveLength(1); // the next scenario is not started against a dead server
    const { json, summary } = latest(o.outputDir);
    expect(json[0]).toMatchObject({
      scenario: "big",
      partial: true,
      stop_reason: expect.stringMatching(/server unreachable: .*ECONNREFUSED on 8 requests in a row/),
    });
    expect(json[0].completed).toBeGreaterThan(0);
    expect(json[0].requests.length).toBeLessThan(150);
    expect(summary[0].split(",")[0]).toBe("partial");
    expect(summary[1].split(",")[0]).toBe("true");
  });
});

describe("a signal while every slot waits on a stalled server", () => {
  it.each([
    ["main run", { num_warmups: 0 }],
    ["warm-up", { num_warmups: 4 }],
  ])("during the %s: stops at once, cuts in-flight requests within the grace, writes, exit 3", async (_, extra) => {
    await setFaults(sim.url, { stallBeforeFirstTokenMs: 60_000 });
    try {
      const ctl = new AbortController();
      const o = opts(
        scenarioFile({
          scenarios: [
            {
              name: "stalled",
              max_concurrency: 4,
              num_prompts: 50,
              random_input_len: 8,
              random_output_len: 4,
              ...extra,
            },
          ],
        }),
        { signal: ctl.signal, stopGraceS: 2 },
      );
      const run = runBenchmark(o);
      await new Promise((r) => setTimeout(r, 800)); // every slot is now waiting on the 60 s stall
      const t0 = performance.now();
      ctl.abort();
      const out = await run;
      const took = performance.now() - t0;
      expect(out.exitCode).toBe(3);
      expect(took).toBeLessThan(2000); // the grace, not the 60 s stall
      const { json } = latest(o.outputDir);
      expect(json[0].partial).toBe(true);
      expect(json[0].requests.length).toBe(extra.num_warmups ? 0 : 4); // warm-ups are never recorded
      expect(json[0].failed).toBe(json[0].requests.length);
    } finally {
      await setFaults(sim.url, NO_FAULTS);
    }
  });
});

describe("readiness", () => {
  it("waits for /health 200 (a proxy answers /v1/models while the engine behind it still loads), then runs with no failure", async () => {
    // vLLM itself refuses connections until its engine is built (the simulator does the same); a
    // proxy or gateway in front of it answers /v1/models early while /health is still 503.
    const engine = await startFaultSim({ fixedTtftMs: 5, fixedItlMs: 2 });
    const readyAt = Date.now() + 2500;
    const loading = await startProxy(engine.url, { health: () => (Date.now() < readyAt ? 503 : undefined) });
    try {
      const o = opts(
        scenarioFile({ scenarios: [{ name: "r", num_prompts: 4, random_input_len: 4, random_output_len: 2 }] }),
        { baseUrl: loading.url, readyTimeoutS: 30 },
      );
      expect((await fetch(`${loading.url}/v1/models`)).status).toBe(200);
      expect((await fetch(`${loading.url}/health`)).status).toBe(503);
      const out = await runBenchmark(o);
      expect(Date.now()).toBeGreaterThanOrEqual(readyAt);
      expect(out.results[0].result).toMatchObject({ completed: 4, failed: 0 });
    } finally {
      loading.kill();
      await engine.close();
    }
  });
});
