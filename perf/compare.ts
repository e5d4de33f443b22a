// `npm run bench:compare`: how often `vllm-bench compare` calls noise a regression, and how often
// it catches a real one. Pairs of back-to-back simulator runs of one setup (false-regression
// rate, must be ≤ 5 %) and pairs whose second run has the simulator's TTFT and inter-token gap
// 20 % longer (detection rate, must be ≥ 95 %), compared at the default tolerance and α.
//   npm run bench:compare [-- --pairs 40 --slowdown 1.2]
import { entryArgs } from "../scripts/entry-args";
import { DEFAULT_COMPARE } from "../bench/compare/verdict";
import { comparePairs } from "./compare-pairs";

const values = entryArgs("Usage: npm run bench:compare -- [--pairs 40] [--slowdown 1.2]", {
  pairs: { type: "string", default: "40" },
  slowdown: { type: "string", default: "1.2" },
});
const pairs = Number(values.pairs),
  slowdown = Number(values.slowdown);
const t0 = performance.now();
const outcomes = await comparePairs(pairs, [1, slowdown], {}, (o, i) =>
  console.log(
    `pair ${String(i).padStart(3)} slowdown ${o.slowdown}: ${o.regressions.length ? `REGRESSION (${o.regressions.join(", ")})` : "no regression"}`,
  ),
);
const rate = (s: number) => {
  const these = outcomes.filter((o) => o.slowdown === s);
  return { called: these.filter((o) => o.regressions.length).length, of: these.length };
};
const same = rate(1),
  slow = rate(slowdown);
const pct = (r: { called: number; of: number }) => `${r.called}/${r.of} = ${((100 * r.called) / r.of).toFixed(1)} %`;
console.log(
  `\ntolerance ${DEFAULT_COMPARE.tolerance}, α ${DEFAULT_COMPARE.alpha} (Holm), ${DEFAULT_COMPARE.resamples} bootstrap resamples; ${((performance.now() - t0) / 1000).toFixed(0)} s`,
);
console.log(`false regressions, back-to-back runs of one setup: ${pct(same)} (must be ≤ 5 %)`);
console.log(
  `caught ${Math.round((slowdown - 1) * 100)} % slowdowns:                     ${pct(slow)} (must be ≥ 95 %)`,
);
process.exitCode = same.called / same.of <= 0.05 && slow.called / slow.of >= 0.95 ? 0 : 1;
