// `--workers 2` sends exactly the single process's plan and its figures are
// recomputed from the union of the workers' records, never averaged.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../../bench/client/scenario";
import { plannedArrivals } from "../../../bench/fleet/plan";
import { startSimulator, type RunningSimulator } from "../../../bench/sim";
import { numpyPercentile, resultsFiles, runCli } from "./helpers";

const TTFT = 40,
  ITL = 10,
  OUT = 8;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-workers-"));
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ fixedTtftMs: TTFT, fixedItlMs: ITL, model: "fixed" });
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Rec = {
  request_id: string;
  start_s: number;
  success: boolean;
  prompt_tokens: number;
  output_tokens: number;
  ttft_ms: number;
  tpot_ms?: number;
  e2el_ms: number;
  itl_ms: number[];
};
type Result = Record<string, number> & { requests: Rec[]; shards?: number };

describe("vllm-bench run --workers: one seeded plan, merged exactly", () => {
  it("--workers 1 and --workers 2 send the same requests on the same plan; merged percentiles are the union's", async () => {
    const cfg = path.join(dir, "plan.json");
    // Poisson arrivals at 40/s; the cap (16 per worker) stays above the ~5 streams open on average, so
    // requests leave when the plan says, not when a slot frees.
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        name: "plan",
        defaults: { metric_percentiles: "50,90,95,99" },
        scenarios: [
          {
            name: "poisson",
            max_concurrency: 32,
            num_prompts: 60,
            random_input_len: 24,
            random_output_len: OUT,
            random_range_ratio: 0.5,
            request_rate: 40,
            num_warmups: 2,
          },
        ],
      }),
    );
    const run = async (workers: number) => {
      const out = path.join(dir, `w${workers}`);
      const r = await runCli([
        "run",
        "--base-url",
        sim.url,
        "--config",
        cfg,
        "--output-dir",
        out,
        "--seed",
        "7",
        "--workers",
        String(workers),
      ]);
      expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
      return JSON.parse(fs.readFileSync(resultsFiles(out).get("poisson")!, "utf8")) as Result;
    };
    const one = await run(1);
    const two = await run(2);
    expect(two.shards).toBe(2);

    // Same requests, counts and token totals.
    for (const k of ["completed", "failed", "num_prompts", "total_input_tokens", "total_output_tokens"])
      expect(two[k], k).toBe(one[k]);
    expect(two.completed).toBe(60);
    const ids = (r: Result) => r.requests.map((x) => x.request_id).sort();
    expect(ids(two)).toEqual(ids(one));
    const byId = (r: Result) => new Map(r.requests.map((x) => [x.request_id, x]));
    const a = byId(one),
      b = byId(two);
    for (const [id, x] of a)
      expect([b.get(id)!.prompt_tokens, b.get(id)!.output_tokens], id).toEqual([x.prompt_tokens, x.output_tokens]);

    // Same arrival plan: the two workers' shares are disjoint and together the single plan, and
    // every request of both runs left no earlier than its planned offset, and typically on time.
    const sc = loadScenarioFile(cfg).scenarios[0];
    const plan = plannedArrivals(sc, 7);
    const shares = [0, 1].map((index) => plannedArrivals(sc, 7, { index, count: 2 }));
    expect([...shares[0], ...shares[1]].sort((x, y) => x.index - y.index)).toEqual(plan);
    expect(shares[0].length).toBe(30);
    for (const r of [one, two]) {
      // Request ids count warm-ups first (poisson-req-<warmups + i>).
      const late = r.requests.map(
        (x) => x.start_s - plan[Number(x.request_id.split("-").pop()) - sc.num_warmups].offset_s,
      );
      expect(Math.min(...late)).toBeGreaterThan(-0.002);
      expect(numpyPercentile(late, 50), `median lateness (s) with ${r.shards ?? 1} worker(s)`).toBeLessThan(0.05);
    }

    // Figures from the union of records: compare with a direct computation over the merged records.
    const ok = two.requests.filter((x) => x.success);
    const series = {
      ttft: ok.map((x) => x.ttft_ms),
      e2el: ok.map((x) => x.e2el_ms),
      itl: ok.flatMap((x) => x.itl_ms),
      tpot: ok.flatMap((x) => (x.tpot_ms === undefined ? [] : [x.tpot_ms])),
    };
    for (const [m, xs] of Object.entries(series)) {
      for (const p of [50, 90, 95, 99])
        expect(two[`p${p}_${m}_ms`], `p${p}_${m}`).toBeCloseTo(numpyPercentile(xs, p), 9);
      expect(two[`mean_${m}_ms`]).toBeCloseTo(xs.reduce((s, x) => s + x, 0) / xs.length, 9);
    }
    expect(two.total_output_tokens).toBe(ok.reduce((s, x) => s + x.output_tokens, 0));
    // And the latencies agree with the single run's (fixed-latency server): medians within a loaded VM's slack.
    expect(Math.abs(two.median_ttft_ms - one.median_ttft_ms)).toBeLessThan(25);
    expect(Math.abs(two.median_itl_ms - one.median_itl_ms)).toBeLessThan(5);
    expect(two.median_ttft_ms).toBeGreaterThanOrEqual(TTFT - 1);
  });

  it("rejects more workers than a scenario's concurrency with one line naming the fix", async () => {
    const cfg = path.join(dir, "tight.json");
    fs.writeFileSync(
      cfg,
      JSON.stringify({ name: "tight", scenarios: [{ name: "c2", max_concurrency: 2, num_prompts: 4 }] }),
    );
    const r = await runCli([
      "run",
      "--base-url",
      sim.url,
      "--config",
      cfg,
      "--output-dir",
      path.join(dir, "tight"),
      "--workers",
      "3",
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/3 shards but scenario c2 allows only 2 concurrent requests; use at most 2/);
  });
});
