// Builds the TSDB of a synthetic fleet: OpenMetrics per 2 h window (the importer's block size, so
// each file becomes one block and is parsed once), raw blocks, then recording-rule blocks pass by pass.
import * as fs from "node:fs";
import * as path from "node:path";
import { recordingRuleGroups } from "../../monitoring/rules";
import { runPrometheus } from "../../scripts/dev/prometheus";
import { buildFamilies } from "./families";
import type { FleetShape } from "./fleet";
import { writeWindow } from "./openmetrics";
import { backfillRules, importOpenMetrics, moveBlocks, rulePasses } from "./tsdb";

const BLOCK_SECONDS = 2 * 3600;

export interface BuildOptions {
  shape: FleetShape;
  /** Unix seconds; the data covers [start, end). */
  start: number;
  end: number;
  /** Scrape and rule-evaluation interval, seconds. */
  step: number;
  prometheusBin: string;
  /** Holds `data/` (the TSDB) and scratch files. */
  workDir: string;
  benchRunEverySeconds?: number;
  log?: (line: string) => void;
}

export interface BuiltTsdb {
  dataDir: string;
  configFile: string;
  samples: number;
  series: number;
  rulePasses: number;
  seconds: { generate: number; import: number; rules: number };
}

export async function buildTsdb(o: BuildOptions): Promise<BuiltTsdb> {
  const log = o.log ?? (() => {});
  const dataDir = path.join(o.workDir, "data");
  fs.mkdirSync(dataDir, { recursive: true });
  const configFile = path.join(o.workDir, "prometheus.yml");
  fs.writeFileSync(configFile, `global:\n  scrape_interval: ${o.step}s\n  evaluation_interval: ${o.step}s\n`);
  const { families, series: seriesWritten } = buildFamilies(o.shape, o.benchRunEverySeconds, o.start);
  const seconds = { generate: 0, import: 0, rules: 0 };
  let samples = 0;
  const since = (t: number) => (performance.now() - t) / 1000;

  // The importer re-reads its whole input once per 2 h block, so one file per block keeps it linear.
  for (let w = o.start; w < o.end; w += BLOCK_SECONDS) {
    const file = path.join(o.workDir, `window-${w}.om`);
    let t = performance.now();
    samples += await writeWindow(file, families, w, Math.min(w + BLOCK_SECONDS, o.end), o.step);
    seconds.generate += since(t);
    t = performance.now();
    await importOpenMetrics(file, dataDir);
    seconds.import += since(t);
    fs.rmSync(file);
    log(`  ${new Date(w * 1000).toISOString().slice(0, 16)}Z  ${(samples / 1e6).toFixed(1)} M samples so far`);
  }
  const series = seriesWritten();

  const passes = rulePasses(recordingRuleGroups());
  const t = performance.now();
  for (const [i, groups] of passes.entries()) {
    const out = path.join(o.workDir, `rules-pass-${i}`);
    fs.mkdirSync(out, { recursive: true });
    const prometheus = await runPrometheus(o.prometheusBin, configFile, dataDir);
    try {
      await backfillRules(groups, prometheus.url, o.start, o.end, o.step, o.workDir, out);
    } finally {
      await prometheus.stop();
    }
    const n = moveBlocks(out, dataDir);
    fs.rmSync(out, { recursive: true });
    log(
      `  recording rules pass ${i + 1}/${passes.length}: ${groups.reduce((a, g) => a + g.rules.length, 0)} rules, ${n} blocks`,
    );
  }
  seconds.rules = since(t);
  return { dataDir, configFile, samples, series, rulePasses: passes.length, seconds };
}
