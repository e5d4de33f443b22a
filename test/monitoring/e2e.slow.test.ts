import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBenchmark, type RunOutcome } from "../../bench/client/run";
import { startSimulator, type RunningSimulator } from "../../bench/sim";
import { requestRateTriggerQuery } from "../../monitoring/autoscaling";
import { allDashboards } from "../../monitoring/dashboards";
import { GPU_NODE_LABEL, REC } from "../../monitoring/recorded";
import { alertThresholdsSchema } from "../../monitoring/thresholds";
import { startLocalMonitoring, type LocalMonitoring } from "../../scripts/local-monitoring";
import { alertStates } from "../../scripts/local-monitoring/report";
import { eventually } from "../../scripts/dev/eventually";
import { FAKE_GPU_NODES, startFakeExporters } from "./fake-exporters";
import { withoutGrafanaVariables } from "./promql-names";

// The simulator under load, a real Prometheus (Debian package) scraping it with our recording and
// alert rules, and fake DCGM / kube-state-metrics / autoscaler / Pushgateway series: every
// dashboard query and the adapter query return data; injected faults make the matching alerts go
// pending.

const NS = "local";
let sim: RunningSimulator;
let fake: Awaited<ReturnType<typeof startFakeExporters>>;
let mon: LocalMonitoring;
const stopLoad = new AbortController();
let load: Promise<void>;
let benchOutcome: RunOutcome | undefined;
let simStarted = 0;
let dir: string | undefined;

/** One streamed request outside the benchmark (the burst that fills the TTFT window). */
async function oneRequest() {
  try {
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        messages: [{ role: "user", content: "hello there, tell me a story" }],
        max_tokens: 24,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    await res.text();
  } catch {
    // faults drop connections; the load just goes on
  }
}

beforeAll(async () => {
  sim = await startSimulator({ host: "127.0.0.1", port: 0, model: "sim-model", speedup: 4 });
  simStarted = Date.now();
  // Warm-up before Prometheus' first scrape, so the slow first (cold) requests stay out of every
  // rate window: with ~100 requests in the window at check time, six slow ones move the P95.
  await Promise.all(Array.from({ length: 12 }, () => oneRequest()));
  fake = await startFakeExporters(NS);
  const started = await startLocalMonitoring({
    targets: [`127.0.0.1:${sim.port}`],
    extraJobs: [{ job: "fake-exporters", targets: [fake.target], honorLabels: true }],
    // A TTFT threshold a short test can cross (0.25 s is a vLLM TTFT bucket boundary), far above
    // the healthy P95 (~0.01 s): at 0.1 s one 100 ms stall of a loaded CI machine crossed it.
    thresholds: alertThresholdsSchema.parse({ ttftP95Seconds: 0.25 }),
  });
  if (!started) throw new Error("prometheus is not on PATH (install the Debian package `prometheus`; .ci/run does)");
  mon = started;
  // The benchmark client as load: one long scenario, stopped through its abort signal in afterAll.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-e2e-bench-"));
  const scenario = {
    name: "e2e-load",
    defaults: { backend: "openai-chat", dataset_type: "random" },
    scenarios: [
      {
        name: "steady",
        max_concurrency: 6,
        num_prompts: 3000,
        duration: 600,
        random_input_len: 64,
        random_output_len: 24,
      },
    ],
    thresholds: {},
  };
  fs.writeFileSync(path.join(dir, "scenario.json"), JSON.stringify(scenario));
  load = runBenchmark({
    baseUrl: sim.url,
    config: path.join(dir, "scenario.json"),
    outputDir: dir,
    seed: 1,
    timeoutMs: 60_000,
    log: () => {},
    signal: stopLoad.signal,
  }).then((outcome) => {
    benchOutcome = outcome;
  });
  await eventually("recorded E2E P95", async () =>
    (await mon.prometheus.query(REC.latency.e2e.p95.record)).some((r) => Number.isFinite(Number(r.value[1]))),
  );
  // The fake exporters are another scrape job with its own first-scrape offset: wait for a GPU
  // record and for a counter's second sample (increase() needs two), as a dashboard would.
  await eventually(
    "fake exporter series",
    async () =>
      (await mon.prometheus.query(REC.gpu.count.record)).length > 0 &&
      (await mon.prometheus.query("increase(cluster_autoscaler_scaled_up_nodes_total[15m])")).length > 0,
  );
}, 60_000);

