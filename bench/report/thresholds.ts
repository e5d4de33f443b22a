import type { ThresholdResult } from "../client/stats";
import {
  isRateThreshold,
  LATENCY_LABELS,
  LATENCY_UNIT,
  parseLatencyThreshold,
  RATE_THRESHOLD_LABELS,
  thresholdUnit,
} from "../contract";

// Threshold rows people read: "P95 TTFT 133.7 ms ≤ 2000 ms: pass".

const STAT = (s: string) => (s === "mean" ? "Mean" : s === "median" ? "Median" : s.toUpperCase());
const num = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : String(v));

export function thresholdLabel(name: string): string {
  const t = parseLatencyThreshold(name);
  if (t) return `${STAT(t.stat)} ${LATENCY_LABELS[t.metric].short}`;
  return isRateThreshold(name) ? RATE_THRESHOLD_LABELS[name].label : name;
}

export function thresholdText(t: ThresholdResult): string {
  const verdict = t.passed ? "pass" : "FAIL";
  // No request measured (a run stopped in its warm-up, or every request failed before a token).
  if (!Number.isFinite(t.value)) return `${thresholdLabel(t.name)}: no data: ${verdict}`;
  if (parseLatencyThreshold(t.name))
    return `${thresholdLabel(t.name)} ${num(t.value)} ${LATENCY_UNIT} ≤ ${num(t.limit, t.limit % 1 ? 1 : 0)} ${LATENCY_UNIT}: ${verdict}`;
  if (t.name === "success_rate") return `Success rate ${num(t.value * 100)} % ≥ ${num(t.limit * 100)} %: ${verdict}`;
  const unit = thresholdUnit(t.name);
  return `${thresholdLabel(t.name)} ${num(t.value)} ${unit} ≥ ${num(t.limit, t.limit % 1 ? 1 : 0)} ${unit}: ${verdict}`;
}
