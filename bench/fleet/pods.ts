// When each replica of the rehearsal came up: per pod, the times it was created, scheduled, had
// its container started and became ready (and went away), in seconds since the run's start. On a
// cluster they come from the Pod objects (bench/fleet/kube-api.ts); in the local rehearsal from
// the simulated fleet (bench/fleet/local-fleet.ts). The stages between them are the scale-out
// chain of docs/serving.md: pending (no node yet), image pull and container start, model load.

import type { z } from "zod";
import type { replicaStartSchema } from "../client/result";

/** The fields of a core/v1 Pod this module reads (names as the Kubernetes API spells them). */
export interface PodObject {
  metadata: { name: string; uid?: string; creationTimestamp?: string; deletionTimestamp?: string };
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: {
      name: string;
      state?: { running?: { startedAt?: string }; terminated?: { startedAt?: string } };
      lastState?: { terminated?: { startedAt?: string } };
    }[];
  };
}

/** One replica's times (the schema and its field notes: bench/client/result.ts). */
export type ReplicaStart = z.output<typeof replicaStartSchema>;

const at = (iso: string | undefined, zeroMs: number) =>
  iso === undefined || Number.isNaN(Date.parse(iso)) ? null : (Date.parse(iso) - zeroMs) / 1000;

/**
 * A pod's stages from its API object: `metadata.creationTimestamp`, the `PodScheduled` condition's
 * transition to True, the first container's `state.running.startedAt` (or the start of the run it
 * ended, `terminated`/`lastState`), the `Ready` condition's transition to True, and
 * `metadata.deletionTimestamp`. Conditions that are not True count as not reached.
 */
export function replicaFromPod(pod: PodObject, zeroMs: number): ReplicaStart {
  const cond = (type: string) => pod.status?.conditions?.find((c) => c.type === type && c.status === "True");
  const c = pod.status?.containerStatuses?.[0];
  const started =
    c?.state?.running?.startedAt ?? c?.state?.terminated?.startedAt ?? c?.lastState?.terminated?.startedAt;
  return {
    pod: pod.metadata.name,
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    created_s: at(pod.metadata.creationTimestamp, zeroMs) ?? 0,
    scheduled_s: at(cond("PodScheduled")?.lastTransitionTime, zeroMs),
    started_s: at(started, zeroMs),
    ready_s: at(cond("Ready")?.lastTransitionTime, zeroMs),
    deleted_s: at(pod.metadata.deletionTimestamp, zeroMs),
  };
}

const span = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);

/** The stages of one replica, in seconds: pending, pull + start, model load, and create → ready. */
export function stages(r: ReplicaStart) {
  return {
    pending_s: span(r.created_s, r.scheduled_s),
    start_s: span(r.scheduled_s, r.started_s),
    load_s: span(r.started_s, r.ready_s),
    total_s: span(r.created_s, r.ready_s),
  };
}

/** Mean model-load and create → ready times of the cold and of the warm starts. */
export function coldWarmSummary(
  rows: ReplicaStart[],
): Record<"cold" | "warm", { n: number; load_s: number | null; total_s: number | null }> {
  const of = (kind: "cold" | "warm") => {
    const st = rows.filter((r) => r.start === kind).map(stages);
    const mean = (xs: (number | null)[]) => {
      const v = xs.filter((x): x is number => x !== null);
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
    };
    return { n: st.length, load_s: mean(st.map((s) => s.load_s)), total_s: mean(st.map((s) => s.total_s)) };
  };
  return { cold: of("cold"), warm: of("warm") };
}

/** A console table: one line per replica, in the order they were created. */
export function replicaTable(rows: ReplicaStart[], note = ""): string {
  const f = (v: number | null) => (v === null ? "-" : v.toFixed(1));
  const head = [
    "pod",
    "start",
    "created",
    "scheduled",
    "started",
    "ready",
    "deleted",
    "pending",
    "pull+start",
    "load",
    "to ready",
  ];
  const lines = [...rows]
    .sort((a, b) => a.created_s - b.created_s)
    .map((r) => {
      const s = stages(r);
      return [
        r.pod,
        r.start ?? "?",
        f(r.created_s),
        f(r.scheduled_s),
        f(r.started_s),
        f(r.ready_s),
        f(r.deleted_s),
        f(s.pending_s),
        f(s.start_s),
        f(s.load_s),
        f(s.total_s),
      ];
    });
  const width = head.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const fmt = (cells: string[]) =>
    cells.map((x, c) => (c === 0 ? x.padEnd(width[c]) : x.padStart(width[c]))).join("  ");
  const sum = coldWarmSummary(rows);
  const mean = (k: "cold" | "warm") =>
    sum[k].n ? `${k} ${sum[k].n} (load ${f(sum[k].load_s)} s, to ready ${f(sum[k].total_s)} s)` : `${k} 0`;
  return [
    `Replicas (seconds since the run's start${note ? `; ${note}` : ""}):`,
    fmt(head),
    ...lines.map(fmt),
    `mean: ${mean("cold")}; ${mean("warm")}`,
  ].join("\n");
}
