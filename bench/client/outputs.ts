import * as fs from "node:fs";
import * as path from "node:path";
import {
  LATENCY_LABELS,
  LATENCY_METRICS,
  latencyKey,
  percentileStat,
  PUSHGATEWAY_JOB,
  type LatencyMetric,
} from "../contract";
import type { RequestRecord } from "./request";
import type { BenchmarkResult } from "./result";
import { RESULT_FORMAT } from "./results-file";
import type { ThresholdResult } from "./stats";

export interface ScenarioResult {
  result: BenchmarkResult;
  records: RequestRecord[];
  thresholds: ThresholdResult[];
  partial: boolean;
}

const line = (label: string, value: unknown, width = 50) => {
  const v = typeof value === "number" ? (Number.isInteger(value) ? String(value) : value.toFixed(2)) : String(value);
  return `${label.padEnd(width - v.length > label.length ? width - v.length : label.length + 1)}${v}`;
};

/** vLLM's "Serving Benchmark Result" layout. */
export function consoleSummary(
  s: ScenarioResult,
  percentiles: number[],
  metrics: readonly LatencyMetric[] = LATENCY_METRICS,
): string {
  const r = s.result;
  const out = [
    `${"=".repeat(16)} Serving Benchmark Result ${"=".repeat(8)}`.padEnd(50, "="),
    line("Scenario:", r.scenario),
    line("Successful requests:", r.completed),
    line("Failed requests:", r.failed),
    // Per error kind, with the first message of each: why requests failed, on the console.
    ...Object.entries(r.errors_by_type).map(([kind, n]) => {
      // The "http" kind names its status codes: 429, 503 and 400 call for different fixes.
      const codes = Object.entries(r.errors_by_status);
      const by = kind === "http" && codes.length ? ` (${codes.map(([c, k]) => `HTTP ${c} × ${k}`).join(", ")})` : "";
      return `  ${kind} × ${n}${by}: ${r.first_error_by_type[kind] ?? ""}`.slice(0, 200);
    }),
    line("Maximum request concurrency:", r.max_concurrency ?? "unlimited"),
    line("Benchmark duration (s):", r.duration),
    line("Total input tokens:", r.total_input_tokens),
    line("Total generated tokens:", r.total_output_tokens),
    line("Request throughput (req/s):", r.request_throughput),
    ...(r.request_goodput !== null ? [line("Request goodput (req/s):", r.request_goodput)] : []),
    line("Output token throughput (tok/s):", r.output_throughput),
    line("Peak output token throughput (tok/s):", r.max_output_tokens_per_s),
    line("Peak concurrent requests:", r.max_concurrent_requests),
    line("Total Token throughput (tok/s):", r.total_token_throughput),
  ];
  for (const m of LATENCY_METRICS.filter((m) => metrics.includes(m))) {
    const title = LATENCY_LABELS[m].title;
    out.push(
      `${"-".repeat(Math.max(1, Math.floor((50 - title.length - 2) / 2)))} ${title} ${"-".repeat(Math.max(1, Math.ceil((50 - title.length - 2) / 2)))}`,
    );
    out.push(
      line(`Mean ${m.toUpperCase()} (ms):`, r[latencyKey("mean", m)]),
      line(`Median ${m.toUpperCase()} (ms):`, r[latencyKey("median", m)]),
    );
    for (const p of percentiles) out.push(line(`P${p} ${m.toUpperCase()} (ms):`, r[latencyKey(percentileStat(p), m)]));
  }
  if (s.thresholds.length) {
    out.push(`${"-".repeat(18)} Thresholds ${"-".repeat(20)}`);
    for (const t of s.thresholds)
      out.push(
        t.no_data
          ? line(`FAIL (no data) ${t.name} (limit ${t.limit}):`, "-")
          : line(`${t.passed ? "PASS" : "FAIL"} ${t.name} (limit ${t.limit}):`, t.value),
      );
  }
  if (s.records.length > 0 && r.completed === 0)
    out.push(`FAIL: every one of ${s.records.length} requests failed (see the error kinds above)`);
  if (s.partial) out.push(`(partial: ${r.stop_reason ?? "the run was interrupted"})`);
  out.push("=".repeat(50));
  return out.join("\n");
}

