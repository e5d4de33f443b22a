// The reference the planner is checked against: a brute-force sweep of fixed rates, written apart
// from the planner and the load tester on purpose (its own seeded Poisson/gamma sender over
// node:http, its own SSE parsing, its own percentiles), so a shared bug cannot agree with itself.
// It does what the hand check with vLLM's own benchmark client did: at each rate, send for a
// long window, drop the first seconds, and take P95 TTFT / ITL over the requests that started
// after them (percentiles interpolated linearly, as numpy and so `vllm bench serve` do).
import * as http from "node:http";

export interface SweepWorkload {
  inputLen: number;
  outputLen: number;
  /** Gamma shape of the gaps: 1 = Poisson, below 1 burstier (as vLLM's --burstiness). */
  burstiness: number;
}

export interface SweepPoint {
  rate: number;
  /** Requests that started after the dropped seconds (the ones counted). */
  counted: number;
  /** Seconds counted per window (its length less the dropped start). */
  countedS: number;
  /** P95 time to first token and inter-token latency over them, ms (a request with no first token counts as its wait). */
  ttftP95Ms: number;
  itlP95Ms: number;
  passed: boolean;
  /** Each window's own P95s, and the pooled P95s' 95 % bootstrap interval over windows (with two windows or more). */
  windows: { counted: number; ttftP95Ms: number; itlP95Ms: number }[];
  interval?: { ttftP95Ms: [number, number]; itlP95Ms: [number, number] };
}

/** numpy's default (linear) percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = Float64Array.from(values).sort();
  const h = (s.length - 1) * (p / 100);
  const i = Math.floor(h);
  return i + 1 < s.length ? s[i] + (h - i) * (s[i + 1] - s[i]) : s[i];
}

/** mulberry32: a small seeded generator, not the load tester's. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gamma(shape k, scale 1) by Marsaglia and Tsang (k < 1 through the k + 1 boost). */
function gamma(u: () => number, k: number): number {
  if (k < 1) return gamma(u, k + 1) * Math.pow(u(), 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      // Box-Muller normal
      x = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x ** 4 || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

interface Timing {
  startMs: number;
  firstMs?: number;
  gaps: number[];
}

/** One streamed completion; resolves with its timings (also when cut off by `abort`). */
function send(url: URL, body: string, agent: http.Agent, abort: AbortSignal): Promise<Timing> {
  return new Promise((resolve) => {
    const t: Timing = { startMs: performance.now(), gaps: [] };
    let last = 0;
    let buf = "";
    const req = http.request(
      url,
      { method: "POST", agent, headers: { "content-type": "application/json" }, signal: abort },
      (res) => {
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          const now = performance.now();
          buf += chunk;
          let end: number;
          while ((end = buf.indexOf("\n\n")) >= 0) {
            const event = buf.slice(0, end);
            buf = buf.slice(end + 2);
            if (!event.startsWith("data: ") || event === "data: [DONE]") continue;
            const text = (JSON.parse(event.slice(6)) as { choices?: { text?: string }[] }).choices?.[0]?.text;
            if (!text) continue;
            if (t.firstMs === undefined) t.firstMs = now - t.startMs;
            else t.gaps.push(now - last);
            last = now;
          }
        });
        res.on("end", () => resolve(t));
        res.on("error", () => resolve(t));
      },
    );
    req.on("error", () => resolve(t));
    req.end(body);
  });
}

/** One rate's window(s) and the limits they are judged against. */
export interface PointOptions {
  durationS: number;
  dropS: number;
  graceS: number;
  seed: number;
  ttftP95Ms: number;
  itlP95Ms?: number;
  /** Independent windows (seeds) pooled into one estimate; default 1. */
  windows?: number;
}

