// A short smoke of `npm run bench:client`: every client of the comparison runs as its own process
// against the fixed-latency simulator, and the report has its shape and sane numbers (not the
// timed targets: those need a quiet machine and minutes, see docs/benchmark.md).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-client-smoke-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Report {
  rows: {
    client: string;
    streams: number;
    completed: number;
    matched: number;
    ownP99Ms: number;
    peakRssMb: number;
    cpuS: number;
    load1: number;
  }[];
  summary: { client: string; streams: number; vsBare: { ownP99: number; peakRss: number; cpu: number } }[];
}

it("bench:client reports own error, peak RSS and CPU of each client against the bare reader", () => {
  const json = path.join(dir, "report.json");
  const external = `${process.execPath} --import tsx ${path.join(root, "perf/bare-reader-main.ts")}`;
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(root, "perf/client.ts"),
      "--levels",
      "10",
      "--tokens",
      "8",
      "--waves",
      "1",
      "--workers",
      "1,2",
      "--external",
      `again=${external}`,
      "--external",
      "broken=echo no module named aiohttp >&2; exit 1",
      "--json",
      json,
    ],
    { cwd: root, encoding: "utf8", timeout: 120_000 },
  );
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  // A client that fails is one line, and the others are measured all the same.
  expect(r.stdout).toMatch(/broken\s+failed: no module named aiohttp/);
  const report = JSON.parse(fs.readFileSync(json, "utf8")) as Report;
  expect(report.rows.map((x) => x.client).sort()).toEqual(["again", "bare", "ours w1", "ours w2", "raw"]);
  for (const row of report.rows) {
    expect(row.streams).toBe(10);
    expect(row.completed, row.client).toBe(10);
    expect(row.matched, row.client).toBe(1);
    // Loopback, 10 streams: a client's own error is far below a second, and a Node process's
    // memory is tens to hundreds of MB (two workers: three processes).
    expect(Math.abs(row.ownP99Ms), row.client).toBeLessThan(1000);
    expect(row.peakRssMb, row.client).toBeGreaterThan(20);
    expect(row.peakRssMb, row.client).toBeLessThan(1500);
    expect(row.cpuS, row.client).toBeGreaterThan(0);
    expect(row.load1).toBeGreaterThanOrEqual(0);
  }
  const bare = report.summary.find((s) => s.client === "bare")!;
  expect(bare.vsBare).toEqual({ ownP99: 1, peakRss: 1, cpu: 1 });
  for (const s of report.summary) for (const v of Object.values(s.vsBare)) expect(v).toBeGreaterThan(0);
  expect(r.stdout).toMatch(/own p99 ms \(×bare\)/);
}, 150_000);
