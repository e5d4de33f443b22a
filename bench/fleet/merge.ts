// Merging shards: the union of every shard's per-request records, each shifted onto one clock
// (the earliest shard start), and every statistic recomputed from that union with the same
// aggregate() a single process uses. No figure is averaged across shards.
import * as fs from "node:fs";
import * as path from "node:path";
import type { ScenarioResult } from "../client/outputs";
import type { RequestRecord } from "../client/request";
import { aggregate, checkThresholds, type RunInfo } from "../client/stats";
import type { Shard } from "./plan";
import { withCluster, type RehearsalSecond } from "./rehearsal";
import { timeline } from "./timeline";

/** What one shard leaves for the merge: its records and what it needs to recompute the figures. */
export interface ShardFile {
  version: 1;
  shard: Shard;
  run_id: string;
  file: { name: string; percentiles: number[]; goodput?: RunInfo["goodput"]; thresholds: Record<string, number> };
  max_skew_ms: number;
  scenarios: { result: Record<string, unknown>; records: RequestRecord[]; partial: boolean; start_epoch_ms: number }[];
}

const shardFileName = (index: number) => `shard-${index}.json`;

/** Write atomically (temp file + rename): a merge never reads half a shard. */
export function writeShardFile(dir: string, s: ShardFile): string {
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, shardFileName(s.shard.index));
  fs.writeFileSync(`${p}.tmp`, JSON.stringify(s));
  fs.renameSync(`${p}.tmp`, p);
  return p;
}

export function listShardFiles(dir: string): string[] {
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => /^shard-\d+\.json$/.test(f))
        .map((f) => path.join(dir, f))
    : [];
}

export function readShardFiles(dir: string): ShardFile[] {
  return listShardFiles(dir).map((p) => JSON.parse(fs.readFileSync(p, "utf8")) as ShardFile);
}

function runInfo(r: Record<string, unknown>, f: ShardFile["file"], duration: number, date: string): RunInfo {
  const ramp = r.ramp_up_strategy
    ? {
        strategy: r.ramp_up_strategy as "linear" | "exponential",
        startRps: r.ramp_up_start_rps as number,
        endRps: r.ramp_up_end_rps as number,
      }
    : undefined;
  return {
    date,
    backend: r.backend as string,
    model_id: r.model_id as string,
    scenario: r.scenario as string,
    num_prompts: r.num_prompts as number,
    request_rate: r.request_rate as number | "inf",
    burstiness: r.burstiness as number,
    ramp_up: ramp,
    max_concurrency: r.max_concurrency as number | null,
    duration,
    percentiles: f.percentiles,
    goodput: f.goodput,
  };
}

export interface Merged {
  results: ScenarioResult[];
  /** Things a reader must know (a late shard, a shard that was interrupted). */
  warnings: string[];
  runId: string;
  name: string;
}

/** Merge one run's shard files (every index exactly once). Throws naming what is missing. */
export function mergeShards(shards: ShardFile[]): Merged {
  if (!shards.length) throw new Error("merge: no shard files (shard-<index>.json) found");
  const count = shards[0].shard.count;
  const byIndex = new Map(shards.map((s) => [s.shard.index, s]));
  if (shards.some((s) => s.shard.count !== count || s.run_id !== shards[0].run_id))
    throw new Error(
      "merge: the shard files come from different runs (shard count or run id differ); merge one run's folder",
    );
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length)
    throw new Error(
      `merge: shard(s) ${missing.join(", ")} of ${count} have no results file yet; wait for them or check their logs`,
    );
  const ordered = Array.from({ length: count }, (_, i) => byIndex.get(i)!);
  const first = ordered[0];
  const warnings: string[] = [];
  const results = first.scenarios.map((sc0, k) => {
    const parts = ordered.map((s) => {
      const p = s.scenarios[k];
      if (!p || p.result.scenario !== sc0.result.scenario)
        throw new Error(
          `merge: shard ${s.shard.index} has no results for scenario ${String(sc0.result.scenario)} (it stopped early); its records are missing from the union`,
        );
      return p;
    });
    const t0 = Math.min(...parts.map((p) => p.start_epoch_ms));
    const spread = Math.max(...parts.map((p) => p.start_epoch_ms)) - t0;
    if (spread > first.max_skew_ms)
      warnings.push(
        `scenario ${String(sc0.result.scenario)}: shards started ${spread.toFixed(0)} ms apart, more than the allowed ${first.max_skew_ms} ms; early seconds carry less load than planned`,
      );
    // One clock: each record's start moves by its shard's start offset.
    const records = parts
      .flatMap((p) => p.records.map((r) => ({ ...r, start_s: r.start_s + (p.start_epoch_ms - t0) / 1000 })))
      .sort((a, b) => a.start_s - b.start_s || a.request_id.localeCompare(b.request_id));
    const duration = Math.max(...parts.map((p) => (p.start_epoch_ms - t0) / 1000 + (p.result.duration as number)));
    const date = parts
      .map((p) => p.result.date as string)
      .sort()
      .at(-1)!;
    const result = aggregate(runInfo(sc0.result, first.file, duration, date), records);
    result.shards = count;
    if (sc0.result.timeline)
      result.timeline = withCluster(
        timeline(records, duration),
        sc0.result.timeline as RehearsalSecond[],
        Math.round((sc0.start_epoch_ms - t0) / 1000),
      );
    const partial = parts.some((p) => p.partial);
    return { result, records, partial, thresholds: checkThresholds(result, first.file.thresholds) };
  });
  return { results, warnings, runId: first.run_id, name: first.file.name };
}
