// What each synthetic vLLM pod is doing at time t: a day curve per deployment, slow bursts per pod,
// and the latencies and lengths that follow from the load. Pure functions of (pod, t), so every
// metric of a pod agrees with every other (the TTFT and E2E histograms count the same requests).
import type { Pod } from "./fleet";

/** Requests per second one pod serves before its queue grows. */
export const POD_CAPACITY_RPS = 3;
/** vLLM's max-num-seqs: the running batch never exceeds it. */
export const MAX_NUM_SEQS = 256;

export interface LogNormal {
  median: number;
  sigma: number;
}

export interface PodState {
  /** Requests per second arriving at the pod. */
  rate: number;
  /** Load relative to capacity; above 1 the queue builds. */
  load: number;
  ttft: LogNormal;
  itl: LogNormal;
  tpot: LogNormal;
  e2e: LogNormal;
  queue: LogNormal;
  prefill: LogNormal;
  decode: LogNormal;
  promptTokens: LogNormal;
  generationTokens: LogNormal;
  maxTokens: LogNormal;
  running: number;
  waiting: number;
  kvCacheUsage: number;
}

const hourOfDay = (t: number) => (((t / 3600) % 24) + 24) % 24;

export function podState(pod: Pod, podIndex: number, podsPerDeployment: number, t: number): PodState {
  const d = pod.deployment;
  const day = 0.55 + 0.45 * Math.cos((2 * Math.PI * (hourOfDay(t) - d.peakHour)) / 24);
  const burst = 1 + 0.15 * Math.sin(t / 1021 + podIndex) + 0.1 * Math.sin(t / 4271 + 2 * podIndex);
  const rate = (d.peakRate * day * burst * pod.weight) / podsPerDeployment;
  const load = rate / POD_CAPACITY_RPS;
  const over = Math.max(0, load - 0.85);
  const prompt = 900;
  const generation = 220;
  const itl = 0.018 * (1 + 0.8 * load);
  const ttft = 0.06 + (prompt / 40_000) * (1 + 3 * load * load) + 4 * over;
  const queue = 0.004 + 6 * over;
  const decode = generation * itl;
  const e2e = queue + ttft + decode;
  return {
    rate,
    load,
    ttft: { median: ttft, sigma: 0.55 },
    itl: { median: itl, sigma: 0.35 },
    tpot: { median: itl * 1.03, sigma: 0.15 },
    e2e: { median: e2e, sigma: 0.6 },
    queue: { median: queue, sigma: 1.0 },
    prefill: { median: prompt / 40_000 + 0.01, sigma: 0.7 },
    decode: { median: decode, sigma: 0.6 },
    promptTokens: { median: prompt, sigma: 0.9 },
    generationTokens: { median: generation, sigma: 0.8 },
    maxTokens: { median: 512, sigma: 0.4 },
    running: Math.min(MAX_NUM_SEQS, Math.round(rate * (e2e - queue))),
    waiting: Math.round(rate * queue),
    kvCacheUsage: Math.min(1, 0.12 + 0.78 * Math.min(load, 1.1)),
  };
}

/** P(X ≤ x) for a log-normal with the given median and sigma. */
export function logNormalCdf(x: number, { median, sigma }: LogNormal): number {
  if (x <= 0) return 0;
  return 0.5 * (1 + erf(Math.log(x / median) / (sigma * Math.SQRT2)));
}

export const logNormalMean = ({ median, sigma }: LogNormal) => median * Math.exp((sigma * sigma) / 2);

// Abramowitz-Stegun 7.1.26 (error below 1.5e-7): plenty for bucket fractions.
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}
