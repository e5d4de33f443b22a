import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import type { RunOptions } from "../../bench/client/run";

/**
 * Scenario files and run options under one test folder, against a simulator whose URL is known
 * once `beforeAll` has started it; each scenario file gets its own output folder.
 */
export function runHarness(dir: string, baseUrl: () => string) {
  let n = 0;
  return {
    scenarioFile: (body: object): string => {
      const p = path.join(dir, `s${++n}.json`);
      fs.writeFileSync(p, JSON.stringify({ defaults: { metric_percentiles: "50,95" }, ...body }));
      return p;
    },
    opts: (config: string, extra: Partial<RunOptions> = {}): RunOptions & { lines: string[] } => {
      const lines: string[] = [];
      return {
        baseUrl: baseUrl(),
        config,
        outputDir: path.join(dir, `out${n}`),
        seed: 1,
        timeoutMs: 30_000,
        log: (l) => lines.push(l),
        lines,
        ...extra,
      };
    },
  };
}

/** The files of the run `latest` points at, parsed: JSON must parse, CSV rows must match the records. */
export function latest(outputDir: string) {
  const run = path.join(outputDir, "latest");
  const files = fs.readdirSync(run);
  const json = files
    .filter((f) => f.endsWith(".results.json"))
    .map((f) => JSON.parse(fs.readFileSync(path.join(run, f), "utf8")));
  for (const j of json) {
    const csv = fs
      .readFileSync(path.join(run, `${j.scenario}.requests.csv`), "utf8")
      .trim()
      .split("\n");
    expect(csv).toHaveLength(j.requests.length + 1);
    expect(j.requests.length).toBe(j.completed + j.failed);
  }
  const summary = fs.readFileSync(path.join(run, "summary.csv"), "utf8").trim().split("\n");
  expect(summary).toHaveLength(json.length + 1);
  expect(files.some((f) => f.endsWith(".tmp"))).toBe(false);
  return { files, json, summary };
}