/**
 * Offer `rate` req/s for `durationS` seconds and judge the requests that started after `dropS`
 * against P95 TTFT and ITL limits. Requests still waiting `graceS` after the last arrival are cut
 * off and count with the time they had waited (a lower bound of their TTFT, already past any SLO
 * a sweep is asked about). With `windows` > 1 it does so that many times with other seeds and
 * judges the requests of all of them pooled: one window of bursty arrivals is not a sample of the
 * rate (a single burst moves its P95 by seconds, and neighbouring rates' single windows passed and
 * missed out of order), so the reference pools as many windows as the arrivals' index of
 * dispersion (1 / gamma shape) multiplies Poisson's variance.
 */
export async function sweepPoint(
  baseUrl: string,
  rate: number,
  w: SweepWorkload,
  o: PointOptions,
): Promise<SweepPoint> {
  // One after another: each window starts on an idle engine and drops its own first seconds.
  const windows: Timing[][] = [];
  for (let k = 0; k < (o.windows ?? 1); k++)
    windows.push(await sweepWindow(baseUrl, rate, w, { ...o, seed: o.seed + k * 1_000_003 }));
  const p95s = (ts: Timing[]) => {
    const itls = ts.flatMap((t) => t.gaps);
    const ttfts = ts.map((t) => t.firstMs!);
    return { ttftP95Ms: percentile(ttfts, 95), itlP95Ms: itls.length ? percentile(itls, 95) : 0 };
  };
  const counted = windows.flat();
  const { ttftP95Ms, itlP95Ms } = p95s(counted);
  return {
    rate,
    counted: counted.length,
    countedS: o.durationS - o.dropS,
    ttftP95Ms,
    itlP95Ms,
    passed: counted.length > 0 && ttftP95Ms <= o.ttftP95Ms && (o.itlP95Ms === undefined || itlP95Ms <= o.itlP95Ms),
    windows: windows.map((ts) => ({ counted: ts.length, ...p95s(ts) })),
    ...(windows.length > 1 ? { interval: bootstrap(windows, p95s, o.seed) } : {}),
  };
}

/**
 * How sure the reference itself is: resample the windows (the independent unit; requests within a
 * window share its bursts and queue) with replacement, pool each resample, and take the 2.5th and
 * 97.5th percentiles of its P95s. Rough with few windows, but it shows when a rate's verdict rests
 * on one window's luck.
 */
function bootstrap(windows: Timing[][], p95s: (ts: Timing[]) => { ttftP95Ms: number; itlP95Ms: number }, seed: number) {
  const u = rng(seed ^ 0x5bd1e995);
  const draws = Array.from({ length: 400 }, () =>
    p95s(Array.from({ length: windows.length }, () => windows[Math.floor(u() * windows.length)]).flat()),
  );
  const ends = (xs: number[]): [number, number] => [percentile(xs, 2.5), percentile(xs, 97.5)];
  return { ttftP95Ms: ends(draws.map((d) => d.ttftP95Ms)), itlP95Ms: ends(draws.map((d) => d.itlP95Ms)) };
}

