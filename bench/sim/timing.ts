// What the simulator itself delivered in fixed-latency mode: the TTFT and inter-token gaps as
// measured at the moment each token is handed to the socket, per request id (vLLM's: the
// client's X-Request-Id with the response prefix). `npm run bench:client` matches them token by
// token with what the client measured, which separates the client's own error from the server's
// (and the machine's) jitter. Bounded: the first LIMIT values since the last reset are kept, then
// `truncated` is set. The engine-model mode records nothing (it may run for days in a cluster).

const LIMIT = 1_000_000;

export interface RequestTiming {
  ttft_ms?: number;
  itl_ms: number[];
}

export class TimingLog {
  private requests = new Map<string, RequestTiming>();
  private values = 0;
  private truncated = false;

  record(id: string, kind: "ttft" | "itl", ms: number) {
    if (this.values >= LIMIT) {
      this.truncated = true;
      return;
    }
    this.values++;
    const v = Math.round(ms * 1000) / 1000;
    // A first token starts the request's entry afresh: a client may reuse an X-Request-Id.
    if (kind === "ttft") this.requests.set(id, { ttft_ms: v, itl_ms: [] });
    else this.requests.get(id)?.itl_ms.push(v);
  }

  /** Raw values in milliseconds, pooled and per request (the caller computes its own statistics). */
  snapshot() {
    const all = [...this.requests.values()];
    return {
      ttft_ms: all.flatMap((r) => (r.ttft_ms === undefined ? [] : [r.ttft_ms])),
      itl_ms: all.flatMap((r) => r.itl_ms),
      truncated: this.truncated,
      requests: Object.fromEntries(this.requests),
    };
  }

  reset() {
    this.requests.clear();
    this.values = 0;
    this.truncated = false;
  }
}