/** A cell's text: empty for null or missing; the cells are scalars (an object, were there one, would be JSON). */
const cellText = (v: unknown): string => {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return JSON.stringify(v);
};

const csvEscape = (v: unknown) => {
  const s = cellText(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const RECORD_COLUMNS = [
  "request_id",
  "scenario",
  "start_s",
  "success",
  "error_kind",
  "status",
  "prompt_tokens",
  "output_tokens",
  "ttft_ms",
  "tpot_ms",
  "e2el_ms",
  "mean_itl_ms",
] as const;
function* recordsCsvLines(records: RequestRecord[]): Generator<string> {
  yield RECORD_COLUMNS.join(",");
  for (const r of records)
    yield RECORD_COLUMNS.map((c) =>
      csvEscape(
        c === "mean_itl_ms" ? (r.itl_ms.length ? r.itl_ms.reduce((a, b) => a + b, 0) / r.itl_ms.length : "") : r[c],
      ),
    ).join(",");
}

function summaryCsv(results: ScenarioResult[]): string {
  const keys = [
    ...new Set(
      results.flatMap((s) =>
        Object.entries(s.result)
          .filter(([, v]) => typeof v !== "object" || v === null)
          .map(([k]) => k),
      ),
    ),
  ];
  const rows: Record<string, unknown>[] = results.map((s) => ({ partial: s.partial, ...s.result }));
  return (
    [
      ["partial", ...keys].join(","),
      ...rows.map((row) => ["partial", ...keys].map((k) => csvEscape(row[k])).join(",")),
    ].join("\n") + "\n"
  );
}

/**
 * Write a file whole or not at all: a temporary file beside it, renamed over it (atomic on POSIX).
 * Text may come in pieces, so a large file is never one string in memory.
 */
export function writeFileAtomic(file: string, text: string | Iterable<string>): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, "w");
  try {
    for (const piece of typeof text === "string" ? [text] : text) fs.writeSync(fd, piece);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** results.json in pieces: the figures pretty-printed, then one compact line per request record. */
function* resultsJson(runId: string, s: ScenarioResult): Generator<string> {
  const head = JSON.stringify(
    { result_format: RESULT_FORMAT, run_id: runId, partial: s.partial, ...s.result, thresholds: s.thresholds },
    null,
    2,
  );
  yield `${head.slice(0, -2)},\n  "requests": [`;
  let batch = "";
  for (let i = 0; i < s.records.length; i++) {
    batch += `${i ? "," : ""}\n    ${JSON.stringify(s.records[i])}`;
    if (batch.length > 1 << 16) {
      yield batch;
      batch = "";
    }
  }
  yield `${batch}${s.records.length ? "\n  " : ""}]\n}\n`;
}

function* csvRows(records: RequestRecord[]): Generator<string> {
  let batch = "";
  for (const line of recordsCsvLines(records)) {
    batch += `${line}\n`;
    if (batch.length > 1 << 16) {
      yield batch;
      batch = "";
    }
  }
  yield batch;
}

/**
 * Check before a run spends anything that its results can be written under dir: created if
 * missing, a folder, writable. Names the flag, so a file or a read-only mount fails in one line
 * before the first request instead of after the last.
 */
export function assertWritableDir(dir: string, flag = "--output-dir"): void {
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory())
    throw new Error(`${flag}: ${dir} is a file; give a folder for the results`);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      `${flag}: cannot create ${dir} (${code === "EEXIST" || code === "ENOTDIR" ? "a file is in the way" : (code ?? (e as Error).message)}); give a writable folder`,
      { cause: e },
    );
  }
  const probe = path.join(dir, `.write-check.${process.pid}.tmp`);
  try {
    fs.writeFileSync(probe, "");
    fs.rmSync(probe, { force: true });
  } catch (e) {
    throw new Error(
      `${flag}: cannot write in ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a writable folder`,
      { cause: e },
    );
  }
}

