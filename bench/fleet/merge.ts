// Merging shards: the union of every shard's per-request records, each shifted onto one clock
// (the earliest shard start), and every statistic recomputed from that union with the same
// aggregate() a single process uses. No figure is averaged across shards.
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { writeFileAtomic, type ScenarioResult } from "../client/outputs";
import { benchmarkResultSchema, type BenchmarkResult } from "../client/result";
import { requestRecordSchema } from "../client/results-file";
import { aggregate, checkThresholds, type RunInfo } from "../client/stats";
import { GOODPUT_METRICS } from "../contract";
import { withCluster } from "./rehearsal";
import { timeline } from "./timeline";

/** The shard file layout this build writes and reads; a file of another version is refused, not guessed at. */
export const SHARD_FILE_VERSION = 1;

const shardFileName = (index: number) => `shard-${index}.json`;

/** Write atomically (temp file + rename): a merge never reads half a shard. */
export function writeShardFile(dir: string, s: ShardFile): string {
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, shardFileName(s.shard.index));
  writeFileAtomic(p, JSON.stringify(s));
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

const count = z.number().int().min(0);
/** What one shard leaves for the merge: its records and what it needs to recompute the figures. */
const shardFileSchema = z.object({
  version: z.literal(SHARD_FILE_VERSION, {
    error: (i) =>
      `${JSON.stringify(i.input ?? null)} is not version ${SHARD_FILE_VERSION}, the shard file layout this vllm-bench reads; merge with the vllm-bench that ran the shards`,
  }),
  shard: z.object({ index: count, count: z.number().int().min(1) }),
  run_id: z.string(),
  file: z.object({
    name: z.string(),
    percentiles: z.array(z.number()),
    goodput: z.partialRecord(z.enum(GOODPUT_METRICS), z.number()).optional(),
    thresholds: z.record(z.string(), z.number()),
  }),
  max_skew_ms: z.number().min(0),
  scenarios: z.array(
    z.object({
      result: benchmarkResultSchema,
      records: z.array(requestRecordSchema),
      partial: z.boolean(),
      start_epoch_ms: z.number(),
    }),
  ),
});
export type ShardFile = z.output<typeof shardFileSchema>;

/** A shard file, checked: one line naming the file and the field when it is not one this build wrote. */
export function readShardFile(file: string): ShardFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    const why = e instanceof SyntaxError ? `not valid JSON (${e.message})` : ((e as NodeJS.ErrnoException).code ?? "");
    throw new Error(`merge: ${file}: ${why}; re-run that shard or remove the file`, { cause: e });
  }
  const r = shardFileSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    const where = i.path.map(String).join(".") || "(root)";
    throw new Error(`merge: ${file}: ${where}: ${i.message}; not a shard file this vllm-bench wrote`);
  }
  if (r.data.shard.index >= r.data.shard.count)
    throw new Error(`merge: ${file}: shard.index ${r.data.shard.index} is not below shard.count ${r.data.shard.count}`);
  return r.data;
}

export function readShardFiles(dir: string): ShardFile[] {
  return listShardFiles(dir).map(readShardFile);
}

