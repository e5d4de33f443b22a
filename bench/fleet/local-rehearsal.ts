// The autoscaling rehearsal without a cluster: the rehearsal's load (bench/client/run.ts, a
// rate_profile scenario) against a local fleet of simulators that our scaling rule starts and stops
// (bench/fleet/local-fleet.ts says what is modelled and what is real), from zero replicas back to
// zero, on one timeline: replicas wanted, existing and ready, pending pods, GPU nodes and the
// phase beside the load and its latency, plus when each replica was created, scheduled, started
// and ready, cold or warm. Times are rehearsal seconds: real seconds ÷ timeScale.
import * as fs from "node:fs";
import * as path from "node:path";
import { newRunId, runBenchmark, type RunOptions } from "../client/run";
import { loadScenarioFile } from "../client/scenario";
import { startLocalFleet, type FleetSample, type LocalFleetOptions } from "./local-fleet";
import { coldWarmSummary, replicaTable, type ReplicaStart } from "./pods";
import { timelineTable, type RehearsalSecond } from "./rehearsal";
import type { TimelineSecond } from "./timeline";

/** The fleet's state and the load, one row per `rowS` rehearsal seconds from the fleet's start. */
export function fleetTimeline(
  samples: FleetSample[],
  load: TimelineSecond[],
  o: { loadStartS: number; loadRowS: number; rowS: number },
): RehearsalSecond[] {
  const end = samples.at(-1)?.tS ?? 0;
  const rows: RehearsalSecond[] = [];
  let k = 0;
  // Rows at every rowS, and one at the end: where the fleet settled.
  const times: number[] = [];
  for (let t = 0; t < end; t += o.rowS) times.push(t);
  times.push(end);
  for (const t of times) {
    // The fleet as it stands at the row's start.
    while (k + 1 < samples.length && samples[k + 1].tS <= t) k++;
    const f = samples[k];
    const j = Math.round((t - o.loadStartS) / o.loadRowS);
    const l = j >= 0 && j < load.length ? load[j] : undefined;
    rows.push({
      t: Math.round(t),
      started: l?.started ?? 0,
      completed: l?.completed ?? 0,
      failed: l?.failed ?? 0,
      output_tokens: l?.output_tokens ?? 0,
      ttft_p50_ms: l?.ttft_p50_ms ?? null,
      ttft_p95_ms: l?.ttft_p95_ms ?? null,
      ttft_p99_ms: l?.ttft_p99_ms ?? null,
      itl_p50_ms: l?.itl_p50_ms ?? null,
      itl_p95_ms: l?.itl_p95_ms ?? null,
      itl_p99_ms: l?.itl_p99_ms ?? null,
      hpa_desired_replicas: f.desired,
      hpa_current_replicas: f.current,
      gpu_pods_pending: f.pending,
      gpu_nodes: f.nodes,
      ready_replicas: f.ready,
      phase: f.phase,
    });
  }
  return rows;
}

export interface LocalRehearsalOptions extends LocalFleetOptions {
  /** The rehearsal's scenario file (rate_profile times already in real seconds) and run settings. */
  run: Pick<RunOptions, "config" | "outputDir" | "seed" | "timeoutMs" | "requestRate">;
  /** Rehearsal seconds to wait for the wake-up (the first replica ready) before the load starts. */
  wakeTimeoutS: number;
  /** Rehearsal seconds after the load to wait for the fleet to reach zero. */
  settleTimeoutS: number;
  log: (l: string) => void;
  /** Aborted (SIGINT/SIGTERM): the load stops, and what was measured is still written. */
  signal?: AbortSignal;
}

export interface LocalRehearsal {
  timeline: RehearsalSecond[];
  replicas: ReplicaStart[];
  /** Rehearsal second the load started (after the first replica was ready). */
  loadStartS: number;
  /** Whether the fleet reached zero replicas and zero nodes after the load. */
  backToZero: boolean;
  file: string;
  /** The load run's exit code: 0 every threshold met, 1 one missed, 3 interrupted. */
  exitCode: number;
}

export async function runLocalRehearsal(o: LocalRehearsalOptions): Promise<LocalRehearsal> {
  const fleet = await startLocalFleet(o);
  try {
    // The wake-up: the schedule's window (or the first served request, which needs a replica) opens it.
    const wakeBy = fleet.nowS() + o.wakeTimeoutS;
    while (!fleet.samples().some((s) => s.ready > 0) && fleet.nowS() < wakeBy && !o.signal?.aborted)
      await new Promise((r) => setTimeout(r, 20));
    const loadStartS = fleet.nowS();
    // Interrupted before the fleet woke: no load is sent; the fleet's timeline so far is written.
    const { results, runId, exitCode } = o.signal?.aborted
      ? { results: [], runId: newRunId(), exitCode: 3 }
      : await runBenchmark({
          ...o.run,
          baseUrl: fleet.url,
          readyTimeoutS: 30,
          log: o.log,
          signal: o.signal,
        });
    // Interrupted: no waiting for the way back to zero; the timeline ends where it was stopped.
    const backToZero = o.signal?.aborted ? false : await fleet.settled(o.settleTimeoutS);
    const load = results[0]?.result.timeline ?? [];
    const K = o.timeScale;
    const timeline = fleetTimeline(fleet.samples(), load, { loadStartS, loadRowS: 1 / K, rowS: 1 / K });
    const replicas = fleet.replicas();
    const { thresholds } = loadScenarioFile(o.run.config);
    o.log(timelineTable(timeline, thresholds, 80));
    o.log(replicaTable(replicas, `local fleet, time ×${(1 / K).toFixed(0)}`));
    // Beside the run's own files (results JSON, CSV, report.html).
    const file = path.join(o.run.outputDir, runId, "local-rehearsal.json");
    fs.mkdirSync(path.dirname(file), { recursive: true }); // an interrupt may come before the run wrote any file
    fs.writeFileSync(
      file,
      `${JSON.stringify(
        {
          time_scale: K,
          rule: o.rule,
          stages: o.stages,
          load_start_s: loadStartS,
          back_to_zero: backToZero,
          cold_warm: coldWarmSummary(replicas),
          replicas,
          timeline,
        },
        null,
        1,
      )}\n`,
    );
    return { timeline, replicas, loadStartS, backToZero, file, exitCode };
  } finally {
    await fleet.close();
  }
}
