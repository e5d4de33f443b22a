// The capacity expressions over kube-state-metrics' cluster-wide series (every pod's phase, every
// node's capacity) are recording rules: dashboards and alerts read the records, and the real
// promtool shows what the records hold.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { KSM_METRICS } from "../../monitoring/catalog";
import { allDashboards } from "../../monitoring/dashboards";
import { REC } from "../../monitoring/recorded";
import { alertRuleGroups, recordingRuleGroups, renderRuleFile } from "../../monitoring/rules";
import { defaultAlertThresholds } from "../../monitoring/thresholds";
import { parsePromql } from "./promql-names";

const HEAVY = [KSM_METRICS.podPhase.name, KSM_METRICS.podRequests.name, KSM_METRICS.nodeGpuCapacity.name];
const C = REC.capacity;

function queries(): Array<{ where: string; expr: string }> {
  type Panel = { type: string; title: string; targets?: { expr: string }[]; panels?: Panel[] };
  const panels = allDashboards().flatMap((d) =>
    (d.json.panels as Panel[])
      .flatMap((p) => (p.type === "row" ? (p.panels ?? []) : [p]))
      .map((p) => ({ d: d.uid, p })),
  );
  return [
    ...panels.flatMap(({ d, p }) => (p.targets ?? []).map((t) => ({ where: `${d} / ${p.title}`, expr: t.expr }))),
    ...alertRuleGroups(defaultAlertThresholds).flatMap((g) =>
      g.rules.map((r) => ({ where: `alert ${"alert" in r ? r.alert : ""}`, expr: r.expr })),
    ),
  ];
}

const series = (name: string, labels: Record<string, string>, values: string) => ({
  series: `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`,
  values,
});

describe("capacity recording rules", () => {
  it("no dashboard query or alert reads kube-state-metrics' pod-phase, pod-request or node-capacity series", () => {
    const raw = queries().flatMap(({ where, expr }) =>
      parsePromql(expr)
        .metrics.filter((m) => HEAVY.includes(m))
        .map((m) => `${where}: ${m}`),
    );
    expect(raw).toEqual([]);
    const pending = queries()
      .filter((q) => q.expr.includes(C.gpuPodsPending.record))
      .map((q) => q.where);
    expect(pending).toEqual([
      "vllm-capacity / Pending GPU pods",
      "vllm-capacity / Pending GPU pods",
      "alert GpuPodsPending",
    ]);
  });

  it("hold the pending GPU pods, the cluster's GPUs and its GPU nodes", () => {
    const ns = { namespace: "llm" };
    const input_series = [
      // A GPU pod Pending, a CPU pod Pending, a GPU pod Running.
      series(KSM_METRICS.podPhase.name, { ...ns, pod: "gpu-wait", phase: "Pending" }, "1x20"),
      series(
        KSM_METRICS.podRequests.name,
        { ...ns, pod: "gpu-wait", container: "vllm", resource: "nvidia_com_gpu", unit: "integer" },
        "1x20",
      ),
      series(KSM_METRICS.podPhase.name, { ...ns, pod: "cpu-wait", phase: "Pending" }, "1x20"),
      series(
        KSM_METRICS.podRequests.name,
        { ...ns, pod: "cpu-wait", container: "c", resource: "cpu", unit: "core" },
        "2x20",
      ),
      series(KSM_METRICS.podPhase.name, { ...ns, pod: "gpu-run", phase: "Pending" }, "0x20"),
      series(KSM_METRICS.podPhase.name, { ...ns, pod: "gpu-run", phase: "Running" }, "1x20"),
      series(
        KSM_METRICS.podRequests.name,
        { ...ns, pod: "gpu-run", container: "vllm", resource: "nvidia_com_gpu", unit: "integer" },
        "1x20",
      ),
      // Two GPU nodes (4 and 8 GPUs), one whose GPUs are gone, one CPU node.
      series(KSM_METRICS.nodeGpuCapacity.name, { node: "g1", resource: "nvidia_com_gpu", unit: "integer" }, "4x20"),
      series(KSM_METRICS.nodeGpuCapacity.name, { node: "g2", resource: "nvidia_com_gpu", unit: "integer" }, "8x20"),
      series(KSM_METRICS.nodeGpuCapacity.name, { node: "g3", resource: "nvidia_com_gpu", unit: "integer" }, "0x20"),
      series(KSM_METRICS.nodeGpuCapacity.name, { node: "c1", resource: "cpu", unit: "core" }, "16x20"),
    ];
    const at = (expr: string, labels: string, value: number) => ({
      expr,
      eval_time: "10m",
      exp_samples: [{ labels, value }],
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-capacity-"));
    try {
      fs.writeFileSync(path.join(dir, "recording.yaml"), renderRuleFile(recordingRuleGroups()));
      const promql_expr_test = [
        at(C.gpuPodsPending.record, `${C.gpuPodsPending.record}{namespace="llm",pod="gpu-wait"}`, 1),
        at(C.gpuCapacity.record, C.gpuCapacity.record, 12),
        at(C.gpuNodes.record, C.gpuNodes.record, 2),
      ];
      const tests = [{ name: "capacity", interval: "1m", input_series, promql_expr_test }];
      fs.writeFileSync(
        path.join(dir, "tests.yaml"),
        stringify({ rule_files: ["recording.yaml"], evaluation_interval: "1m", tests }, { lineWidth: 0 }),
      );
      const r = spawnSync("promtool", ["test", "rules", "tests.yaml"], { cwd: dir, encoding: "utf8" });
      expect(r.error, "promtool must be installed (Debian package prometheus)").toBeUndefined();
      expect(r.status, r.stdout + r.stderr).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