afterAll(async () => {
  stopLoad.abort();
  await load;
  await mon?.stop();
  await fake?.close();
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("monitoring content against a real Prometheus", () => {
  it("every dashboard panel query returns data", async () => {
    const empty: string[] = [];
    let n = 0;
    for (const d of allDashboards()) {
      for (const p of (
        d.json.panels as Array<{ type: string; title: string; targets?: { expr: string }[]; panels?: unknown[] }>
      ).filter((x) => x.type !== "row")) {
        for (const t of p.targets ?? []) {
          n++;
          const result = await mon.prometheus.query(withoutGrafanaVariables(t.expr));
          if (result.length === 0) empty.push(`${d.uid} / ${p.title}: ${t.expr}`);
        }
      }
    }
    expect(n).toBeGreaterThan(60);
    expect(empty).toEqual([]);
  }, 30_000);

  it("GPU dashboard: the Node variable lists nodes of both dcgm-exporter label spellings, and every GPU panel has data for each", async () => {
    const gpus = allDashboards().find((d) => d.uid === "vllm-gpus")!.json as {
      templating: { list: { name: string; query: string | { query: string } }[] };
      panels: { type: string; title: string; targets?: { expr: string }[] }[];
    };
    const variable = gpus.templating.list.find((v) => v.name === "node")!;
    const query = typeof variable.query === "string" ? variable.query : variable.query.query;
    const m = /^label_values\((.+), (\w+)\)$/.exec(query);
    expect(m, query).not.toBeNull();
    // label_values(metric, label) as Grafana runs it: the label's values over the matching series.
    const values = await mon.prometheus.labelValues(m![2], m![1]);
    expect(values.sort()).toEqual([FAKE_GPU_NODES.lower, FAKE_GPU_NODES.upper]);
    const empty: string[] = [];
    let n = 0;
    for (const node of values) {
      for (const p of gpus.panels.filter((x) => x.type !== "row")) {
        for (const t of p.targets ?? []) {
          if (!t.expr.includes("$node")) continue;
          n++;
          const result = await mon.prometheus.query(withoutGrafanaVariables(t.expr.replaceAll("$node", node)));
          if (!result.some((r) => r.metric[GPU_NODE_LABEL] === node)) empty.push(`${node} / ${p.title}: ${t.expr}`);
        }
      }
    }
    expect(n).toBeGreaterThanOrEqual(2 * 11);
    expect(empty).toEqual([]);
  });

  it("the capacity panel puts each pod's live rate beside the HPA target and the sustainable rate the last plan pushed, with no alert threshold drawn on it", async () => {
    const d = allDashboards().find((x) => x.uid === "vllm-capacity")!;
    const panel = (
      d.json.panels as Array<{
        title: string;
        targets: { expr: string; legendFormat: string }[];
        fieldConfig?: { defaults?: { thresholds?: { steps?: { value: number | null }[] } } };
      }>
    ).find((p) => /^Request rate per pod/.test(p.title))!;
    const byLegend = async (re: RegExp) =>
      mon.prometheus.query(withoutGrafanaVariables(panel.targets.find((t) => re.test(t.legendFormat))!.expr));
    const pods = await byLegend(/^\{\{pod\}\}$/);
    expect(pods.map((r) => r.metric.pod)).toContain("vllm-0");
    expect(Number((await byLegend(/^HPA target/))[0].value[1])).toBe(5);
    expect(Number((await byLegend(/^sustainable/))[0].value[1])).toBe(12.5); // the fake Pushgateway's plan
    // A VllmCapacityLow threshold on this panel was taken for the HPA target, so there is none.
    expect((panel.fieldConfig?.defaults?.thresholds?.steps ?? []).filter((s) => s.value !== null)).toEqual([]);
  });

  it("KEDA's trigger query returns one positive value (the namespace's served request rate)", async () => {
    const r = await mon.prometheus.query(requestRateTriggerQuery(NS));
    expect(r.length).toBe(1);
    expect(Number(r[0].value[1])).toBeGreaterThan(0);
  });

  it("no alert is pending on a healthy simulator", async () => {
    const names = (await alertStates(mon.prometheus)).map((a) => a.name);
    expect(names).not.toContain("VllmHighErrorRate");
    expect(names).not.toContain("VllmHighTTFT");
  });

  it("injected errors and a slowed engine make VllmHighErrorRate and VllmHighTTFT go pending", async () => {
    // A 100x slower engine (a throttled GPU) as the engine's own TTFT histogram sees it; a burst of
    // requests puts enough slow first tokens into the 5-minute window to move the P95 (to ~0.4 s
    // at 50x, measured; 100x doubles the engine steps again).
    sim.setFaults({ errorRate: 0.5, errorStatus: 500, slowdown: 100 });
    const burst = Promise.all(Array.from({ length: 60 }, () => oneRequest()));
    const states = await eventually(
      "both alerts pending or firing",
      async () => {
        const names = new Set((await alertStates(mon.prometheus)).map((a) => a.name));
        return names.has("VllmHighErrorRate") && names.has("VllmHighTTFT") && names;
      },
      40_000,
    );
    expect(states.has("VllmHighErrorRate")).toBe(true);
    const report = await mon.report((Date.now() - simStarted) / 1000);
    expect(report).toMatch(/pending\s+VllmHighErrorRate/);
    expect(report).toMatch(/request rate \(mean over the run's \d+ s\)\s+\d/);
    sim.setFaults({ errorRate: 0, slowdown: 1 });
    await burst;
  }, 60_000);

  it("the benchmark load was measured and counted the injected errors", async () => {
    stopLoad.abort();
    await load;
    const r = benchOutcome!.results[0].result as Record<string, number>;
    expect(r.completed).toBeGreaterThan(20);
    expect(r.failed).toBeGreaterThan(0);
  }, 30_000);
});
