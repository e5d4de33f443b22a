// The accuracy study's reference (perf/plan-sweep.ts): where a sweep's pooled P95s cross their
// limits, and the ends its windows' bootstrap intervals allow.
import { describe, expect, it } from "vitest";
import { crossing, type SweepPoint } from "../../perf/plan-sweep";

const at = (rate: number, ttft: number, itl = 10, spread = 0): SweepPoint => ({
  rate,
  counted: 1000,
  countedS: 180,
  ttftP95Ms: ttft,
  itlP95Ms: itl,
  passed: ttft <= 500,
  windows: [],
  ...(spread ? { interval: { ttftP95Ms: [ttft - spread, ttft + spread], itlP95Ms: [itl, itl] } } : {}),
});

describe("crossing", () => {
  it("interpolates between the last rate under the limit and the first over it, not the grid's last pass", () => {
    const c = crossing([at(12, 600), at(10, 400), at(11, 450)], { ttftP95Ms: 500 });
    expect(c.rate).toBeCloseTo(11 + 50 / 150);
  });

  it("takes the lower of TTFT's and ITL's crossings", () => {
    const points = [at(10, 100, 40), at(11, 200, 60), at(12, 600, 70)];
    expect(crossing(points, { ttftP95Ms: 500 }).rate).toBeCloseTo(11.75);
    expect(crossing(points, { ttftP95Ms: 500, itlP95Ms: 50 }).rate).toBeCloseTo(10.5);
  });

  it("gives the reference's own range from its intervals' ends: the upper ends cross first", () => {
    const c = crossing([at(10, 400, 10, 50), at(11, 480, 10, 50), at(12, 560, 10, 50)], { ttftP95Ms: 500 });
    expect(c.rate).toBeCloseTo(11.25);
    expect(c.low).toBeCloseTo(10 + 50 / 80); // 450, 530, 610
    expect(c.high).toBeCloseTo(11 + 70 / 80); // 350, 430, 510
  });

  it("is null when the sweep does not bracket the limit", () => {
    expect(crossing([at(10, 100), at(11, 200)], { ttftP95Ms: 500 }).rate).toBeNull();
    expect(crossing([at(10, 600), at(11, 700)], { ttftP95Ms: 500 }).rate).toBeNull();
    // ITL over its limit at the lowest rate: below the range, whatever TTFT says.
    expect(crossing([at(10, 100, 80), at(11, 600, 90)], { ttftP95Ms: 500, itlP95Ms: 50 }).rate).toBeNull();
  });
});
