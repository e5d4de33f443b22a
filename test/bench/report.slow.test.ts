// The HTML reports as a user sees them: rendered by real Chromium from a file with every
// network request blocked. Axes, percentile markers, SLO lines, timelines and the plan's
// rate curves must be on the page, and no plot is hand-written SVG any more.
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

async function open(html: string, name: string) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
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
  it("shows axes with units, P50/P90/P99 markers and SLO lines on each distribution, timelines and scenario comparisons; offline, no script", async () => {
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
      expect(t, h.label).toMatch(/P50: [\d.]+ ms/);
      expect(t, h.label).toMatch(/P90: [\d.]+ ms/);
      expect(t, h.label).toMatch(/P99: [\d.]+ ms/);
      expect(t, h.label).toMatch(/\(ms\)/); // axis title with its unit
      expect(t, h.label).toMatch(/count/);
    }
    expect(by(/Time to first token histogram, light/)[0].text).toContain("SLO P95 ≤ 2000 ms");
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
    expect(by(/ITL percentiles per second, heavy/)[0].text.join("|")).toMatch(/P50.*P90.*P99|SLO: P99 ITL ≤ 60 ms/);
    expect(by(/by scenario/)).toHaveLength(3);
    expect(by(/against baseline/)).toHaveLength(1);
    // Threshold rows as sentences.
    expect(html).toContain("P95 TTFT ");
    expect(html).toMatch(/P99 ITL [\d.]+ ms ≤ 60 ms: FAIL/);
  }, 60_000);

  it("shows a plan's SLO metric against the rate with the SLO line, the knee, the sustainable rate and the target", async () => {
    const points = [2, 4, 8, 5.66, 6.73].map((rate) => {
      const v = 200 * (rate < 6 ? 1 : 8);
      return { rate, passed: v <= 1000, slos: [{ name: "ttft_p95_ms", limit: 1000, value: v, passed: v <= 1000 }] };
    });
    const { plots, remote } = await open(
      planReport("plan", {
        points,
        slos: { ttft_p95_ms: 1000 },
        sustainable: 5.66,
        knee: 6.73,
        target: 3.3,
        summary: "x",
      }),
      "plan.html",
    );
    expect(remote).toEqual([]);
    expect(plots).toHaveLength(1);
    const t = plots[0].text.join("|");
    expect(t).toContain("offered rate (req/s)");
    expect(t).toContain("P95 TTFT (ms)");
    expect(t).toContain("SLO ≤ 1000 ms");
    expect(t).toContain("knee (first miss) 6.73 req/s");
    expect(t).toContain("sustainable 5.66 req/s");
    expect(t).toContain("HPA target 3.30 req/s");
  }, 60_000);
});
