import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "../../bench/sim";
import { composeBundle } from "../../compose/bundle";
import { monitoringContent } from "../../compose/content";
import { writeFiles } from "./bundle-files";
import { eventually } from "../../scripts/dev/eventually";
import { query, type RunningPrometheus, runBundlePrometheus as startPrometheus } from "../../scripts/dev/prometheus";

// The generated Prometheus config, run by the real binary through the bundle's own entrypoint,
// against the simulator on loopback. The only override: 1 s scrape/evaluation intervals.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "compose-live-"));
let sim: Awaited<ReturnType<typeof startSimulator>>;
let prom: RunningPrometheus;

async function load(url: string, requests: number): Promise<void> {
  const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> };
  const model = models.data[0].id;
  await Promise.all(
    Array.from({ length: requests }, () =>
      fetch(`${url}/v1/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model, prompt: "hello compose", max_tokens: 8 }),
      }).then((r) => r.text()),
    ),
  );
}

beforeAll(async () => {
  sim = await startSimulator({ speedup: 10 }); // same behaviour, 10x faster
  const files = composeBundle(monitoringContent(), { scrapeInterval: "1s", evaluationInterval: "1s" });
  const prometheusDir = path.join(dir, "prometheus");
  writeFiles(dir, Object.fromEntries(Object.entries(files).filter(([f]) => f.startsWith("prometheus/"))));
  prom = await startPrometheus(prometheusDir, path.join(dir, "data"), { VLLM_TARGETS: `127.0.0.1:${sim.port}` });
});

afterAll(async () => {
  await prom?.stop();
  await sim?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("generated Prometheus config against the simulator", () => {
  it("scrapes the vLLM target with the namespace/pod labels the cluster rules expect", async () => {
    const up = await eventually(
      "vllm target up",
      async () => (await query(prom.url, 'up{job="vllm"} == 1'))[0],
      15_000,
    );
    expect(up.metric).toMatchObject({ namespace: "docker", pod: `127.0.0.1:${sim.port}` });
  });

  it("loads every rule file and produces data for at least one recording rule under load", async () => {
    const rules = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as {
      data: {
        groups: Array<{
          file: string;
          rules: Array<{ type: string; name: string; health: string; lastError?: string }>;
        }>;
      };
    };
    const all = rules.data.groups.flatMap((g) => g.rules);
    const recording = all.filter((r) => r.type === "recording").map((r) => r.name);
    expect(recording.length).toBeGreaterThan(0);
    expect(all.some((r) => r.type === "alerting")).toBe(true);

    const withData = await eventually(
      "a recording rule with data",
      async () => {
        await load(sim.url, 8);
        for (const name of recording) if ((await query(prom.url, name)).length > 0) return name;
        return undefined;
      },
      25_000,
    );
    expect(recording).toContain(withData);
    const broken = (await (await fetch(`${prom.url}/api/v1/rules`)).json()).data.groups
      .flatMap((g: any) => g.rules)
      .filter((r: any) => r.health === "err");
    expect(broken, JSON.stringify(broken)).toEqual([]);
  });
});
