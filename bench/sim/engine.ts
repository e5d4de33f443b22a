import type { SimOptions } from "./options";
import { TimingLog } from "./timing";
import type { FinishedReason, VllmMetrics } from "./vllm-metrics";

// A model of vLLM's continuous batching: a bounded running batch, a waiting queue, chunked
// prefill under a per-step token budget, decode steps whose duration grows with the batch,
// and a KV cache in 16-token blocks with recompute preemption (youngest running request goes
// back to the front of the queue). One timer drives all requests. In fixed-latency mode each
// stream instead gets a constant TTFT and gap, independent of load.

const BLOCK = 16;

export interface EngineRequest {
  id: string;
  promptTokens: number;
  /** Leading prompt tokens shared with earlier requests (prefix-cache hits). */
  cachedPrefixTokens: number;
  maxTokens: number;
  /** Tokens this request will produce (max_tokens with ignore_eos, else a seeded EOS point). */
  outputTokens: number;
  onToken(index: number): void;
  onFinish(reason: FinishedReason): void;
}

interface State extends EngineRequest {
  arrival: number;
  scheduledAt?: number;
  firstTokenAt?: number;
  lastTokenAt?: number;
  prefilled: number;
  /** Tokens to prefill: the prompt, plus the tokens generated before a preemption (recompute). */
  prefillTarget: number;
  generated: number;
  aborted: boolean;
}

const now = () => performance.now();

export class Engine {
  private waiting: State[] = [];
  private running: State[] = [];
  private timer: NodeJS.Timeout | undefined;
  private fixedCount = 0;
  tokensGenerated = 0;
  /** Fixed-latency mode only (a measuring mode): TTFT and gaps as handed to the socket, for `GET /sim/timing`. */
  readonly timing = new TimingLog();

  constructor(private readonly opts: SimOptions, private readonly m: VllmMetrics) {
    const L = m.labels;
    m.running.set(L, () => this.running.length + this.fixedCount);
    m.waiting.set(L, () => this.waiting.length);
    m.kvUsage.set(L, () => this.kvBlocksUsed() / this.kvBlocksTotal());
    m.cacheInfo.set({ ...L, block_size: String(BLOCK), num_gpu_blocks: String(this.kvBlocksTotal()), enable_prefix_caching: "True", cache_dtype: "auto" }, () => 1);
  }

  private get fixed() {
    return this.opts.fixedTtftMs > 0 || this.opts.fixedItlMs > 0;
  }

  get numRunning() {
    return this.running.length + this.fixedCount;
  }
  get numWaiting() {
    return this.waiting.length;
  }
  kvBlocksTotal() {
    return Math.max(1, Math.floor(this.opts.kvCacheTokens / BLOCK));
  }
  private blocksFor(r: State) {
    return Math.ceil((Math.max(r.prefilled, r.cachedPrefixTokens) + r.generated + 1) / BLOCK);
  }
  kvBlocksUsed() {
    let b = 0;
    for (const r of this.running) b += this.blocksFor(r);
    return Math.min(b, this.kvBlocksTotal());
  }

  /** Queue a request; returns an abort function (client went away). */
  submit(req: EngineRequest): () => void {
    const L = this.m.labels;
    this.m.paramsMaxTokens.observe(L, req.maxTokens);
    this.m.maxGenTokens.observe(L, req.maxTokens);
    this.m.paramsN.observe(L, 1);
    const s: State = { ...req, arrival: now(), prefilled: 0, prefillTarget: req.promptTokens, generated: 0, aborted: false };
    if (this.fixed) return this.runFixed(s);
    this.waiting.push(s);
    this.kick();
    return () => this.abort(s);
  }

  private abort(s: State) {
    if (s.aborted || (s.generated >= s.outputTokens && s.generated > 0)) return;
    s.aborted = true;
    this.waiting = this.waiting.filter((r) => r !== s);
    this.running = this.running.filter((r) => r !== s);
    this.finish(s, "abort");
  }

  private runFixed(s: State): () => void {
    const sp = this.opts.speedup;
    this.fixedCount++;
    s.scheduledAt = s.arrival;
    let timer: NodeJS.Timeout | undefined;
    let due = s.arrival + this.opts.fixedTtftMs / sp;
    const emit = () => {
      if (s.aborted) return;
      const t = now();
      // Node dates a timer from the event loop's cached clock, which lags while the loop is busy,
      // so under load a timer can fire a few ms early: wait out the rest rather than send early.
      if (t < due) {
        timer = setTimeout(emit, due - t);
        return;
      }
      this.emitToken(s, t);
      if (s.generated >= s.outputTokens) {
        this.fixedCount--;
        this.finish(s, s.outputTokens >= s.maxTokens ? "length" : "stop");
      } else {
        // Schedule against the ideal timeline so timer jitter does not accumulate.
        due = s.firstTokenAt! + (s.generated * this.opts.fixedItlMs) / sp;
        timer = setTimeout(emit, Math.max(0, due - now()));
      }
    };
    this.m.promptTokens.inc(this.m.labels, s.promptTokens);
    timer = setTimeout(emit, due - now());
    return () => {
      if (s.aborted || s.generated >= s.outputTokens) return;
      clearTimeout(timer);
      s.aborted = true;
      this.fixedCount--;
      this.finish(s, "abort");
    };
  }