/** Point DIR/latest at the run folder (a relative symlink, swapped atomically; a text file where links are refused). */
export function pointLatest(dir: string, runId: string): void {
  const link = path.join(dir, "latest");
  const tmp = path.join(dir, `.latest.${process.pid}.tmp`);
  try {
    fs.rmSync(tmp, { force: true });
    fs.symlinkSync(runId, tmp, "dir");
    fs.renameSync(tmp, link);
  } catch {
    fs.rmSync(tmp, { force: true });
    writeFileAtomic(path.join(dir, "LATEST"), `${runId}\n`);
  }
}

/**
 * Write one run's files into DIR/<run id>/ (results.json and requests.csv per scenario, summary.csv,
 * report.html when given), each atomically, and point DIR/latest at it. A folder per run means a
 * reused output directory never mixes the files of two runs. Safe to call again as the run goes on.
 */
export function writeOutputs(
  dir: string,
  runId: string,
  results: ScenarioResult[],
  html?: string,
  unchanged: ReadonlySet<ScenarioResult> = new Set(),
): string[] {
  const runDir = path.join(dir, runId);
  fs.mkdirSync(runDir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, text: string | Iterable<string>, skip = false) => {
    const p = path.join(runDir, name);
    if (!skip) writeFileAtomic(p, text);
    written.push(p);
  };
  // A scenario's files are final once written: `unchanged` ones are listed, not rewritten.
  for (const s of results) {
    const scenario = s.result.scenario;
    write(`${scenario}.results.json`, resultsJson(runId, s), unchanged.has(s));
    write(`${scenario}.requests.csv`, csvRows(s.records), unchanged.has(s));
  }
  write("summary.csv", summaryCsv(results));
  if (html !== undefined) write("report.html", html);
  pointLatest(dir, runId);
  return written;
}

/** Push figures to a Prometheus Pushgateway, grouped by run id and scenario. */
export async function pushResults(url: string, runId: string, s: ScenarioResult): Promise<void> {
  const r = s.result;
  const metrics: [string, number][] = [
    ["vllm_bench_request_throughput", r.request_throughput],
    ["vllm_bench_output_throughput", r.output_throughput],
    ["vllm_bench_success_rate", r.success_rate],
    ["vllm_bench_completed", r.completed],
    ["vllm_bench_failed", r.failed],
    ["vllm_bench_duration_seconds", r.duration],
    ...LATENCY_METRICS.flatMap((m): [string, number][] => [
      [`vllm_bench_${m}_mean_seconds`, r[latencyKey("mean", m)] / 1000],
      [`vllm_bench_${m}_p95_seconds`, (r[latencyKey("p95", m)] ?? 0) / 1000],
    ]),
    ["vllm_bench_last_run_timestamp_seconds", Date.now() / 1000],
  ];
  let body = metrics.map(([k, v]) => `${k} ${Number.isFinite(v) ? v : 0}`).join("\n") + "\n";
  body +=
    s.thresholds.map((t) => `vllm_bench_threshold_passed{threshold="${t.name}"} ${t.passed ? 1 : 0}`).join("\n") +
    (s.thresholds.length ? "\n" : "");
  const res = await fetch(
    `${url.replace(/\/$/, "")}/metrics/job/${PUSHGATEWAY_JOB}/run_id/${encodeURIComponent(runId)}/scenario/${encodeURIComponent(r.scenario)}`,
    { method: "PUT", body },
  );
  if (!res.ok) throw new Error(`Pushgateway ${url} answered ${res.status}`);
}
