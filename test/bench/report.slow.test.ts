// The HTML reports as a user sees them: rendered by real Chromium from a file with every
// network request blocked, at a desktop and a narrow width. Axes, percentile markers, SLO lines,
// timelines and the plan's rate curves must be on the page; no two labels may overlap; every
// value must be drawn (a histogram's bars count them all, its rug has a tick for each).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { htmlReport, planReport } from "../../bench/report/html";
import { scenario } from "./report-fixture";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-report-"));

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Box {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Pairs of labels in one plot whose boxes overlap by more than a pixel each way, and labels a
 * rule (a percentile, an SLO, a rate marker) runs through.
 */
function overlaps(boxes: Box[], rules: Box[]): string[] {
  const out: string[] = [];
  for (const a of boxes)
    for (const r of rules)
      if (r.x < a.x + a.w - 1 && r.x + r.w > a.x + 1 && r.y < a.y + a.h - 1 && r.y + r.h > a.y + 1)
        out.push(`"${a.text}" crossed by ${r.text}`);
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (dx > 1 && dy > 1) out.push(`"${a.text}" × "${b.text}"`);
    }
  return out;
}

async function open(html: string, name: string, width = 1400) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const remote: string[] = [];
  await page.route(/^(?!file:)/, (route) => (remote.push(route.request().url()), route.abort()));
  await page.goto(pathToFileURL(file).href);
  const shot = path.join(dir, name.replace(/\.html$/, ".png"));
  await page.screenshot({ path: shot, fullPage: true });
  const plots = await page.$$eval("svg.plot", (svgs) =>
    svgs.map((s) => ({
      label: s.getAttribute("aria-label") ?? "",
      w: s.getBoundingClientRect().width,
      // Vega draws axes as groups with role "graphics-object" and aria-roledescription "axis".
      axes: s.querySelectorAll('[aria-roledescription="axis"]').length,
      text: [...s.querySelectorAll("text")].map((t) => t.textContent ?? ""),
      boxes: [...s.querySelectorAll("text")].flatMap((t) => {
        const b = t.getBoundingClientRect();
        const text = t.textContent ?? "";
        // Vega hides an axis label that would collide by giving it opacity 0: not drawn, not counted.
        const shown = text.trim() && b.width > 0 && getComputedStyle(t).opacity !== "0";
        return shown ? [{ text, x: b.x, y: b.y, w: b.width, h: b.height }] : [];
      }),
      // Vega labels each bar of a histogram "<axis> (binned): lo – hi; count: n".
      binned: [...s.querySelectorAll('[aria-roledescription="bar"]')]
        .map((e) => /count: (\d+)/.exec(e.getAttribute("aria-label") ?? ""))
        .reduce((sum, m) => sum + (m ? Number(m[1]) : 0), 0),
      rug: s.querySelectorAll('[aria-label="rug"]').length,
      rules: [...s.querySelectorAll('[aria-roledescription="rule mark"]')].map((e) => {
        const b = e.getBoundingClientRect();
        return { text: e.getAttribute("aria-label") ?? "a rule", x: b.x, y: b.y, w: b.width, h: b.height };
      }),
      marks: [...s.querySelectorAll("path,rect,line")].filter((e) => {
        const b = e.getBoundingClientRect();
        return b.width > 0 || b.height > 0;
      }).length,
    })),
  );
  const scripts = await page.$$eval("script", (s) => s.length);
  await page.close();
  return { plots, remote, scripts, shotBytes: fs.statSync(shot).size };
}

