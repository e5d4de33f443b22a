// A rehearsal run inside a pod (KUBERNETES_SERVICE_HOST and a mounted token) lists the vLLM pods from
// the Kubernetes API while it runs, saves them under `replicas` beside its timeline and prints their
// table (a fake API server on 127.0.0.1; the run itself against the simulator).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBenchmark } from "../../../bench/client/run";
import { presetText } from "../../../bench/contract";
import { startSimulator } from "../../../bench/sim";
import { hasOpenssl, pod, startFakeKubeApi } from "./fake-kube-api";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rehearsal-pods-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasOpenssl)("the rehearsal on a cluster", () => {
  it("saves each vLLM pod's stages beside the timeline and prints their table", async () => {
    const api = await startFakeKubeApi(dir);
    const sim = await startSimulator({ maxNumSeqs: 8 });
    const now = Date.now();
    api.state.pods = [pod(now, "vllm-a", { created: -300, scheduled: -150, started: -90, ready: -30 })];
    const preset = JSON.parse(presetText("rehearsal")) as { scenarios: Record<string, unknown>[] };
    const cfg = path.join(dir, "rehearsal.json");
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        ...preset,
        scenarios: [
          {
            ...preset.scenarios[0],
            random_output_len: 4,
            random_input_len: 8,
            rate_profile: [
              [0, 10],
              [0.5, 10],
            ],
          },
        ],
      }),
    );
    const saved = { ...process.env };
    Object.assign(process.env, api.env, { REHEARSAL_SERVICE_ACCOUNT_DIR: api.serviceAccountDir });
    const lines: string[] = [];
    try {
      const { results } = await runBenchmark({
        baseUrl: sim.url,
        config: cfg,
        outputDir: path.join(dir, "out"),
        seed: 1,
        timeoutMs: 10_000,
        log: (l) => lines.push(l),
      });
      const replicas = results[0].result.replicas as { pod: string; ready_s: number }[];
      expect(replicas.map((r) => r.pod)).toEqual(["vllm-a"]);
      // Ready 30 s before the pod list's clock zero, which is just before the run started.
      expect(replicas[0].ready_s).toBeLessThan(-29);
      expect(replicas[0].ready_s).toBeGreaterThan(-35);
      expect(api.seen.length).toBeGreaterThanOrEqual(2);
      const file = JSON.parse(fs.readFileSync(path.join(dir, "out", "latest", "rehearsal.results.json"), "utf8"));
      expect(file.replicas).toEqual(replicas);
      expect(lines.join("\n")).toMatch(/Replicas \(seconds since the run's start\):\n.*\nvllm-a /);
      expect(fs.readFileSync(path.join(dir, "out", "latest", "report.html"), "utf8")).toMatch(/<td>vllm-a<\/td>/);
    } finally {
      process.env = saved;
      await sim.close();
      await api.close();
    }
  });
});