function runInfo(r: BenchmarkResult, f: ShardFile["file"], duration: number, date: string): RunInfo {
  const ramp =
    r.ramp_up_strategy && r.ramp_up_start_rps !== undefined && r.ramp_up_end_rps !== undefined
      ? { strategy: r.ramp_up_strategy, startRps: r.ramp_up_start_rps, endRps: r.ramp_up_end_rps }
      : undefined;
  return {
    date,
    backend: r.backend,
    model_id: r.model_id,
    scenario: r.scenario,
    num_prompts: r.num_prompts,
    request_rate: r.request_rate,
    burstiness: r.burstiness,
    ramp_up: ramp,
    max_concurrency: r.max_concurrency,
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

/**
 * Merge one run's shard files (every index at most once). A missing shard throws naming it, unless
 * `missing` says why it is gone (a worker that died): then the others are merged and the result is
 * partial, the missing share named.
 */
export function mergeShards(shards: ShardFile[], missing?: Map<number, string>): Merged {
  if (!shards.length) throw new Error("merge: no shard files (shard-<index>.json) found");
  const count = shards[0].shard.count;
  const byIndex = new Map(shards.map((s) => [s.shard.index, s]));
  if (shards.some((s) => s.shard.count !== count || s.run_id !== shards[0].run_id))
    throw new Error(
      "merge: the shard files come from different runs (shard count or run id differ); merge one run's folder",
    );
  if (shards.some((s) => s.file.name !== shards[0].file.name))
    throw new Error(
      `merge: the shard files are of different scenario files (${[...new Set(shards.map((s) => s.file.name))].join(", ")}); merge one run's folder`,
    );
  const absent = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  const unexplained = absent.filter((i) => !missing?.has(i));
  if (unexplained.length)
    throw new Error(
      `merge: shard(s) ${unexplained.join(", ")} of ${count} have no results file yet; wait for them or check their logs`,
    );
  const ordered = Array.from({ length: count }, (_, i) => byIndex.get(i)).filter((s) => s !== undefined);
  const first = ordered[0];
  const warnings: string[] = absent.map(
    (i) =>
      `shard ${i} of ${count} is missing (${missing!.get(i)}): its share of every scenario (requests i with i mod ${count} = ${i}) was not measured; the merged run is partial`,
  );
  // Scenario names in order must agree: shards of different runs are refused, not "stopped early".
  const names = (s: ShardFile) => s.scenarios.map((x) => x.result.scenario);
  const longest = ordered.reduce((a, s) => (names(s).length > names(a).length ? s : a), first);
  for (const s of ordered) {
    const n = names(s);
    if (n.some((name, k) => name !== names(longest)[k]))
      throw new Error(
        `merge: shard ${s.shard.index} ran scenarios ${n.join(", ")} but shard ${longest.shard.index} ran ${names(longest).join(", ")}: they are not shards of one run; merge one run's folder`,
      );
  }
  const results = longest.scenarios.map((sc0, k) => {
    const parts = ordered.flatMap((s) => {
      const p = s.scenarios[k];
      if (!p) {
        warnings.push(
          `shard ${s.shard.index} has no results for scenario ${sc0.result.scenario} (it stopped early); its share is missing from the union`,
        );
        return [];
      }
      return [p];
    });
    const t0 = Math.min(...parts.map((p) => p.start_epoch_ms));
    const spread = Math.max(...parts.map((p) => p.start_epoch_ms)) - t0;
    if (spread > first.max_skew_ms)
      warnings.push(
        `scenario ${sc0.result.scenario}: shards started ${spread.toFixed(0)} ms apart, more than the allowed ${first.max_skew_ms} ms; early seconds carry less load than planned`,
      );
    // One clock: each record's start moves by its shard's start offset.
    const records = parts
      .flatMap((p) => p.records.map((r) => ({ ...r, start_s: r.start_s + (p.start_epoch_ms - t0) / 1000 })))
      .sort((a, b) => a.start_s - b.start_s || a.request_id.localeCompare(b.request_id));
    const duration = Math.max(...parts.map((p) => (p.start_epoch_ms - t0) / 1000 + p.result.duration));
    const date = parts
      .map((p) => p.result.date)
      .sort()
      .at(-1)!;
    const result = aggregate(runInfo(sc0.result, first.file, duration, date), records);
    result.shards = count;
    if (sc0.result.timeline)
      result.timeline = withCluster(
        timeline(records, duration),
        sc0.result.timeline,
        Math.round((sc0.start_epoch_ms - t0) / 1000),
      );
    const partial = parts.some((p) => p.partial) || parts.length < count;
    return { result, records, partial, thresholds: checkThresholds(result, first.file.thresholds) };
  });
  return { results, warnings, runId: first.run_id, name: first.file.name };
}
