// `vllm-bench compare OLD NEW`: read two results files, compare them (verdict.ts), print one line
// per figure and exit 1 when a figure regressed.
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { readResultsFile, type ResultsFile } from "../client/results-file";
import { compareReport } from "../report/html";
import { compareResults, DEFAULT_COMPARE, type Comparison, type FigureComparison } from "./verdict";

export const COMPARE_USAGE = `usage: vllm-bench compare OLD.results.json NEW.results.json [--tolerance 0.1] [--alpha 0.05]
                        [--seed 0] [--resamples 2000] [--report compare.html]

Compares two results files of one scenario (OUTPUT_DIR/<run id>/<scenario>.results.json, or
vllm bench serve's JSON). A figure is a REGRESSION only when it moved the wrong way (latencies up;
throughputs and success_rate down) by more than the tolerance (a share, default ${DEFAULT_COMPARE.tolerance}) AND the move
is significant at --alpha (default ${DEFAULT_COMPARE.alpha}, for the whole comparison: Holm over the judged figures).
Latency statistics (mean, median, pN) are tested with a bootstrap over the per-request records
(seeded by --seed: the same files give the same verdicts); throughputs with a Poisson count test;
success_rate with a two-proportion test. Dispersion (std_*), workload figures and text fields are
shown, not judged; a run where every request failed has "no data", never 0 ms. A file without
per-request records (vllm bench serve's summary) can be shown but its latencies not judged.
Comparing runs of different scenarios, models or loads prints a warning. --report FILE also writes
the run-against-baseline view as HTML, coloured by verdict.
Exit codes: 0 no regression, 1 a regression, 2 bad input.`;

/** A results file's figures, checked (results-file.ts), with "no data" where nothing was sent. */
export function readResults(file: string): ResultsFile {
  const r = readResultsFile(file, "compare");
  const failed = r.failed ?? 0;
  const completed = r.completed;
  return {
    ...r,
    failed,
    // A run that sent nothing has no success rate (null = no data), not 0.
    success_rate:
      typeof r.success_rate === "number" && completed + failed > 0
        ? r.success_rate
        : completed + failed > 0
          ? completed / (completed + failed)
          : null,
  };
}

function option(name: string, v: string | undefined, fallback: number, ok: (n: number) => boolean, range: string) {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || !ok(n))
    throw new Error(`--${name}: ${JSON.stringify(v)} must be ${range}`);
  return n;
}

const fmt = (v: unknown): string =>
  typeof v === "number"
    ? Number.isInteger(v)
      ? String(v)
      : v.toFixed(2)
    : v === null || v === undefined
      ? "no data"
      : JSON.stringify(v);

function line(r: FigureComparison): string {
  const label = r.verdict === "regression" ? "REGRESSION" : r.verdict;
  const change =
    r.change === undefined
      ? ""
      : Number.isFinite(r.change)
        ? `${r.change >= 0 ? "+" : ""}${(r.change * 100).toFixed(1)}%`
        : "new";
  const details = [change, r.p !== undefined ? `p=${r.p < 0.0001 ? "<0.0001" : r.p.toFixed(4)}` : "", r.note ?? ""]
    .filter(Boolean)
    .join(", ");
  return `${label.padEnd(10)} ${r.key.padEnd(28)} ${fmt(r.old).padStart(12)} -> ${fmt(r.new).padStart(12)}${details ? ` (${details})` : ""}`;
}

/** The printed comparison: one line per figure, then what was not compared and the verdict. */
export function comparisonText(c: Comparison): string[] {
  const o = c.options;
  return [
    ...c.rows.map(line),
    ...(c.nested.length ? [`not compared (lists and objects): ${c.nested.join(", ")}`] : []),
    `${c.regressions} regression(s): worse than the ${(o.tolerance * 100).toFixed(0)}% tolerance and significant at α=${o.alpha} over ${c.judged} judged figure(s) (Holm; bootstrap with ${o.resamples} resamples, seed ${o.seed})`,
  ];
}

/** `vllm-bench compare old.json new.json`: exit 1 on a regression. */
export function compareMain(argv: string[]): Promise<number> {
  // Nothing in a comparison waits; like the other subcommands, bad input still comes back as a rejection.
  return new Promise((resolve) => resolve(compareRuns(argv)));
}

/** `--tolerance -0.1` as `--tolerance=-0.1`, so a negative value reaches the check that names the flag. */
const joinNegativeValues = (argv: string[]) =>
  argv.flatMap((a, i) =>
    /^-(\d|\.\d|inf)/i.test(a) && /^--[a-z-]+$/.test(argv[i - 1] ?? "")
      ? []
      : /^--[a-z-]+$/.test(a) && /^-(\d|\.\d|inf)/i.test(argv[i + 1] ?? "")
        ? [`${a}=${argv[i + 1]}`]
        : [a],
  );

function compareRuns(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: joinNegativeValues(argv),
    options: {
      tolerance: { type: "string" },
      alpha: { type: "string" },
      seed: { type: "string" },
      resamples: { type: "string" },
      report: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(COMPARE_USAGE);
    return 0;
  }
  if (positionals.length !== 2)
    throw new Error(`compare: expected two results files, got ${positionals.length}\n${COMPARE_USAGE}`);
  const opts = {
    tolerance: option(
      "tolerance",
      values.tolerance,
      DEFAULT_COMPARE.tolerance,
      (n) => n >= 0,
      "a share ≥ 0 (0.1 = 10 %)",
    ),
    alpha: option("alpha", values.alpha, DEFAULT_COMPARE.alpha, (n) => n > 0 && n < 1, "a level between 0 and 1"),
    seed: option("seed", values.seed, DEFAULT_COMPARE.seed, (n) => Number.isInteger(n) && n >= 0, "an integer ≥ 0"),
    resamples: option(
      "resamples",
      values.resamples,
      DEFAULT_COMPARE.resamples,
      (n) => Number.isInteger(n) && n >= 100 && n <= 100_000,
      "an integer from 100 to 100000",
    ),
  };
  const [a, b] = [readResults(positionals[0]), readResults(positionals[1])];
  // Figures of different workloads are not comparable: say so, then compare anyway.
  for (const k of ["scenario", "model_id", "backend", "max_concurrency", "request_rate", "num_prompts"])
    if (k in a && k in b && JSON.stringify(a[k]) !== JSON.stringify(b[k]))
      console.error(
        `warning: the two runs differ in ${k} (${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}): the comparison may not be meaningful`,
      );
  for (const [r, f] of [
    [a, positionals[0]],
    [b, positionals[1]],
  ] as const) {
    if (r.partial === true) console.error(`warning: ${f} is partial (the run stopped early)`);
    if (!Array.isArray(r.requests))
      console.error(
        `warning: ${f} has no per-request records ("requests"): its latencies are shown, not judged (one number per run says nothing about noise)`,
      );
    if (r.completed === 0) console.error(`warning: every request of ${f} failed: its latencies are "no data"`);
  }
  const c = compareResults(a, b, opts);
  for (const l of comparisonText(c)) console.log(l);
  if (values.report) fs.writeFileSync(values.report, compareReport(a, b, opts.tolerance, c)); // run-against-baseline view
  return c.regressions ? 1 : 0;
}
