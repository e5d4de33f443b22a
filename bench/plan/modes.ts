// The two search modes' defaults, and what a plan run with less than the full search gave up. The
// CLI's defaults and the plan's "traded away" lines read this one table.

export interface SearchMode {
  pointDurationS: number;
  warmupS: number;
  /** The answer measured once more with a point this long (its warm-up too); none: not confirmed. */
  confirm?: { pointDurationS: number; warmupS: number };
  precision: number;
  maxPoints: number;
  /** Measurements of an unsure rate at most. */
  repeats: number;
  /** Runs the answer rests on at least, judged together (bursty arrivals may ask more: search.ts). */
  answerRuns: number;
}

// Precision 2.5 %: the bracket's width is part of the answer's error, so a 5 % bracket alone could
// use up a ±5 % accuracy target and leave nothing for the measurement's own noise near the knee.
// Up to 5 runs of an unsure rate: near the knee one run's P95 moves by more than the margin asked
// for, and with 3 the runs' spread (t = 4.3) left rates 2–5 % below the knee unsure, so the answer
// fell 6.5–9.3 % below a sweep's limit on two of four shapes (docs/benchmark.md, "How close the
// plan comes to a sweep"); with 5 the three Poisson shapes came within 4.2 % (bursty arrivals: see there).
// The answer on 8 runs: near a steep knee a 45 s window holds a few independent looks at the
// tail, and most windows are calm, so two calm runs at a rate above the long-run limit agree and
// pass (batch-limited at +4 % over its limit: half of all windows meet the SLO). Over 40 seeds of
// each shape on the engine in virtual time (docs/benchmark.md, "The plan's error over many
// seeds"), 2 runs answered up to 8.3 % above the long-run limit (11 of 40 plans above it), 8 runs
// at most 1.5 % (6 of 40 on batch-limited, whose long-run P95 there is 3 % over its limit: half of
// all 20-minute runs meet it), for 1.3 to 1.8 times the measuring, most of it at the answer.
export const FULL: SearchMode = {
  pointDurationS: 60,
  warmupS: 15,
  precision: 0.025,
  maxPoints: 14,
  repeats: 5,
  answerRuns: 8,
};
// Quick's short points start from an empty server and end before a mild overload has built its
// queue, so its answer is confirmed by two runs as long as the full search's, judged together
// with their spread: quick gives up precision (a coarser bracket) and runs (two, not eight: eight
// changed nothing for quick in the virtual study, whose coarse bracket already sits below the
// limit, apart from batch-limited's 7.23 req/s, 1.5 % above, which no run length here tells from
// it), never the length of the runs its answer rests on. (A 30 s confirmation passed a
// batch-limited setting 20 % above a 70 s sweep's limit; one 60 s run still passed it 7.8 % above.)
export const QUICK: SearchMode = {
  pointDurationS: 8,
  warmupS: 2,
  precision: 0.2,
  maxPoints: 6,
  repeats: 1,
  answerRuns: 2,
  confirm: { pointDurationS: FULL.pointDurationS, warmupS: FULL.warmupS },
};

const pct = (f: number) => String(Math.round(f * 1000) / 10);

/** What these settings give up against the full search (empty: nothing). */
export function tradedAway(s: SearchMode): string[] {
  const out: string[] = [];
  const counted = s.pointDurationS - s.warmupS;
  const fullCounted = FULL.pointDurationS - FULL.warmupS;
  if (counted < fullCounted)
    out.push(
      `${counted} s counted per point instead of ${fullCounted} s: about ${Math.round((100 * counted) / fullCounted)} % of the requests per percentile, so wider intervals and more rates judged unsure`,
    );
  if (s.warmupS < FULL.warmupS)
    out.push(
      `${s.warmupS} s warm-up instead of ${FULL.warmupS} s: near the knee the queue may still be building; such a rate is judged unsure, never a pass`,
    );
  if (s.precision > FULL.precision)
    out.push(
      `bisection stops at ${pct(s.precision)} % instead of ${pct(FULL.precision)} %: the answer may sit up to that far below the capacity`,
    );
  if (s.repeats < FULL.repeats)
    out.push(
      `${s.repeats} measurement(s) of an unsure rate instead of up to ${FULL.repeats}: an unsure rate counts as not sustainable`,
    );
  if (s.maxPoints < FULL.maxPoints) out.push(`at most ${s.maxPoints} rates instead of ${FULL.maxPoints}`);
  if (s.answerRuns < FULL.answerRuns)
    out.push(
      `the answer rests on ${s.answerRuns} runs instead of ${FULL.answerRuns}: near a steep knee a few calm runs can agree at a rate the long run does not hold`,
    );
  if (s.confirm)
    out.push(
      `only the answer got long points (two or three runs of ${s.confirm.pointDurationS} s, ${s.confirm.warmupS} s warm-up, judged together), stepping down by the precision until they passed`,
    );
  if (s.confirm && (s.confirm.pointDurationS - s.confirm.warmupS < fullCounted || s.confirm.warmupS < FULL.warmupS))
    out.push(
      `confirmation runs shortened to ${s.confirm.pointDurationS} s (${s.confirm.warmupS} s warm-up) from ${FULL.pointDurationS} s (${FULL.warmupS} s): a queue that builds slowly near the knee may not show in them, so the answer is no longer a sure lower bound`,
    );
  return out;
}
