import type { SimOptions } from "./options";
import { TimingLog } from "./timing";
import type { FinishedReason, VllmMetrics } from "./vllm-metrics";

// A model of vLLM's continuous batching: a bounded running batch, a waiting queue, chunked
// prefill under a per-step token budget, decode steps whose duration grows with the batch,
// and a KV cache in 16-token blocks with recompute preemption (youngest running request goes
// back to the front of the queue). One timer drives all requests. In fixed-latency mode each
// stream instead gets a constant TTFT and gap, independent of load.
//
// Metrics are recorded when vLLM records them (vllm/v1/metrics/loggers.py `record`, fed by the
// output processor's IterationStats): prompt tokens and TTFT at the step that produces a
// request's first token, one iteration-tokens observation per step that produced tokens (prompt
// tokens of requests producing their first token + generated tokens), and every per-request
// histogram (phases, lengths, max_tokens, n, preemptions) once per finished request, aborted ones
// included. A phase the request never reached is observed as 0.

const BLOCK = 16;

export interface EngineRequest {
  id: string;
  promptTokens: number;
  /** Leading prompt tokens found in the prefix cache (full 16-token blocks seen before). */
  cachedPrefixTokens: number;
  maxTokens: number;
  /** Tokens this request will produce (max_tokens with ignore_eos, else a seeded EOS point). */
  outputTokens: number;
  /** The server cuts the stream after this many tokens (drop / malformed faults); 0 = never. */
  cutAfterTokens: number;
  /** Called for every token; `finish` is set on the request's last token (not on a cut). */
  onToken(index: number, finish: FinishedReason | null): void;
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
  preemptions: number;
  /** Prompt tokens served from the prefix cache (vLLM computes at least the last one). */
  cached: number;
  done: boolean;
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

  constructor(
    private readonly opts: SimOptions,
    private readonly m: VllmMetrics,
  ) {
    const L = m.labels;
    m.running.set(L, () => this.running.length + this.fixedCount);
    m.waiting.set(L, () => this.waiting.length);
    // Every waiting request here waits for capacity (batch slots or KV blocks); nothing is
    // deferred (vLLM defers for LoRA budgets and KV transfers, which are not modelled).
    m.waitingByReason.set({ ...L, reason: "capacity" }, () => this.waiting.length);
    m.waitingByReason.set({ ...L, reason: "deferred" }, () => 0);
    m.kvUsage.set(L, () => this.kvBlocksUsed() / this.kvBlocksTotal());
    // vLLM's CacheConfig.metrics_info() plus `engine`, and no model_name (loggers.py log_metrics_info).
    const sizeTokens = this.kvBlocksTotal() * BLOCK;
    m.cacheInfo.set(
      {
        block_size: String(BLOCK),
        cache_dtype: "auto",
        enable_prefix_caching: "True",
        gpu_memory_utilization: "0.9",
        num_gpu_blocks: String(this.kvBlocksTotal()),
        num_cpu_blocks: "None",
        kv_cache_size_tokens: String(sizeTokens),
        kv_cache_max_concurrency: (sizeTokens / opts.maxModelLen).toFixed(2),
        engine: L.engine,
      },
      () => 1,
    );
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
    const cached = Math.min(req.cachedPrefixTokens, Math.max(0, req.promptTokens - 1));
    const s: State = {
      ...req,
      arrival: now(),
      prefilled: 0,
      prefillTarget: req.promptTokens,
      generated: 0,
      preemptions: 0,
      cached,
      done: false,
    };
    if (this.fixed) return this.runFixed(s);
    this.waiting.push(s);
    this.kick();
    return () => this.abort(s);
  }

  private abort(s: State) {
    if (s.done) return;
    this.waiting = this.waiting.filter((r) => r !== s);
    this.running = this.running.filter((r) => r !== s);
    this.finish(s, "abort");
  }

  /** The scheduler admits a request for the first time: vLLM's prefix-cache stats are taken here. */
  private schedule(s: State, t: number) {
    s.scheduledAt = t;
    this.m.prefixQueries.inc(this.m.labels, s.promptTokens);
    this.m.prefixHits.inc(this.m.labels, s.cachedPrefixTokens);
  }

  private runFixed(s: State): () => void {
    const sp = this.opts.speedup;
    this.fixedCount++;
    this.schedule(s, s.arrival);
    let timer: NodeJS.Timeout | undefined;
    let due = s.arrival + this.opts.fixedTtftMs / sp;
    const emit = () => {
      if (s.done) return;
      const t = now();
      // Node dates a timer from the event loop's cached clock, which lags while the loop is busy,
      // so under load a timer can fire a few ms early: wait out the rest rather than send early.
      if (t < due) {
        timer = setTimeout(emit, due - t);
        return;
      }
      // Each stream is its own engine step here: one iteration-tokens observation per token.
      const first = s.firstTokenAt === undefined;
      this.m.iterationTokens.observe(this.m.labels, (first ? s.promptTokens : 0) + 1);
      if (this.emitToken(s, t)) return;
      // Schedule against the ideal timeline so timer jitter does not accumulate.
      due = s.firstTokenAt! + (s.generated * this.opts.fixedItlMs) / sp;
      timer = setTimeout(emit, Math.max(0, due - now()));
    };
    timer = setTimeout(emit, due - now());
    return () => {
      if (s.done) return;
      clearTimeout(timer);
      this.finish(s, "abort");
    };
  }

