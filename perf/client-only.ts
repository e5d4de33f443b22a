// The client's own error, apart from the server's: each gap a client measured, matched by
// request id and position with the gap the simulator reported sending (GET /sim/timing, keyed by
// vLLM's response id, the client's X-Request-Id after the prefix). A request whose token count
// differs on the two sides is left out and lowers `matched` (the share of requests used).

export type Served = { itl_ms: number[]; truncated: boolean; requests: Record<string, { itl_ms: number[] }> };

/** The configured gap plus, per token, what a client measured minus what the simulator sent. */
export function clientOnlyGaps(measured: Map<string, number[]>, served: Served, configuredMs: number) {
  const gaps: number[] = [];
  let matched = 0;
  for (const [id, itl] of measured) {
    const s = served.requests[`cmpl-${id}`] ?? served.requests[`chatcmpl-${id}`];
    if (!s || s.itl_ms.length !== itl.length) continue;
    matched++;
    itl.forEach((c, i) => gaps.push(configuredMs + c - s.itl_ms[i]));
  }
  return { gaps: gaps.sort((a, b) => a - b), matched: measured.size ? matched / measured.size : 0 };
}
