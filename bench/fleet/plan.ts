// One seeded plan, split by request index. Every shard computes the whole arrival schedule from
// the same seed and sends only the requests whose index it owns (index mod count), at the offset
// the single-process plan gives them, with the same request id and prompt. So the union of the
// shards' requests is exactly what one process would send; only the concurrency cap is split
// (each shard caps its own share, the shares sum to the scenario's cap).
import { arrivalGaps, gamma, rng } from "../client/random";
import type { Scenario } from "../contract";

export interface Shard {
  index: number;
  count: number;
}

/** What run.ts needs to run one shard of a scenario. */
export interface ShardHooks extends Shard {
  /** Resolves with the agreed start (epoch ms) once every shard is ready for `scenario`. */
  waitStart?: (scenario: string) => Promise<number>;
  /** The epoch ms at which this shard's main run of `scenario` actually started. */
  started?: (scenario: string, epochMs: number) => void;
}

/** A piecewise-linear rate: [seconds since start, requests/s] points (the autoscaling rehearsal). */
export type RateProfile = [number, number][];

export const owns = (shard: Shard | undefined, i: number): boolean => !shard || i % shard.count === shard.index;

/** This shard's share of a concurrency cap (the shares sum to the cap). */
export function concurrencyShare(cap: number, shard: Shard | undefined): number {
  if (!shard || !Number.isFinite(cap)) return cap;
  return Math.floor(cap / shard.count) + (shard.index < cap % shard.count ? 1 : 0);
}

/**
 * Arrival times (s) of a non-homogeneous process with the profile's rate: unit-rate gamma(shape =
 * burstiness) steps in "operational time", mapped back through the integrated rate, so burstiness
 * means what it means for a constant rate. Ends where the profile ends.
 */
export function profileArrivals(profile: RateProfile, burstiness: number, seed: number): number[] {
  const r = rng(seed);
  const out: number[] = [];
  let need = gamma(r, burstiness, 1 / burstiness);
  for (let k = 0; k + 1 < profile.length; k++) {
    const [t0, r0] = profile[k];
    const [t1, r1] = profile[k + 1];
    const slope = (r1 - r0) / (t1 - t0);
    // Solve r0·x + slope·x²/2 = need for x in [0, t1 - t0], repeatedly within the segment.
    let x = 0;
    for (;;) {
      const area = (to: number) => r0 * to + (slope * to * to) / 2;
      const target = area(x) + need;
      if (target > area(t1 - t0)) {
        need = target - area(t1 - t0);
        break;
      }
      x = Math.abs(slope) < 1e-12 ? target / r0 : (-r0 + Math.sqrt(r0 * r0 + 2 * slope * target)) / slope;
      out.push(t0 + x);
      need = gamma(r, burstiness, 1 / burstiness);
    }
  }
  return out;
}

/** The scenario's gaps (s) between arrivals: the one home of the arrival plan and its seed. */
export function scenarioGaps(
  sc: Pick<
    Scenario,
    "num_prompts" | "request_rate" | "burstiness" | "ramp_up_strategy" | "ramp_up_start_rps" | "ramp_up_end_rps"
  > & { rate_profile?: RateProfile },
  seed: number,
): number[] {
  if (sc.rate_profile)
    return profileArrivals(sc.rate_profile, sc.burstiness, seed + 1).map((t, i, a) => t - (i ? a[i - 1] : 0));
  const ramp = sc.ramp_up_strategy
    ? { strategy: sc.ramp_up_strategy, startRps: sc.ramp_up_start_rps!, endRps: sc.ramp_up_end_rps! }
    : undefined;
  return arrivalGaps(sc.num_prompts, ramp ?? sc.request_rate, sc.burstiness, seed + 1);
}

/** The planned (index, offset s) of every request `shard` sends; all shards together = the single plan. */
export function plannedArrivals(
  sc: Parameters<typeof scenarioGaps>[0],
  seed: number,
  shard?: Shard,
): { index: number; offset_s: number }[] {
  let t = 0;
  return scenarioGaps(sc, seed).flatMap((g, index) => ((t += g), owns(shard, index) ? [{ index, offset_s: t }] : []));
}

/** A profile with the same shape and `peakRps` as its highest rate (--request-rate on a profile). */
export function scaleProfile(profile: RateProfile, peakRps: number): RateProfile {
  const peak = Math.max(...profile.map(([, r]) => r));
  return profile.map(([t, r]) => [t, (r * peakRps) / peak]);
}

/**
 * Streams one client core measures cleanly: its own P99 inter-token error within 25 % of a 20 ms
 * gap (5 ms, the bench:client target). bench:client on the 2-core VM, one worker on its own core,
 * 6 December 2026: 2.0 ms at 100 streams, 3.8–4.2 at 1,000, 4.1–7.3 at 2,000 (docs/benchmark.md, "Where
 * the rest of the error was"). It was 500 while collection pauses set the error (+8 ms at 1,000).
 */
export const CLEAN_STREAMS_PER_CORE = 1000;

/** Default --workers: one per core once the scenario's streams pass what one core measures cleanly. */
export function defaultWorkers(maxStreams: number, cores: number): number {
  if (!(maxStreams > CLEAN_STREAMS_PER_CORE)) return 1;
  return Math.max(1, Math.min(cores, Math.ceil(maxStreams / CLEAN_STREAMS_PER_CORE)));
}
