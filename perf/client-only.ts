// The client's own error, apart from the server's: each gap a client measured, matched by
// request id and position with the gap the simulator reported sending (GET /sim/timing, keyed by
// vLLM's response id, the client's X-Request-Id after the prefix). A request whose token count
// differs on the two sides is left out and lowers `matched` (the share of requests used).

export type Served = { itl_ms: number[]; truncated: boolean; requests: Record<string, { itl_ms: number[] }> };

/**
 * Per token, what a client measured minus what the simulator sent (ms), sorted. A client that
 * times the chat role chunk as the first token (vLLM's does) has one gap more than the simulator
 * at the front, the role-to-content gap within one read; it is dropped.
 */
export function ownErrors(measured: Map<string, ArrayLike<number>>, served: Served) {
  const errors: number[] = [];
  let matched = 0;
  for (const [id, itl] of measured) {
    const s = served.requests[`cmpl-${id}`] ?? served.requests[`chatcmpl-${id}`];
    const skip = s ? itl.length - s.itl_ms.length : -1;
    if (!s || (skip !== 0 && skip !== 1)) continue;
    matched++;
    for (let i = 0; i < s.itl_ms.length; i++) errors.push(itl[i + skip] - s.itl_ms[i]);
  }
  return { errors: errors.sort((a, b) => a - b), matched: measured.size ? matched / measured.size : 0 };
}

/** The configured gap plus each own error: what the client would report against a perfectly regular server. */
export function clientOnlyGaps(measured: Map<string, ArrayLike<number>>, served: Served, configuredMs: number) {
  const { errors, matched } = ownErrors(measured, served);
  return { gaps: errors.map((e) => configuredMs + e), matched };
}