/** One window at `rate`: the requests that started after `dropS`, a cut-off request's TTFT set to its wait. */
async function sweepWindow(
  baseUrl: string,
  rate: number,
  w: SweepWorkload,
  o: { durationS: number; dropS: number; graceS: number; seed: number },
): Promise<Timing[]> {
  const url = new URL("/v1/completions", baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const u = rng(o.seed);
  const abort = new AbortController();
  const inflight: Promise<Timing>[] = [];
  const t0 = performance.now();
  let at = 0;
  for (;;) {
    at += (gamma(u, w.burstiness) / (rate * w.burstiness)) * 1000;
    if (at >= o.durationS * 1000) break;
    // Distinct random words, one simulator token each, so no prompt shares a cached prefix.
    const prompt = Array.from({ length: w.inputLen }, () => ` w${Math.floor(u() * 1e9).toString(36)}`).join("");
    const body = JSON.stringify({ prompt, max_tokens: w.outputLen, ignore_eos: true, stream: true, temperature: 0 });
    const wait = t0 + at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = send(url, body, agent, abort.signal).then((t) => ({ ...t, offsetMs: at }));
    inflight.push(sent);
  }
  const timer = setTimeout(() => abort.abort(), o.graceS * 1000);
  const done = (await Promise.all(inflight)) as (Timing & { offsetMs: number })[];
  clearTimeout(timer);
  const cutAt = performance.now();
  agent.destroy();
  return done
    .filter((t) => t.offsetMs >= o.dropS * 1000)
    .map((t) => ({ ...t, firstMs: t.firstMs ?? cutAt - t.startMs }));
}

export interface SweepResult {
  /** Highest rate of the fine grid meeting every limit (null: none did). */
  sustainableRps: number | null;
  points: SweepPoint[];
  /** The long windows' points near the knee (with `long`), in the order measured. */
  longPoints: SweepPoint[];
}

/** The second stage's long windows: near the knee a minute's P95 reads low (docs/benchmark.md). */
export interface LongLook {
  durationS: number;
  dropS: number;
  windows: number;
  /** Rates at most, stepping by the fine step from the grid's answer until the verdict turns. */
  maxRates: number;
}

/** The grid's steps (fractions of the guess), and each point as it is measured. */
type GridOptions = PointOptions & {
  lowFraction?: number;
  coarseStep?: number;
  fineStep?: number;
  /** Measure only these rates (ascending), no grid: a closer look near a knee found before. */
  rates?: number[];
  log?: (p: SweepPoint) => void;
};

/**
 * The grid (`gridSweep`), then, with `long`, a look near its answer with long windows
 * (`lookLonger`); `crossing` over the long points is the reference where they bracket the knee.
 */
export async function sweep(
  baseUrl: string,
  guessRps: number,
  w: SweepWorkload,
  o: GridOptions & {
    /** Then look again near the knee with long windows (see `lookLonger`). */
    long?: LongLook;
  },
): Promise<SweepResult> {
  const grid = await gridSweep(baseUrl, guessRps, w, o);
  if (!o.long || grid.sustainableRps === null) return grid;
  return {
    ...grid,
    longPoints: await lookLonger(baseUrl, grid.sustainableRps, guessRps * (o.fineStep ?? 0.02), w, o, o.long),
  };
}

/**
 * Long windows from the grid's answer, a fine step at a time, up while they pass and down while
 * they miss, until the verdict turns (or `maxRates`): the rates on both sides of the knee that
 * `crossing` interpolates between. Windows of a minute read the knee's P95 low where the queue
 * or the running batch has excursions longer than that (decode-bound's ITL, bursty arrivals'
 * TTFT); four minutes with the first dropped read them up to a fifth higher on this machine.
 */
async function lookLonger(
  baseUrl: string,
  from: number,
  step: number,
  w: SweepWorkload,
  o: PointOptions & { log?: (p: SweepPoint) => void },
  l: LongLook,
): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  const at = async (rate: number) => {
    const opts = { ...o, durationS: l.durationS, dropS: l.dropS, windows: l.windows };
    // Other arrivals than the grid's window at the same rate: the long look is a second sample.
    const p = await sweepPoint(baseUrl, rate, w, { ...opts, seed: o.seed + 7 + Math.round(rate * 1000) });
    points.push(p);
    o.log?.(p);
    return p;
  };
  const first = await at(from);
  const dir = first.passed ? 1 : -1;
  for (let r = from + dir * step; points.length < l.maxRates && r > 0; r += dir * step)
    if ((await at(r)).passed !== first.passed) break;
  return points;
}

/**
 * A coarse grid (steps of `coarseStep` × the guess, upwards from `lowFraction` × it, until a rate
 * misses twice in a row), then a fine one (steps of `fineStep` × the guess) between the last coarse
 * pass and the first coarse miss; the answer is the highest fine (or coarse) rate that passed
 * below the first rate that missed.
 */
