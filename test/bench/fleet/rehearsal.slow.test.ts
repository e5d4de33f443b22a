// The autoscaling rehearsal preset, against the built-in simulator, yields a
// timeline that shows the ramp (and the latency of a replica pushed past its capacity); and the
// cluster side of the timeline is read from a real Prometheus.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBenchmark } from "../../../bench/client/run";
import { loadScenarioFile } from "../../../bench/client/scenario";
import { presetText } from "../../../bench/contract";
import { readCluster, type RehearsalSecond } from "../../../bench/fleet/rehearsal";
import { importOpenMetrics } from "../../../perf/queries/tsdb";
import { startSimulator, type RunningSimulator } from "../../../bench/sim";
import { findPrometheus, runPrometheus } from "../../../scripts/dev/prometheus";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-rehearsal-"));
let sim: RunningSimulator;
beforeAll(async () => {
  // One small replica (12 sequences at a time): ~28 requests/s of 32 tokens, below the preset's peak of 40/s.
  sim = await startSimulator({ maxNumSeqs: 12 });
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

describe("the autoscaling rehearsal", () => {
  it("the preset's ramp (time scaled 1/100) shows in the per-second timeline: trickle, rise, hold, fall", async () => {
    // The preset as its file says it (the loaded form has parsed lists where the file has strings).
    const preset = JSON.parse(presetText("rehearsal")) as { scenarios: Record<string, unknown>[] };
    const sc = loadScenarioFile("rehearsal").scenarios[0];
    const K = 1 / 100;
    const profile = sc.rate_profile!.map(([t, r]) => [t * K, r]);
    const cfg = path.join(dir, "rehearsal.json");
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        ...preset,
        scenarios: [
          {
            ...preset.scenarios[0],
            name: "rehearsal",
            random_output_len: 32,
            random_input_len: 64,
            rate_profile: profile,
          },
        ],
      }),
    );
    const lines: string[] = [];
    const { results } = await runBenchmark({
      baseUrl: sim.url,
      config: cfg,
      outputDir: path.join(dir, "out"),
      seed: 3,
      timeoutMs: 60_000,
      log: (l) => lines.push(l),
    });
    const r = results[0];
    const tl = r.result.timeline as RehearsalSecond[];
    expect(tl.length).toBeGreaterThanOrEqual(Math.floor(profile.at(-1)![0]));
    const [, [tUp], [tHold], [tDown], [tEnd]] = profile as [number, number][];
    const window = (a: number, b: number) => tl.filter((s) => s.t >= Math.ceil(a) && s.t + 1 <= Math.floor(b));
    const sent = (a: number, b: number) => mean(window(a, b).map((s) => s.started));
    // Planned: 0.5/s, then up to 40/s, 40/s held, then down (Poisson counts per second: wide bounds).
    expect(sent(0, tUp)).toBeLessThan(4);
    expect(sent(tHold, tDown)).toBeGreaterThan(28);
    expect(sent(tHold, tDown)).toBeLessThan(52);
    expect(sent(tUp, (tUp + tHold) / 2)).toBeLessThan(sent((tUp + tHold) / 2, tHold));
    expect(sent(tDown + 1, tEnd)).toBeLessThan(sent(tHold, tDown));
    // Past the replica's capacity the queue grows: TTFT at the end of the hold far above the trickle's.
    const ttft = (a: number, b: number) =>
      Math.max(...window(a, b).flatMap((s) => (s.ttft_p95_ms === null ? [] : [s.ttft_p95_ms])));
    expect(ttft(tDown - 2, tDown)).toBeGreaterThan(3 * ttft(0, tUp + 1));
    // Every request is in the timeline once; the console shows the table with the SLO marks.
    expect(tl.reduce((a, s) => a + s.started, 0)).toBe(r.records.length);
    expect(r.result.num_prompts).toBe(r.records.length);
    expect(lines.join("\n")).toMatch(/Timeline \(every \d+ s; ! = above ttft_p95_ms 2000, itl_p95_ms 100\)/);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, "out", "latest", "rehearsal.results.json"), "utf8"));
    expect(saved.timeline).toEqual(tl);
  });

  it.skipIf(!findPrometheus())(
    "reads HPA replicas, pending GPU pods and GPU nodes per second from a real Prometheus",
    async () => {
      // kube-state-metrics series as it exposes them, 120 s of them, one hour ago, imported with promtool.
      const start = Math.floor(Date.now() / 1000) - 3600;
      const fams: Record<string, [string, (t: number) => number | undefined][]> = {
        kube_horizontalpodautoscaler_status_desired_replicas: [
          ['horizontalpodautoscaler="keda-hpa-vllm",namespace="vllm"', (t) => (t < 30 ? 1 : 3)],
          ['horizontalpodautoscaler="other",namespace="x"', () => 9],
        ],
        kube_horizontalpodautoscaler_status_current_replicas: [
          ['horizontalpodautoscaler="keda-hpa-vllm",namespace="vllm"', (t) => (t < 60 ? 1 : 3)],
        ],
        kube_pod_status_phase: [
          ['namespace="vllm",pod="vllm-b",phase="Pending"', (t) => (t >= 30 && t < 60 ? 1 : 0)],
          ['namespace="vllm",pod="vllm-b",phase="Running"', (t) => (t >= 60 ? 1 : 0)],
          ['namespace="x",pod="cpu-only",phase="Pending"', () => 1],
        ],
        kube_pod_container_resource_requests: [
          [
            'namespace="vllm",pod="vllm-b",container="vllm",resource="nvidia_com_gpu",unit="integer"',
            (t) => (t >= 30 ? 1 : undefined),
          ],
          ['namespace="x",pod="cpu-only",container="c",resource="cpu",unit="core"', () => 1],
        ],
        kube_node_status_capacity: [
          ['node="gpu-1",resource="nvidia_com_gpu",unit="integer"', () => 1],
          ['node="gpu-2",resource="nvidia_com_gpu",unit="integer"', (t) => (t >= 60 ? 1 : undefined)],
          ['node="cpu-1",resource="cpu",unit="core"', () => 2],
        ],
      };
      const text: string[] = [];
      for (const [name, series] of Object.entries(fams)) {
        text.push(`# TYPE ${name} gauge`);
        for (const [labels, f] of series)
          for (let t = 0; t < 120; t++) if (f(t) !== undefined) text.push(`${name}{${labels}} ${f(t)} ${start + t}`);
      }
      const om = path.join(dir, "ksm.om");
      fs.writeFileSync(om, `${text.join("\n")}\n# EOF\n`);
      const data = path.join(dir, "tsdb");
      fs.mkdirSync(data);
      await importOpenMetrics(om, data);
      const cfg = path.join(dir, "prometheus.yml");
      fs.writeFileSync(cfg, "global: {}\n");
      const prom = await runPrometheus(findPrometheus()!, cfg, data);
      try {
        const rows = await readCluster(prom.url, start, 120, "keda-hpa-vllm");
        const col = (k: keyof (typeof rows)[0]) => rows.map((r) => r[k]);
        expect(col("hpa_desired_replicas")).toEqual(Array.from({ length: 120 }, (_, t) => (t < 30 ? 1 : 3)));
        expect(col("hpa_current_replicas")).toEqual(Array.from({ length: 120 }, (_, t) => (t < 60 ? 1 : 3)));
        expect(col("gpu_pods_pending")).toEqual(Array.from({ length: 120 }, (_, t) => (t >= 30 && t < 60 ? 1 : 0)));
        expect(col("gpu_nodes")).toEqual(Array.from({ length: 120 }, (_, t) => (t < 60 ? 1 : 2)));
      } finally {
        await prom.stop();
      }
    },
  );
});
