import * as fs from "node:fs";
import { parse } from "yaml";
import type { AddonDescriptor } from "../../../infra/addons";

// Reads test/fixtures/helm-values/<chart>.yaml (see its README) and checks a values object
// against the key paths recorded there.

interface Source {
  prefix: string;
  file: string;
  commit: string;
  paths: string[];
  freeform?: string[];
  defaults?: Record<string, unknown>;
}
export interface ChartFixture {
  chart: string;
  pinned: string;
  sources: Source[];
}

export function loadFixture(name: string): ChartFixture {
  return parse(fs.readFileSync(new URL(`../../fixtures/helm-values/${name}.yaml`, import.meta.url), "utf8"));
}

const join = (prefix: string, path: string) => (prefix ? `${prefix}.${path}` : path);

/** Leaf key paths of a values object; recursion stops at free-form subtrees and arrays. */
export function leafPaths(values: unknown, stopAt: ReadonlySet<string>, at = ""): string[] {
  if (at && stopAt.has(at)) return [at];
  if (values && typeof values === "object" && !Array.isArray(values) && Object.keys(values).length > 0)
    return Object.entries(values).flatMap(([k, v]) => leafPaths(v, stopAt, at ? `${at}.${k}` : k));
  return [at];
}

/** Paths our values set that the chart's values.yaml (as recorded) does not have. */
export function unknownPaths(fixture: ChartFixture, values: object): string[] {
  const known = new Set(fixture.sources.flatMap((s) => s.paths.map((p) => join(s.prefix, p))));
  const freeform = new Set(fixture.sources.flatMap((s) => (s.freeform ?? []).map((p) => join(s.prefix, p))));
  for (const f of freeform)
    if (!known.has(f)) throw new Error(`${fixture.chart}: free-form ${f} is not among the recorded paths`);
  return leafPaths(values, freeform).filter((p) => !known.has(p));
}

/** A default recorded for the chart (or subchart, by prefix). */
export function chartDefault(fixture: ChartFixture, path: string, prefix = ""): unknown {
  const source = fixture.sources.find((s) => s.prefix === prefix);
  if (!source?.defaults || !(path in source.defaults))
    throw new Error(`${fixture.chart}: no recorded default ${join(prefix, path)}`);
  return source.defaults[path];
}

/**
 * What is wrong with an add-on's values against its chart fixture: a version the fixture was not
 * read from, a source without its commit, a key path the chart does not have.
 */
export function valuesProblems(d: AddonDescriptor, values: object, fixture = loadFixture(d.chart.chart)): string[] {
  const { chart, version } = d.chart;
  const problems: string[] = [];
  if (fixture.chart !== chart) problems.push(`fixture is for chart ${fixture.chart}, not ${chart}`);
  if (fixture.pinned !== version) problems.push(`fixture read from ${fixture.pinned}, chart pinned at ${version}`);
  for (const s of fixture.sources)
    if (!/^[0-9a-f]{40}$/.test(s.commit)) problems.push(`source ${s.file} names no commit`);
  return [...problems, ...unknownPaths(fixture, values).map((p) => `unknown key ${p}`)];
}
