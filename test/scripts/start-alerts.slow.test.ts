import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// A new user's first `npm start`: the smoke preset against a healthy simulator must not raise an
// alert of our default rules (a false alarm on the first run teaches people to ignore alerts),
// and the summary must say why Prometheus's P95s differ from the benchmark's, with the bucket
// bounds that apply.

const ROOT = path.resolve(__dirname, "../..");
const out = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-start-alerts-"));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe("npm start, the first run (needs `prometheus` on PATH: the Debian package, as .ci/run installs)", () => {
  it("passes its thresholds, raises no alert, and explains the bucket interpolation", async () => {
    const child = spawn("npm", ["start", "--", "--output-dir", out], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (b) => (text += b));
    child.stderr.on("data", (b) => (text += b));
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    const summary = text.slice(text.lastIndexOf("Local Prometheus"));
    expect(code, text.slice(-3000)).toBe(0);
    expect(summary, summary).toMatch(/^\s+alerts: none pending or firing$/m);
    expect(summary).toMatch(
      /Prometheus's P95s interpolate linearly inside a histogram bucket \(E2E latency [\d.]+ s–[\d.]+ s, TTFT [\d.]+ s–[\d.]+ s, inter-token latency [\d.]+ s–[\d.]+ s, from the scraped le bounds\)/,
    );
  }, 120_000);
});
