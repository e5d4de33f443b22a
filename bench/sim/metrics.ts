// A small Prometheus registry writing the text exposition format. vLLM's names, types, labels
// and buckets are declared in vllm-metrics.ts; this file only knows how to count and print.

type Labels = Record<string, string>;
const key = (labels: Labels) => JSON.stringify(labels);
const fmtLabels = (labels: Labels) => {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
  );
  return parts.length ? `{${parts.join(",")}}` : "";
};
const fmtNum = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));

interface Metric {
  expose(out: string[]): void;
}

export class Counter implements Metric {
  private values = new Map<string, [Labels, number]>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels, by = 1) {
    const k = key(labels);
    const cur = this.values.get(k);
    if (cur) cur[1] += by;
    else this.values.set(k, [labels, by]);
  }
  init(labels: Labels) {
    if (!this.values.has(key(labels))) this.values.set(key(labels), [labels, 0]);
  }
  expose(out: string[]) {
    out.push(`# HELP ${this.name}_total ${this.help}`, `# TYPE ${this.name}_total counter`);
    for (const [labels, v] of this.values.values()) out.push(`${this.name}_total${fmtLabels(labels)} ${fmtNum(v)}`);
  }
}

export class Gauge implements Metric {
  private values = new Map<string, [Labels, () => number]>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  set(labels: Labels, fn: () => number) {
    this.values.set(key(labels), [labels, fn]);
  }
  expose(out: string[]) {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`);
    for (const [labels, fn] of this.values.values()) out.push(`${this.name}${fmtLabels(labels)} ${fmtNum(fn())}`);
  }
}

export class Histogram implements Metric {
  private series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {}
  private get(labels: Labels) {
    const k = key(labels);
    let s = this.series.get(k);
    if (!s)
      this.series.set(k, (s = { labels, counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 }));
    return s;
  }
  init(labels: Labels) {
    this.get(labels);
  }
  observe(labels: Labels, v: number) {
    const s = this.get(labels);
    s.sum += v;
    s.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]) s.counts[i]++;
  }
  expose(out: string[]) {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) =>
        out.push(`${this.name}_bucket${fmtLabels({ ...s.labels, le: fmtNum(b) })} ${fmtNum(s.counts[i])}`),
      );
      out.push(`${this.name}_bucket${fmtLabels({ ...s.labels, le: "+Inf" })} ${fmtNum(s.count)}`);
      out.push(
        `${this.name}_sum${fmtLabels(s.labels)} ${fmtNum(s.sum)}`,
        `${this.name}_count${fmtLabels(s.labels)} ${fmtNum(s.count)}`,
      );
    }
  }
}

/** A summary without quantiles (what prometheus_client's Summary exposes): `_count` and `_sum`. */
export class Summary implements Metric {
  private series = new Map<string, { labels: Labels; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  observe(labels: Labels, v: number) {
    const k = key(labels);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { labels, sum: 0, count: 0 }));
    s.sum += v;
    s.count++;
  }
  expose(out: string[]) {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} summary`);
    for (const s of this.series.values())
      out.push(
        `${this.name}_count${fmtLabels(s.labels)} ${fmtNum(s.count)}`,
        `${this.name}_sum${fmtLabels(s.labels)} ${fmtNum(s.sum)}`,
      );
  }
}

export class Registry {
  private metrics: Metric[] = [];
  add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
  expose(): string {
    const out: string[] = [];
    for (const m of this.metrics) m.expose(out);
    return out.join("\n") + "\n";
  }
}
