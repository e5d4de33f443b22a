// OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`: families in order, each
// series' samples in time order (the importer appends per series and rejects going backwards),
// histogram buckets cumulative and consistent with _count and _sum at every timestamp.
import * as fs from "node:fs";
import { logNormalCdf, logNormalMean, type LogNormal } from "./load";
import type { Labels } from "./fleet";

/** Appends the lines of one series at time `t` (seconds), `dt` seconds after its previous sample. */
export type SeriesWriter = (t: number, dt: number, out: string[]) => void;

export interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram";
  help: string;
  series: SeriesWriter[];
}

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
/** Empty values are left out: Prometheus treats an empty label as an absent one. */
export const labelText = (l: Labels) =>
  Object.entries(l)
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `${k}="${escape(v)}"`)
    .join(",");

/** `le` as Python's prometheus_client writes it (vLLM's exporter): floats, `1.0` not `1`. */
const leText = (b: number) => (Number.isInteger(b) ? b.toFixed(1) : String(b));
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));

export function gaugeSeries(name: string, labels: Labels, value: (t: number) => number): SeriesWriter {
  const prefix = `${name}{${labelText(labels)}} `;
  return (t, _dt, out) => void out.push(`${prefix}${num(value(t))} ${t}`);
}

/** A counter growing by `perSecond(t)` per second, exposed as whole units like vLLM's token counters. */
export function counterSeries(name: string, labels: Labels, perSecond: (t: number) => number): SeriesWriter {
  const prefix = `${name}_total{${labelText(labels)}} `;
  let total = 0;
  return (t, dt, out) => {
    total += perSecond(t) * dt;
    out.push(`${prefix}${Math.floor(total)} ${t}`);
  };
}

/**
 * A histogram observing `rate(t)` requests per second drawn from `dist(t)`: whole requests per
 * interval (the fractional remainder carries over), spread over buckets by the distribution.
 */
export function histogramSeries(
  name: string,
  labels: Labels,
  buckets: readonly number[],
  rate: (t: number) => number,
  dist: (t: number) => LogNormal,
): SeriesWriter {
  const base = labelText(labels);
  const bucketPrefix = buckets.map((b) => `${name}_bucket{${base},le="${leText(b)}"} `);
  const infPrefix = `${name}_bucket{${base},le="+Inf"} `;
  const cum = new Array<number>(buckets.length).fill(0);
  let arrivals = 0;
  let count = 0;
  let sum = 0;
  return (t, dt, out) => {
    const before = Math.floor(arrivals);
    arrivals += rate(t) * dt;
    const n = Math.floor(arrivals) - before;
    if (n > 0) {
      const d = dist(t);
      for (let i = 0; i < buckets.length; i++) cum[i] += Math.round(n * logNormalCdf(buckets[i], d));
      count += n;
      sum += n * logNormalMean(d);
    }
    for (let i = 0; i < buckets.length; i++) out.push(`${bucketPrefix[i]}${cum[i]} ${t}`);
    out.push(
      `${infPrefix}${count} ${t}`,
      `${name}_count{${base}} ${count} ${t}`,
      `${name}_sum{${base}} ${sum.toFixed(3)} ${t}`,
    );
  };
}

/**
 * A series whose identity changes over time (a replaced pod's series end, its successor's begin):
 * `make(gen)` starts a fresh writer, with fresh counters, whenever `genAt(t)` changes.
 */
export function perGeneration(genAt: (t: number) => number, make: (gen: number) => SeriesWriter): SeriesWriter {
  let gen: number | undefined;
  let inner: SeriesWriter;
  return (t, dt, out) => {
    const g = genAt(t);
    if (g !== gen) {
      gen = g;
      inner = make(g);
    }
    inner(t, dt, out);
  };
}

/**
 * Writes samples at `start`, `start + step`, … before `end` for every family to `file`, and
 * returns the number of samples written. Series state carries over between calls, so
 * consecutive windows continue each other.
 */
export async function writeWindow(
  file: string,
  families: Family[],
  start: number,
  end: number,
  step: number,
): Promise<number> {
  const stream = fs.createWriteStream(file);
  let lines = 0;
  let headers = 0;
  let buf: string[] = [];
  const flush = async () => {
    if (buf.length === 0) return;
    lines += buf.length;
    const ok = stream.write(buf.join("\n") + "\n");
    buf = [];
    if (!ok) await new Promise((r) => stream.once("drain", r));
  };
  for (const f of families) {
    buf.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    headers += 2;
    for (const s of f.series) {
      for (let t = start; t < end; t += step) s(t, step, buf);
      if (buf.length > 20_000) await flush();
    }
  }
  await flush();
  stream.end("# EOF\n");
  await new Promise<void>((resolve, reject) => stream.once("finish", resolve).once("error", reject));
  return lines - headers;
}
