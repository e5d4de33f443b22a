// Turning synthetic data into the TSDB a long-running Prometheus would have: raw blocks from
// OpenMetrics, then recording-rule blocks backfilled from them, with Prometheus' real tools.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { renderRuleFile, type RuleGroup } from "../../monitoring/rules";
import type { RecordingRule } from "../../monitoring/recorded";

const run = promisify(execFile);

const PROMTOOL = process.env.PROMTOOL_BIN ?? "promtool";

async function promtool(args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(PROMTOOL, args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    if (err.code === "ENOENT")
      throw new Error(
        "promtool not found: install the Debian package `prometheus` (apt-get install prometheus) or set PROMTOOL_BIN",
        { cause: e },
      );
    throw new Error(`promtool ${args.join(" ")} failed: ${err.stderr ?? err.message}`, { cause: e });
  }
}

/** Imports one OpenMetrics file into blocks under `dataDir`. */
export async function importOpenMetrics(file: string, dataDir: string): Promise<void> {
  await promtool(["tsdb", "create-blocks-from", "openmetrics", "--quiet", file, dataDir]);
}

const reads = (expr: string, record: string) =>
  new RegExp(`(?<![\\w:])${record.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w:])`).test(expr);

/**
 * Splits recording rules into passes: a rule that reads another rule's record must be backfilled
 * after that record's blocks are loaded (the importer queries Prometheus, which only sees what is
 * stored; it does not chain rules within a group as the rule manager does).
 */
export function rulePasses(groups: RuleGroup[]): RuleGroup[][] {
  const rules = groups.flatMap((g) => g.rules.filter((r): r is RecordingRule => "record" in r));
  const depth = new Map<string, number>();
  const depthOf = (r: RecordingRule, seen: string[] = []): number => {
    if (depth.has(r.record)) return depth.get(r.record)!;
    if (seen.includes(r.record))
      throw new Error(`recording rules read each other in a cycle: ${[...seen, r.record].join(" → ")}`);
    const deps = rules.filter((o) => o.record !== r.record && reads(r.expr, o.record));
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((o) => depthOf(o, [...seen, r.record])));
    depth.set(r.record, d);
    return d;
  };
  rules.forEach((r) => depthOf(r));
  const passes: RuleGroup[][] = [];
  for (let d = 0; d <= Math.max(-1, ...depth.values()); d++) {
    passes.push(
      groups
        .map((g) => ({ name: g.name, rules: g.rules.filter((r) => "record" in r && depth.get(r.record) === d) }))
        .filter((g) => g.rules.length > 0),
    );
  }
  return passes;
}

/** Backfills the groups' recording rules over [start, end) from the Prometheus at `url` into `outDir`. */
export async function backfillRules(
  groups: RuleGroup[],
  url: string,
  start: number,
  end: number,
  evalInterval: number,
  workDir: string,
  outDir: string,
): Promise<void> {
  const ruleFile = path.join(workDir, `rules-${Date.now()}.yml`);
  fs.writeFileSync(ruleFile, renderRuleFile(groups));
  await promtool([
    "tsdb",
    "create-blocks-from",
    "rules",
    "--quiet",
    `--url=${url}`,
    `--start=${start}`,
    `--end=${end}`,
    `--eval-interval=${evalInterval}s`,
    `--output-dir=${outDir}`,
    ruleFile,
  ]);
}

/** Moves every block directory from `from` into `to`. */
export function moveBlocks(from: string, to: string): number {
  let n = 0;
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory() && /^[0-9A-Z]{26}$/.test(e.name)) {
      fs.renameSync(path.join(from, e.name), path.join(to, e.name));
      n++;
    }
  }
  return n;
}

export const blockDirs = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((n) => /^[0-9A-Z]{26}$/.test(n))
    .sort();