describe("run report in Chromium", () => {
  it("shows axes with units, P50/P90/P95/P99 markers and SLO lines on each distribution, timelines and scenario comparisons; offline, no script", async () => {
    const results = [scenario("light", 60, 40, 15), scenario("heavy", 80, 300, 45)];
    const baseline = { light: { ...results[0].result, p99_ttft_ms: 30, output_throughput: 400 } };
    const html = htmlReport("vllm-bench: test", "run-1", results, baseline);
    const { plots, remote, scripts, shotBytes } = await open(html, "run.html");
    expect(remote).toEqual([]);
    expect(scripts).toBe(0);
    expect(shotBytes).toBeGreaterThan(50_000);
    for (const p of plots) {
      expect(p.w, p.label).toBeGreaterThan(200);
      expect(p.axes, p.label).toBeGreaterThanOrEqual(1);
      expect(p.marks, p.label).toBeGreaterThan(2);
    }
    const by = (re: RegExp) => plots.filter((p) => re.test(p.label));
    // Four distributions per scenario, each with its percentiles; TTFT and ITL also with their SLO.
    const hists = by(/histogram/);
    expect(hists).toHaveLength(8);
    for (const h of hists) {
      const t = h.text.join("|");
      for (const p of ["P50", "P90", "P95", "P99"]) expect(t, h.label).toMatch(new RegExp(`${p} [\\d.]+ ms`));
      expect(t, h.label).toMatch(/\(ms\)/); // axis title with its unit
      expect(t, h.label).toMatch(/count/);
    }
    // An SLO far above the data is named with an arrow instead of stretching the axis; a near one is a rule.
    expect(by(/Time to first token histogram, light/)[0].text.join("|")).toMatch(/SLO P95 ≤ 2000 ms →/);
    expect(by(/Inter-token latency .*histogram, heavy/)[0].text).toContain("SLO P99 ≤ 60 ms");
    // Timelines over the run, per scenario.
    for (const what of [
      "concurrency over time",
      "request throughput over time",
      "token throughput over time",
      "TTFT percentiles per second",
      "ITL percentiles per second",
    ]) {
      expect(by(new RegExp(what)), what).toHaveLength(2);
      expect(by(new RegExp(what))[0].text).toContain("time since start (s)");
    }
    expect(by(/ITL percentiles per second, heavy/)[0].text.join("|")).toMatch(/P50.*P90.*P95.*P99/);
    expect(by(/by scenario/)).toHaveLength(3);
    expect(by(/against baseline/)).toHaveLength(1);
    // Threshold rows as sentences.
    expect(html).toContain("P95 TTFT ");
    expect(html).toMatch(/P99 ITL [\d.]+ ms ≤ 60 ms: FAIL/);
  }, 60_000);

  it("shows a plan's SLO metric against the rate with the SLO line, the interval's ends and the target, and the rates judged", async () => {
    const points = [2, 4, 8, 5.66, 6.73].map((rate) => {
      const v = 200 * (rate < 6 ? 1 : 8);
      return { rate, passed: v <= 1000, slos: [{ name: "ttft_p95_ms", limit: 1000, value: v, passed: v <= 1000 }] };
    });
    const slo = (value: number, low: number, high: number) => ({
      name: "ttft_p95_ms",
      limit: 1000,
      value,
      low,
      high,
      late: value,
      samples: 300,
    });
    const html = planReport("plan", {
      points,
      slos: { ttft_p95_ms: 1000 },
      sustainable: 5.66,
      knee: 6.73,
      rates: [
        { rate: 5.66, verdict: "pass", measurements: 1, samples: 300, near_knee: true, slos: [slo(200, 180, 260)] },
        { rate: 6.2, verdict: "unsure", measurements: 3, samples: 910, near_knee: true, slos: [slo(950, 800, 1200)] },
        { rate: 6.73, verdict: "miss", measurements: 1, samples: 330, near_knee: true, slos: [slo(1600, 1500, 1700)] },
      ],
      tradedAway: ["bisection stops at 20 % instead of 5 %"],
      target: 3.3,
      summary: "x",
    });
    // The rates the answer rests on, with runs, request counts and intervals; what quick gave up.
    expect(html).toContain(
      "<td>6.20</td><td>unsure</td><td>3</td><td>910</td><td>950 [800, 1200]; 950 (limit 1000)</td>",
    );
    expect(html).toContain("<li>bisection stops at 20 % instead of 5 %</li>");
    const { plots, remote } = await open(html, "plan.html");
    expect(remote).toEqual([]);
    expect(plots).toHaveLength(1);
    const t = plots[0].text.join("|");
    expect(t).toContain("offered rate (req/s)");
    expect(t).toContain("P95 TTFT (ms)");
    expect(t).toContain("SLO ≤ 1000 ms");
    expect(t).toContain("upper end (sure miss) 6.73 req/s");
    expect(t).toContain("sustainable (sure pass) 5.66 req/s");
    expect(t).toContain("HPA target 3.30 req/s");
  }, 60_000);

  it("draws every value, the worst included, and no label over another, at 1400 and 800 px", async () => {
    const light = scenario("light", 60, 40, 15);
    const heavy = scenario("heavy", 80, 300, 45);
    // The worst request, far out in the tail: it must still be drawn.
    heavy.records[7] = { ...heavy.records[7], ttft_ms: 4_000, e2el_ms: 4_000 + 31 * 45 };
    const expected: Record<string, number> = {};
    for (const s of [light, heavy]) {
      const n = s.records.length;
      const name = String(s.result.scenario);
      Object.assign(expected, {
        [`Time to first token histogram, ${name}`]: n,
        [`Time per output token (per request) histogram, ${name}`]: n,
        [`Inter-token latency (every gap) histogram, ${name}`]: n * 31,
        [`End-to-end latency histogram, ${name}`]: n,
      });
    }
    const plan = planReport("plan", {
      points: [2, 4, 5.66, 6.73, 8].map((rate) => ({
        rate,
        passed: rate < 6,
        slos: [
          { name: "ttft_p95_ms", limit: 1000, value: rate < 6 ? 200 : 2000, passed: rate < 6 },
          { name: "success_rate", limit: 0.95, value: 1, passed: true },
        ],
      })),
      slos: { ttft_p95_ms: 1000, success_rate: 0.95 },
      sustainable: 5.66,
      knee: 6.73,
      target: 3.3,
      summary: "x",
    });
    for (const width of [1400, 800]) {
      const run = await open(htmlReport("vllm-bench: test", "run-1", [light, heavy]), `run-${width}.html`, width);
      const planned = await open(plan, `plan-${width}.html`, width);
      for (const p of [...run.plots, ...planned.plots])
        expect.soft(overlaps(p.boxes, p.rules), `${p.label} at ${width} px`).toEqual([]);
      const hists = run.plots.filter((p) => p.label in expected);
      expect(hists).toHaveLength(8);
      for (const h of hists) {
        expect.soft(h.binned, `${h.label}: values counted in its bars`).toBe(expected[h.label]);
        expect.soft(h.rug, `${h.label}: ticks in its rug`).toBe(expected[h.label]);
      }
    }
  }, 120_000);
});