  private kick() {
    if (!this.timer && (this.waiting.length || this.running.length)) this.timer = setTimeout(() => this.step(), 0);
  }

  private step() {
    this.timer = undefined;
    const t0 = now();
    // Admit waiting requests while the batch and the KV cache have room.
    while (this.waiting.length && this.running.length < this.opts.maxNumSeqs) {
      const next = this.waiting[0];
      if (this.kvBlocksUsed() + this.blocksFor(next) > this.kvBlocksTotal() && this.running.length > 0) break;
      this.waiting.shift();
      if (next.scheduledAt === undefined) this.schedule(next, t0);
      this.running.push(next);
    }
    // Decode growth may overflow the cache: preempt the youngest until it fits.
    while (this.running.length > 1 && this.kvBlocksUsed() >= this.kvBlocksTotal()) {
      const victim = this.running.pop()!;
      victim.prefilled = 0; // recompute: prompt and generated tokens are prefilled again
      victim.prefillTarget = victim.promptTokens + victim.generated;
      victim.preemptions++;
      this.waiting.unshift(victim);
      this.m.preemptions.inc(this.m.labels);
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
    const stepMs =
      ((this.opts.stepBaseMs +
        this.opts.perSeqMs * (decoding.length + finishingPrefill.length) +
        this.opts.prefillPerTokenMs * prefillTokens) *
        this.opts.slowdown) /
      this.opts.speedup;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const t = now();
      let iterationTokens = 0;
      let produced = false;
      for (const r of [...finishingPrefill, ...decoding]) {
        if (r.done || !this.running.includes(r)) continue;
        if (r.firstTokenAt === undefined) iterationTokens += r.promptTokens;
        iterationTokens++;
        produced = true;
        if (this.emitToken(r, t)) this.running = this.running.filter((x) => x !== r);
      }
      if (produced) this.m.iterationTokens.observe(this.m.labels, iterationTokens);
      this.kick();
    }, stepMs);
  }

  /** Emits one token; returns true when the request is finished (last token, or cut by the server). */
  private emitToken(r: State, t: number): boolean {
    const L = this.m.labels;
    if (r.firstTokenAt === undefined) {
      r.firstTokenAt = t;
      this.m.ttft.observe(L, (t - r.arrival) / 1000);
      // Prompt tokens count when the first token comes out (IterationStats, is_prefilling).
      this.m.promptTokens.inc(L, r.promptTokens);
      this.m.promptTokensBySource.inc({ ...L, source: "local_compute" }, r.promptTokens - r.cached);
      this.m.promptTokensBySource.inc({ ...L, source: "local_cache_hit" }, r.cached);
      this.m.promptTokensCached.inc(L, r.cached);
      // A prompt found whole in the cache still computes its last token.
      this.m.promptTokensRecomputed.inc(L, r.cachedPrefixTokens >= r.promptTokens ? 1 : 0);
      if (this.fixed) this.timing.record(r.id, "ttft", t - r.arrival);
    } else {
      this.m.itl.observe(L, (t - r.lastTokenAt!) / 1000);
      if (this.fixed) this.timing.record(r.id, "itl", t - r.lastTokenAt!);
    }
    r.lastTokenAt = t;
    r.generated++;
    this.tokensGenerated++;
    this.m.generationTokens.inc(L);
    const cut = r.cutAfterTokens > 0 && r.generated >= r.cutAfterTokens;
    const reason: FinishedReason | null =
      r.generated >= r.outputTokens ? (r.outputTokens >= r.maxTokens ? "length" : "stop") : null;
    r.onToken(r.generated - 1, cut ? null : reason);
    if (cut) this.finish(r, "abort");
    else if (reason) this.finish(r, reason);
    return r.done;
  }

  private finish(r: State, reason: FinishedReason) {
    if (r.done) return;
    r.done = true;
    if (this.fixed) this.fixedCount--;
    const L = this.m.labels;
    const t = now();
    const s = (ms: number) => Math.max(0, ms) / 1000;
    const first = r.firstTokenAt;
    const last = r.lastTokenAt;
    this.m.success.inc({ ...L, finished_reason: reason });
    this.m.e2e.observe(L, s(t - r.arrival));
    this.m.queue.observe(L, s((r.scheduledAt ?? t) - r.arrival));
    this.m.prefill.observe(L, r.scheduledAt !== undefined && first !== undefined ? s(first - r.scheduledAt) : 0);
    this.m.inference.observe(L, r.scheduledAt !== undefined && last !== undefined ? s(last - r.scheduledAt) : 0);
    const decode = first !== undefined && last !== undefined ? s(last - first) : 0;
    this.m.decode.observe(L, decode);
    this.m.tpot.observe(L, r.generated > 1 ? decode / (r.generated - 1) : 0);
    this.m.prefillKvComputed.observe(L, r.promptTokens - (r.scheduledAt !== undefined ? r.cached : 0));
    this.m.promptLen.observe(L, r.promptTokens);
    this.m.genLen.observe(L, r.generated);
    this.m.paramsMaxTokens.observe(L, r.maxTokens);
    this.m.maxGenTokens.observe(L, r.maxTokens);
    this.m.paramsN.observe(L, 1);
    this.m.numPreemptions.observe(L, r.preemptions);
    r.onFinish(reason);
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