async function gridSweep(baseUrl: string, guessRps: number, w: SweepWorkload, o: GridOptions): Promise<SweepResult> {
  const points: SweepPoint[] = [];
  const at = async (rate: number) => {
    const p = await sweepPoint(baseUrl, rate, w, { ...o, seed: o.seed + Math.round(rate * 1000) });
    points.push(p);
    o.log?.(p);
    return p;
  };
  if (o.rates) {
    for (const r of [...o.rates].sort((a, b) => a - b)) await at(r);
    return answer(points);
  }
  const coarse = o.coarseStep ?? 0.1;
  const fine = o.fineStep ?? 0.02;
  let f = o.lowFraction ?? 0.5;
  let lastPass: number | undefined;
  let firstMiss: number | undefined;
  let misses = 0;
  while (misses < 2 && f < 3) {
    const p = await at(guessRps * f);
    if (p.passed && firstMiss === undefined) lastPass = p.rate;
    if (!p.passed) {
      firstMiss ??= p.rate;
      misses++;
    } else misses = 0;
    f += coarse;
  }
  if (lastPass !== undefined && firstMiss !== undefined)
    for (let r = lastPass + guessRps * fine; r < firstMiss - guessRps * fine * 0.5; r += guessRps * fine) {
      const p = await at(r);
      if (!p.passed) break; // monotone: nothing above a miss is sustainable
    }
  return answer(points);
}

/** The highest rate that passed below the lowest that missed. */
function answer(points: SweepPoint[]): SweepResult {
  const sorted = [...points].sort((a, b) => a.rate - b.rate);
  const miss = sorted.find((p) => !p.passed)?.rate ?? Infinity;
  const passes = sorted.filter((p) => p.passed && p.rate < miss);
  return { sustainableRps: passes.length ? passes[passes.length - 1].rate : null, points: sorted, longPoints: [] };
}

/** Where the sweep puts the capacity: a rate, with the ends its windows' spread allows (null: not bracketed). */
export interface Crossing {
  rate: number | null;
  /** From the bootstrap intervals' upper ends (a pessimistic curve) and lower ends (an optimistic one). */
  low: number | null;
  high: number | null;
}

/**
 * The rate at which the pooled P95s cross their limits, linearly interpolated between the last
 * rate below each limit and the first above it (the lower of TTFT's and ITL's crossings). A grid's
 * answer (the highest rate that passed) sits up to a grid step below the capacity; the crossing
 * does not. The same on the bootstrap intervals' ends gives the reference's own uncertainty: where
 * the knee's P95s are known only to ±10 %, so is the rate, to a few per cent.
 */
export function crossing(points: SweepPoint[], limits: { ttftP95Ms: number; itlP95Ms?: number }): Crossing {
  const sorted = [...points].sort((a, b) => a.rate - b.rate);
  // Infinity: never above the limit; NaN: above it already at the lowest rate (below the range).
  const at = (value: (p: SweepPoint) => number, limit: number): number => {
    const i = sorted.findIndex((p) => value(p) > limit);
    if (i < 0) return Infinity;
    if (i === 0) return NaN;
    const [a, b] = [sorted[i - 1], sorted[i]];
    return a.rate + ((limit - value(a)) / (value(b) - value(a))) * (b.rate - a.rate);
  };
  const lowest = (value: (p: SweepPoint, m: "ttftP95Ms" | "itlP95Ms") => number): number | null => {
    const rates = [at((p) => value(p, "ttftP95Ms"), limits.ttftP95Ms)];
    if (limits.itlP95Ms !== undefined) rates.push(at((p) => value(p, "itlP95Ms"), limits.itlP95Ms));
    const r = Math.min(...rates); // NaN if either is
    return Number.isFinite(r) ? r : null;
  };
  return {
    rate: lowest((p, m) => p[m]),
    low: lowest((p, m) => p.interval?.[m][1] ?? p[m]),
    high: lowest((p, m) => p.interval?.[m][0] ?? p[m]),
  };
}
