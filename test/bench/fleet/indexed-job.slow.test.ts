// `npm run synth` with benchmark.shards: 4 renders a valid Indexed Job, and
// four shard processes given exactly the env that Job gives its pods (JOB_COMPLETION_INDEX from
// Kubernetes, the rest from the rendered container) merge into one valid result.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseScenarioFile } from "../../../bench/contract";
import { startSimulator, type RunningSimulator } from "../../../bench/sim";
import { unknownFields, validateSchema } from "../../charts/schema";
import { numpyPercentile, resultsFiles, root, runCli } from "./helpers";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-indexed-"));
let sim: RunningSimulator;
let pushgateway: http.Server;
const pushes: string[] = [];
beforeAll(async () => {
  sim = await startSimulator({ fixedTtftMs: 30, fixedItlMs: 5 });
  // A stand-in Pushgateway on loopback: it only records which groups were pushed.
  pushgateway = http.createServer(
    (req, res) => (pushes.push(`${req.method} ${req.url}`), req.resume(), req.on("end", () => res.end())),
  );
  await new Promise<void>((r) => pushgateway.listen(0, "127.0.0.1", r));
});
afterAll(async () => {
  await sim.close();
  await new Promise((r) => pushgateway.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("benchmark.shards: 4 end to end on this machine", () => {
  it("synth renders the Indexed Job; four shards with the Job's env run and the last one merges", async () => {
    const stack = path.join(dir, "Pulumi.shards.yaml");
    fs.writeFileSync(
      stack,
      fs
        .readFileSync(path.join(root, "Pulumi.eks.yaml"), "utf8")
        .replace(
          /^config:\n/m,
          "config:\n  vllm-k8s:benchmark:\n    shards: 4\n    sharedResultsStorageClass: efs-sc\n",
        ),
    );
    const out = path.join(dir, "dist");
    const synth = spawnSync(
      path.join(root, "node_modules/.bin/tsx"),
      ["scripts/synth.ts", "--stack", stack, "--out", out],
      { cwd: root, encoding: "utf8" },
    );
    expect(synth.status, synth.stderr).toBe(0);
    const objs = parseAllDocuments(fs.readFileSync(path.join(out, "40-benchmark.yaml"), "utf8")).map((d) => d.toJS());
    expect(objs.map((o) => o.kind)).toEqual(["ServiceAccount", "ConfigMap", "PersistentVolumeClaim", "CronJob"]);
    for (const o of objs) {
      await validateSchema(o);
      expect(unknownFields(o), o.kind).toEqual([]);
    }
    const [, cm, , cron] = objs;
    const job = cron.spec.jobTemplate.spec;
    expect(job).toMatchObject({ completionMode: "Indexed", completions: 4, parallelism: 4 });

    // The pod's env as the kubelet would resolve it: the Job's values, the job-name label for
    // BENCH_RUN_ID, JOB_COMPLETION_INDEX from the controller; only the addresses and paths are this machine's.
    const container = job.template.spec.containers[0];
    const config = path.join(dir, "scenario.json");
    fs.writeFileSync(config, cm.data["scenario.json"]);
    const results = path.join(dir, "results");
    const pushUrl = `http://127.0.0.1:${(pushgateway.address() as AddressInfo).port}`;
    const local: Record<string, string> = {
      MODEL_ENDPOINT: sim.url,
      CONFIG_PATH: config,
      OUTPUT_DIR: results,
      PUSHGATEWAY_URL: pushUrl,
    };
    const env = (index: number): Record<string, string> => {
      const e: Record<string, string> = { JOB_COMPLETION_INDEX: String(index) };
      for (const v of container.env) {
        if (v.valueFrom?.fieldRef?.fieldPath === "metadata.labels['job-name']") e[v.name] = "vllm-bench-manual-1";
        else if (v.value !== undefined) e[v.name] = local[v.name] ?? v.value;
      }
      expect(
        Object.keys(local).every((k) => k in e),
        "the Job sets every variable we replace",
      ).toBe(true);
      return e;
    };
    const runs = await Promise.all([0, 1, 2, 3].map((i) => runCli(container.args, env(i), 120_000)));
    for (const r of runs) expect(r.code, r.stderr + r.stdout.slice(-1500)).toBe(0);
    expect(runs.filter((r) => /Merged 4 shards/.test(r.stdout))).toHaveLength(1);

    // One merged result per scenario, in the run's folder on the shared volume, covering every request.
    const runDir = path.join(results, "vllm-bench-manual-1");
    const files = resultsFiles(runDir);
    const file = parseScenarioFile(JSON.parse(cm.data["scenario.json"]), "smoke");
    for (const sc of file.scenarios) {
      const merged = JSON.parse(fs.readFileSync(path.join(runDir, `${sc.name}.results.json`), "utf8"));
      expect(files.get(sc.name)).toBeDefined();
      expect(merged).toMatchObject({ shards: 4, completed: sc.num_prompts, failed: 0, num_prompts: sc.num_prompts });
      const ids = merged.requests
        .map((r: any) => Number(r.request_id.split("-").pop()) - sc.num_warmups)
        .sort((a: number, b: number) => a - b);
      expect(ids).toEqual(Array.from({ length: sc.num_prompts }, (_, i) => i));
      const ttft = merged.requests.map((r: any) => r.ttft_ms);
      expect(merged.p95_ttft_ms).toBeCloseTo(numpyPercentile(ttft, 95), 9);
      expect(merged.p99_itl_ms).toBeCloseTo(
        numpyPercentile(
          merged.requests.flatMap((r: any) => r.itl_ms),
          99,
        ),
        9,
      );
      expect(merged.thresholds.every((t: any) => t.passed)).toBe(true);
      // Every shard also kept its own share.
      for (const i of [0, 1, 2, 3])
        expect(
          JSON.parse(fs.readFileSync(path.join(runDir, `shard-${i}.json`), "utf8")).scenarios.find(
            (s: any) => s.result.scenario === sc.name,
          ).records.length,
        ).toBeGreaterThan(0);
    }
    // Only the merged run is pushed: once per scenario.
    expect(
      pushes
        .filter((p) => p.startsWith("PUT"))
        .map((p) => p.split("/scenario/")[1])
        .sort(),
    ).toEqual(file.scenarios.map((s) => s.name).sort());
  });
});
