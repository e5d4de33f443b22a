// The verdict of one rate (bench/plan/judge.ts): a pass must rest on enough requests and on a
// steady window, a miss must be sure, and a window with no request is no data.
import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../bench/client/request";
import { judge, type SteadyWindow } from "../../bench/plan/judge";

/** Requests starting evenly over [from, to) s with TTFT from `ttft(i, startS)` ms (ITL 20 ms). */
function window(n: number, ttft: (i: number, startS: number) => number, from = 5, to = 45): SteadyWindow {
  const records: RequestRecord[] = Array.from({ length: n }, (_, i) => {
    const start_s = from + ((to - from) * i) / n;
    const t = ttft(i, start_s);
    return {
      request_id: `r${i}`,
      scenario: "s",
      start_s,
      success: true,
      prompt_tokens: 32,
      output_tokens: 8,
      ttft_ms: t,
      e2el_ms: t + 140,
      tpot_ms: 20,
      itl_ms: Array(7).fill(20),
    };
  });
  return { records, fromS: from, toS: to };
}
/** TTFT spread evenly over [a, b) ms in a shuffled order (no trend over the window). */
const spread = (n: number, a: number, b: number) => (i: number) => a + ((b - a) * ((i * 7919) % n)) / n;

describe("judging one rate", () => {
  it("passes when the P95's whole interval is inside the limit, misses when it is wholly outside", () => {
    const slo = { ttft_p95_ms: 500 };
    expect(judge([window(800, spread(800, 100, 400))], slo).verdict).toBe("pass");
    const miss = judge([window(800, spread(800, 100, 700))], slo);
    expect(miss.verdict).toBe("miss");
    expect(miss.slos[0].low).toBeGreaterThan(500);
    expect(miss.samples).toBe(800);
  });

  it("calls a P95 that passes on a few dozen requests unsure, not a pass: one lucky draw must not raise the answer", () => {
    // P95 of 40 requests spread over 100…520 ms is ~490 ms: the point estimate passes a 500 ms
    // limit, but its interval (ranks 95 % ± 6.8 %) reaches the slowest requests.
    const few = judge([window(40, spread(40, 100, 520))], { ttft_p95_ms: 500 });
    expect(few.slos[0].value).toBeLessThanOrEqual(500);
    expect(few.slos[0].high).toBeGreaterThan(500);
    expect(few.verdict).toBe("unsure");
    // The same spread over 2000 requests is sure enough.
    expect(judge([window(2000, spread(2000, 100, 500))], { ttft_p95_ms: 510 }).verdict).toBe("pass");
  });

  it("calls a window whose later half already misses unsure: the queue was still building", () => {
    // Flat 150 ms, then growing 200 ms per second over the last 5 s: the whole window's P95
    // passes (a point estimate would call it a pass), the later half's does not, and the last
    // slice's P95 pulls the batch-means interval past the limit.
    const w = window(800, (i, t) => (t < 40 ? 150 : 150 + (t - 40) * 200) + (i % 5));
    const j = judge([w], { ttft_p95_ms: 900 });
    expect(j.slos[0].value).toBeLessThanOrEqual(900);
    expect(j.slos[0].late).toBeGreaterThan(900);
    expect(j.slos[0].high).toBeGreaterThan(900);
    expect(j.verdict).toBe("unsure");
  });

  it("pools the runs of one rate: more requests narrow the interval", () => {
    const one = judge([window(100, spread(100, 100, 500))], { ttft_p95_ms: 500 });
    const three = judge(
      [1, 2, 3].map(() => window(100, spread(100, 100, 500))),
      { ttft_p95_ms: 500 },
    );
    expect(three.samples).toBe(300);
    expect(three.slos[0].high - three.slos[0].low).toBeLessThan(one.slos[0].high - one.slos[0].low);
  });

  it("counts requests of bursty arrivals for less: gamma shape 0.25 widens the interval as a quarter of the requests would", () => {
    const poisson = window(400, spread(400, 100, 500));
    const bursty = { ...poisson, burstiness: 0.25 };
    const quarter = window(100, spread(100, 100, 500));
    const [p, b, q] = [poisson, bursty, quarter].map((w) => judge([w], { ttft_p95_ms: 600 }).slos[0]);
    expect(b.high - b.low).toBeGreaterThan(p.high - p.low);
    expect(b.high).toBeCloseTo(q.high, -1);
  });

  it("judges a window with no request as no data, neither a pass nor a miss", () => {
    const j = judge([window(0, () => 0)], { ttft_p95_ms: 500, success_rate: 0.99 });
    expect(j.verdict).toBe("no-data");
    expect(j.samples).toBe(0);
    expect(j.slos.map((s) => s.verdict)).toEqual(["no-data", "no-data"]);
  });

  it("counts a request that timed out waiting for its first token as too late, not as missing", () => {
    const w = window(100, () => 100);
    for (const r of w.records.slice(0, 10)) {
      r.success = false;
      r.error_kind = "timeout";
      r.ttft_ms = undefined;
      r.e2el_ms = undefined;
    }
    expect(judge([w], { ttft_p95_ms: 500 }).verdict).toBe("miss");
  });

  it("shows the success rate's Wilson interval but judges its point estimate; ITL's interval counts requests, not gaps", () => {
    const w = window(50, () => 100);
    const j = judge([w], { success_rate: 0.99, itl_p95_ms: 50 });
    const sr = j.slos.find((s) => s.name === "success_rate")!;
    expect(sr.value).toBe(1);
    expect(sr.low).toBeLessThan(0.99); // 50 of 50 cannot show 99 % surely...
    expect(sr.verdict).toBe("pass"); // ...and no point of a plan could: the estimate decides
    w.records[0].success = false;
    expect(judge([w], { success_rate: 0.99 }).verdict).toBe("miss");
    expect(j.slos.find((s) => s.name === "itl_p95_ms")!.samples).toBe(50);
  });
});

describe("judging one rate over several runs", () => {
  it("calls two runs that each pass but disagree unsure: the runs' own spread is the interval", () => {
    const slo = { ttft_p95_ms: 500 };
    // Each run alone is a sure pass (P95 ~385 and ~460 ms over 800 requests), and so is their
    // pool by ranks and slices; but two replicates 75 ms apart put the mean + t·se far past 500.
    const a = window(800, spread(800, 100, 400));
    const b = window(800, spread(800, 100, 480));
    expect(judge([a], slo).verdict).toBe("pass");
    expect(judge([b], slo).verdict).toBe("pass");
    const two = judge([a, b], slo);
    expect(two.slos[0].high).toBeGreaterThan(500);
    expect(two.verdict).toBe("unsure");
    // Two runs that agree pass, and a third run in agreement narrows the interval further.
    const c = window(800, spread(800, 100, 402));
    expect(judge([a, c], slo).verdict).toBe("pass");
    const d = window(800, spread(800, 100, 401));
    expect(judge([a, c, d], slo).slos[0].high).toBeLessThan(judge([a, c], slo).slos[0].high);
  });
});
