// The simulator's engine (bench/sim/engine.ts, unchanged) run in virtual time: its timers and clock
// are replaced by an event queue, so an hour of load takes a second of CPU and no run is disturbed
// by anything else on the machine. What it leaves out is the HTTP path and the event loop's own
// delays, so its capacities are a little above the real simulator's; it is for questions of
// statistics (how far a minute's P95 wanders, how often a search lands above the long-run limit),
// which need hundreds of runs that wall-clock time cannot afford.
import type { RequestRecord } from "../bench/client/request";
import { scenarioGaps } from "../bench/fleet/plan";
import { Engine } from "../bench/sim/engine";
import { defaultSimOptions, type SimOptions } from "../bench/sim/options";
import { createVllmMetrics } from "../bench/sim/vllm-metrics";

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A min-heap of timers by (time, order set): the same order Node fires equal timers in. */
class Queue {
  private h: Timer[] = [];
  private less = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  get size() {
    return this.h.length;
  }
  push(t: Timer) {
    const h = this.h;
    h.push(t);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): Timer | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/** Virtual milliseconds, with setTimeout/clearTimeout/performance.now swapped in while `run` runs. */
class VirtualClock {
  now = 0;
  private q = new Queue();
  private seq = 0;
  setTimeout = (fn: () => void, ms = 0): Timer => {
    // Node's rule: a delay below 1 ms (or not a number) is 1 ms.
    const d = ms >= 1 ? ms : 1;
    const t = { at: this.now + d, seq: this.seq++, fn, cancelled: false };
    this.q.push(t);
    return t;
  };
  clearTimeout = (t: Timer | undefined) => {
    if (t) t.cancelled = true;
  };
  /** Fire timers in order until `done()` holds or the clock passes `untilMs`. */
  run(untilMs: number, done: () => boolean) {
    const g = globalThis as unknown as Record<string, unknown>;
    const saved = { setTimeout: g.setTimeout, clearTimeout: g.clearTimeout };
    // performance.now lives on Performance.prototype: shadow it with an own property, then drop it.
    const ownNow = Object.getOwnPropertyDescriptor(performance, "now");
    g.setTimeout = this.setTimeout;
    g.clearTimeout = this.clearTimeout;
    Object.defineProperty(performance, "now", { value: () => this.now, configurable: true, writable: true });
    try {
      while (this.q.size && !done()) {
        const t = this.q.pop()!;
        if (t.cancelled) continue;
        if (t.at > untilMs) {
          this.now = untilMs;
          return;
        }
        this.now = t.at;
        t.fn();
      }
    } finally {
      g.setTimeout = saved.setTimeout;
      g.clearTimeout = saved.clearTimeout;
      if (ownNow) Object.defineProperty(performance, "now", ownNow);
      else Reflect.deleteProperty(performance, "now");
    }
  }
}

export interface VirtualWorkload {
  sim: Partial<SimOptions>;
  inputLen: number;
  outputLen: number;
  burstiness: number;
}

/**
 * One open-loop run of `durationS` at `rate` against a fresh engine, arrivals drawn as the load
 * tester draws them for `seed` (bench/fleet/plan.ts). Requests still unfinished `timeoutMs` after
 * the last arrival are cut, as a point cuts them: timed out, with whatever tokens they had.
 */
export function virtualRun(
  w: VirtualWorkload,
  rate: number,
  durationS: number,
  seed: number,
  timeoutMs: number,
): RequestRecord[] {
  const clock = new VirtualClock();
  const opts: SimOptions = { ...defaultSimOptions, ...w.sim, speedup: 1 };
  const engine = new Engine(opts, createVllmMetrics(opts.model, opts.maxModelLen));
  const n = Math.ceil(rate * durationS * 1.5) + 50;
  const gaps = scenarioGaps({ num_prompts: n, request_rate: rate, burstiness: w.burstiness }, seed);
  const records: RequestRecord[] = [];
  let open = 0;
  let at = 0;
  for (let i = 0; i < gaps.length; i++) {
    at += gaps[i] * 1000;
    if (at >= durationS * 1000) break;
    const arrival = at;
    const r: RequestRecord = {
      request_id: String(i),
      scenario: "virtual",
      start_s: arrival / 1000,
      success: false,
      prompt_tokens: w.inputLen,
      output_tokens: 0,
      itl_ms: [],
    };
    records.push(r);
    open++;
    let last = 0;
    clock.setTimeout(() => {
      engine.submit({
        id: r.request_id,
        promptTokens: w.inputLen,
        cachedPrefixTokens: 0,
        maxTokens: w.outputLen,
        outputTokens: w.outputLen,
        cutAfterTokens: 0,
        onToken: () => {
          const t = clock.now;
          if (r.ttft_ms === undefined) r.ttft_ms = t - arrival;
          else r.itl_ms.push(t - last);
          last = t;
          r.output_tokens++;
        },
        onFinish: () => {
          open--;
          r.success = true;
          r.e2el_ms = clock.now - arrival;
          if (r.output_tokens > 1) r.tpot_ms = (last - arrival - r.ttft_ms!) / (r.output_tokens - 1);
        },
      });
    }, arrival);
  }
  clock.run(durationS * 1000 + timeoutMs, () => open === 0);
  engine.stop();
  for (const r of records)
    if (!r.success) {
      r.error_kind = "timeout";
      r.error = "cut at the point's end";
    }
  return records;
}
