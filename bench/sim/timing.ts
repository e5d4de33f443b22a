// What the simulator itself delivered in fixed-latency mode: the TTFT and inter-token gaps as
// measured at the moment each token is handed to the socket. `npm run bench:client` compares
// them with what the client measured, which separates the client's own error from the server's
// (and the machine's) jitter. Bounded: the first LIMIT values since the last reset are kept, then
// `truncated` is set. The engine-model mode records nothing (it may run for days in a cluster).

const LIMIT = 1_000_000;

export class TimingLog {
  private ttft: number[] = [];
  private itl: number[] = [];
  private truncated = false;

  record(kind: "ttft" | "itl", ms: number) {
    const into = kind === "ttft" ? this.ttft : this.itl;
    if (into.length < LIMIT) into.push(Math.round(ms * 1000) / 1000);
    else this.truncated = true;
  }

  /** Raw values in milliseconds (the caller computes its own statistics, with its own definitions). */
  snapshot() {
    return { ttft_ms: this.ttft, itl_ms: this.itl, truncated: this.truncated };
  }

  reset() {
    this.ttft = [];
    this.itl = [];
    this.truncated = false;
  }
}
