import type { ThresholdResult } from "../client/stats";

// Threshold rows people read: "P95 TTFT 133.7 ms ≤ 2000 ms: pass".

const METRIC: Record<string, string> = { ttft: "TTFT", tpot: "TPOT", itl: "ITL", e2el: "E2E latency" };
const STAT = (s: string) => (s === "mean" ? "Mean" : s === "median" ? "Median" : s.toUpperCase());
const num = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : String(v));

export function thresholdLabel(name: string): string {
  const m = name.match(/^(ttft|tpot|itl|e2el)_(.+)_ms$/);
  if (m) return `${STAT(m[2])} ${METRIC[m[1]]}`;
  return (
    (
      {
        throughput_min: "Output throughput",
        request_throughput_min: "Request throughput",
        output_rate_per_request_min: "Mean output rate per request",
        success_rate: "Success rate",
      } as Record<string, string>
    )[name] ?? name
  );
}

export function thresholdText(t: ThresholdResult): string {
  const verdict = t.passed ? "pass" : "FAIL";
  // No request measured (a run stopped in its warm-up, or every request failed before a token).
  if (!Number.isFinite(t.value)) return `${thresholdLabel(t.name)}: no data: ${verdict}`;
  if (/_ms$/.test(t.name))
    return `${thresholdLabel(t.name)} ${num(t.value)} ms ≤ ${num(t.limit, t.limit % 1 ? 1 : 0)} ms: ${verdict}`;
  if (t.name === "success_rate") return `Success rate ${num(t.value * 100)} % ≥ ${num(t.limit * 100)} %: ${verdict}`;
  const unit = t.name === "request_throughput_min" ? "req/s" : "tok/s";
  return `${thresholdLabel(t.name)} ${num(t.value)} ${unit} ≥ ${num(t.limit, t.limit % 1 ? 1 : 0)} ${unit}: ${verdict}`;
}