  private kick() {
    if (!this.timer && (this.waiting.length || this.running.length)) this.timer = setTimeout(() => this.step(), 0);
  }

  private step() {
    this.timer = undefined;
    const t0 = now();
    const L = this.m.labels;
    // Admit waiting requests while the batch and the KV cache have room.
    while (this.waiting.length && this.running.length < this.opts.maxNumSeqs) {
      const next = this.waiting[0]!;
      if (this.kvBlocksUsed() + this.blocksFor(next) > this.kvBlocksTotal() && this.running.length > 0) break;
      this.waiting.shift();
      if (next.scheduledAt === undefined) {
        next.scheduledAt = t0;
        this.m.queue.observe(L, (t0 - next.arrival) / 1000);
        this.m.prefixQueries.inc(L, next.promptTokens);
        this.m.prefixHits.inc(L, next.cachedPrefixTokens);
        this.m.promptTokens.inc(L, next.promptTokens);
      }
      this.running.push(next);
    }
    // Decode growth may overflow the cache: preempt the youngest until it fits.
    while (this.running.length > 1 && this.kvBlocksUsed() >= this.kvBlocksTotal()) {
      const victim = this.running.pop()!;
      victim.prefilled = 0; // recompute: prompt and generated tokens are prefilled again
      victim.prefillTarget = victim.promptTokens + victim.generated;
      this.waiting.unshift(victim);
      this.m.preemptions.inc(L);
    }
    let budget = this.opts.maxNumBatchedTokens;
    let prefillTokens = 0;
    const decoding: State[] = [];
    const finishingPrefill: State[] = [];
    for (const r of this.running) {
      const toPrefill = r.prefillTarget - Math.max(r.prefilled, r.cachedPrefixTokens);
      if (toPrefill > 0) {
        const chunk = Math.min(toPrefill, budget);
        if (chunk <= 0) continue;
        budget -= chunk;
        prefillTokens += chunk;
        r.prefilled = Math.max(r.prefilled, r.cachedPrefixTokens) + chunk;
        if (chunk === toPrefill) finishingPrefill.push(r);
      } else if (budget > 0) {
        budget--;
        decoding.push(r);
      }
    }
    const stepMs = ((this.opts.stepBaseMs + this.opts.perSeqMs * (decoding.length + finishingPrefill.length) + this.opts.prefillPerTokenMs * prefillTokens) * this.opts.slowdown) / this.opts.speedup;
    this.m.iterationTokens.observe(L, prefillTokens + decoding.length + finishingPrefill.length);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const t = now();
      for (const r of [...finishingPrefill, ...decoding]) {
        if (r.aborted || !this.running.includes(r)) continue;
        this.emitToken(r, t);
        if (r.generated >= r.outputTokens) {
          this.running = this.running.filter((x) => x !== r);
          this.finish(r, r.outputTokens >= r.maxTokens ? "length" : "stop");
        }
      }
      this.kick();
    }, stepMs);
  }

  private emitToken(r: State, t: number) {
    const L = this.m.labels;
    if (r.firstTokenAt === undefined) {
      r.firstTokenAt = t;
      this.m.ttft.observe(L, (t - r.arrival) / 1000);
      if (this.fixed) this.timing.record(r.id, "ttft", t - r.arrival);
    } else {
      this.m.itl.observe(L, (t - r.lastTokenAt!) / 1000);
      if (this.fixed) this.timing.record(r.id, "itl", t - r.lastTokenAt!);
    }
    r.lastTokenAt = t;
    r.generated++;
    this.tokensGenerated++;
    this.m.generationTokens.inc(L);
    r.onToken(r.generated - 1);
  }

  private finish(r: State, reason: FinishedReason) {
    const L = this.m.labels;
    const t = now();
    const s = (ms: number) => ms / 1000;
    this.m.success.inc({ ...L, finished_reason: reason });
    this.m.e2e.observe(L, s(t - r.arrival));
    this.m.promptLen.observe(L, r.promptTokens);
    this.m.genLen.observe(L, r.generated);
    if (r.scheduledAt !== undefined) {
      this.m.inference.observe(L, s(t - r.scheduledAt));
      this.m.prefill.observe(L, s((r.firstTokenAt ?? t) - r.scheduledAt));
    }
    if (r.firstTokenAt !== undefined) {
      this.m.decode.observe(L, s(t - r.firstTokenAt));
      if (r.generated > 1) this.m.tpot.observe(L, s(t - r.firstTokenAt) / (r.generated - 1));
    }
    r.onFinish(reason);
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
