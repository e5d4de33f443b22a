import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it, onTestFinished } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");

function synth(args: string[]) {
  return spawnSync(tsx, ["scripts/synth.ts", ...args], { cwd: root, encoding: "utf8" });
}

describe("npm run synth", () => {
  it("writes every chart as YAML in apply order, plus the compose bundle", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-synth-"));
    onTestFinished(() => fs.rmSync(out, { recursive: true, force: true }));
    const r = synth(["--stack", "Pulumi.eks.yaml", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    const files = fs
      .readdirSync(out)
      .filter((f) => f.endsWith(".yaml"))
      .sort();
    expect(files).toEqual([
      "10-vllm.yaml",
      "20-monitoring-rules.yaml",
      "30-dashboards.yaml",
      "40-benchmark.yaml",
      "all.yaml",
    ]);
    const read = (f: string) => parseAllDocuments(fs.readFileSync(path.join(out, f), "utf8")).map((d) => d.toJS());
    const perChart = files.filter((f) => f !== "all.yaml").flatMap(read);
    // all.yaml is the per-chart files concatenated in apply order.
    expect(read("all.yaml")).toEqual(perChart);
    expect(r.stdout).toContain(`${perChart.length} objects`);
    const kinds = perChart.map((o) => o.kind);
    expect(kinds[0]).toBe("Namespace");
    for (const k of [
      "Deployment",
      "Service",
      "ServiceMonitor",
      "PodDisruptionBudget",
      "NetworkPolicy",
      "ScaledObject",
      "PrometheusRule",
      "ConfigMap",
    ])
      expect(kinds).toContain(k);
    expect(kinds.some((k) => k === "CronJob" || k === "Job")).toBe(true);
    expect(fs.existsSync(path.join(out, "compose", "docker-compose.yaml"))).toBe(true);
    // Secrets are references, never values.
    expect(kinds).not.toContain("Secret");
  });

  it("rejects a bad stack file before writing anything, naming the key", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-synth-bad-"));
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const stack = path.join(dir, "Pulumi.bad.yaml");
    fs.writeFileSync(stack, "config:\n  vllm-k8s:model:\n    tensorParallelSize: 3\n");
    const r = synth(["--stack", stack, "--out", path.join(dir, "dist")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/model\.tensorParallelSize/);
    expect(fs.existsSync(path.join(dir, "dist"))).toBe(false);
  });
});
