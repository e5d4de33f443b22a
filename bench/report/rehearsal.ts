// The autoscaling rehearsal's part of a scenario's report: replicas and GPU nodes over the run (the
// cluster's side of the timeline, when it was read) and when each replica was created, scheduled,
// started and ready (bench/fleet/pods.ts), cold or warm where known.
import type { BenchmarkResult } from "../client/result";
import { resultReplicas, resultTimeline } from "../fleet/rehearsal";
import { stages } from "../fleet/pods";
import { timeline } from "./charts";
import { renderSvg } from "./render";
import type { TimelineRow } from "./series";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const num = (v: number | null) => (v === null ? "" : v.toFixed(1));

const SERIES = [
  ["hpa_desired_replicas", "HPA desired"],
  ["hpa_current_replicas", "HPA current"],
  ["ready_replicas", "ready"],
  ["gpu_pods_pending", "GPU pods pending"],
  ["gpu_nodes", "GPU nodes"],
] as const;

export function rehearsalSection(result: Pick<BenchmarkResult, "timeline" | "replicas">): string {
  const tl = resultTimeline(result) ?? [];
  const rows: TimelineRow[] = tl.flatMap((s) =>
    SERIES.flatMap(([k, series]) => {
      const v = s[k];
      return typeof v === "number" ? [{ t: s.t, series, value: v }] : [];
    }),
  );
  const step = tl.length > 1 ? tl[1].t - tl[0].t : 1;
  const plot = rows.length
    ? `<figure>${renderSvg(
        timeline("Replicas and GPU nodes", rows, "count", { seconds: (tl.at(-1)?.t ?? 0) + step, leftOut: 0 }),
        "replicas and GPU nodes over the run",
      )}</figure>`
    : "";
  const replicas = resultReplicas(result) ?? [];
  const table = replicas.length
    ? `<table><tr>${["pod", "start", "created", "scheduled", "started", "ready", "deleted", "pending", "pull+start", "load", "to ready"].map((h) => `<th>${h}</th>`).join("")}</tr>${[
        ...replicas,
      ]
        .sort((a, b) => a.created_s - b.created_s)
        .map((r) => {
          const s = stages(r);
          const cells = [
            r.created_s,
            r.scheduled_s,
            r.started_s,
            r.ready_s,
            r.deleted_s,
            s.pending_s,
            s.start_s,
            s.load_s,
            s.total_s,
          ];
          return `<tr><td>${esc(r.pod)}</td><td>${r.start ?? "?"}</td>${cells.map((c) => `<td class="num">${num(c)}</td>`).join("")}</tr>`;
        })
        .join("")}</table>`
    : "";
  if (!plot && !table) return "";
  return `<h3>Autoscaling</h3><p class="note">Seconds since the run's start. A replica's stages: pending (waiting for a node), pull+start (image and container), load (model download and load, or a warm load from the cache), to ready (all of it).</p>${plot ? `<div class="plots">${plot}</div>` : ""}${table}`;
}
