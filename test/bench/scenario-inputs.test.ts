import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { mutate, mutation } from "./scenario-mutations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMain } from "../../bench/client/cli";
import { planRun, runBenchmark } from "../../bench/client/run";

// Every broken scenario file is refused before anything runs, naming the field; random mutations
// of a valid file are accepted (and plan a run) or refused naming a key, never a crash.

const corpus = path.join(__dirname, "../fixtures/bad-scenarios");
const expected = JSON.parse(fs.readFileSync(path.join(corpus, "expected.json"), "utf8")) as Record<string, string>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-inputs-"));

// A server that counts what reaches it: a refused file must send nothing at all.
let hits = 0;
const server = http.createServer((req, res) => (hits++, res.writeHead(500).end()));
let url = "";
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

const NO_STACK = /\n\s+at .+\(.*:\d+:\d+\)/;

describe("the corpus of broken scenario files", () => {
  const files = fs
    .readdirSync(corpus)
    .filter((f) => f !== "expected.json")
    .sort();
  it("holds at least 40 files, each with its expected message", () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(Object.keys(expected).sort()).toEqual(files);
  });

  it.each(files)("%s is refused before anything runs, naming the field", async (f) => {
    const outputDir = path.join(dir, f);
    const err = await runBenchmark({
      baseUrl: url,
      config: path.join(corpus, f),
      outputDir,
      seed: 0,
      timeoutMs: 1000,
      log: () => {},
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err, `${f} was accepted`).toBeInstanceOf(Error);
    expect(err!.constructor).toBe(Error); // a message we wrote, not a TypeError from deep inside
    expect(err!.message).toContain(path.join(corpus, f));
    expect(err!.message).toContain(expected[f]);
    expect(err!.message).not.toMatch(NO_STACK);
    expect(hits).toBe(0);
    expect(fs.existsSync(outputDir)).toBe(false);
  });
});

describe("property: mutations of a valid scenario file", () => {
  it("are accepted and plan a run, or are refused with a message naming a key; never a crash", () => {
    let accepted = 0,
      refused = 0,
      n = 0;
    fc.assert(
      fc.property(mutation, (m) => {
        const file = path.join(dir, `m${n++}.json`);
        fs.writeFileSync(file, JSON.stringify(mutate(m)));
        let plan;
        try {
          plan = planRun({ config: file });
        } catch (e) {
          refused++;
          expect((e as Error).constructor).toBe(Error);
          const msg = (e as Error).message;
          expect(msg).not.toMatch(NO_STACK);
          expect(msg.startsWith(`${file}: invalid scenario file:\n`), msg).toBe(true);
          // Each line names a field path, and one of them is where the mutation happened (or the key it added).
          const lines = msg.split("\n").slice(1);
          for (const l of lines) expect(l).toMatch(/^ {2}- \S.*: ./);
          const named = [...m.path.filter((k): k is string => typeof k === "string"), m.key];
          expect(
            named.some((k) => lines.some((l) => l.includes(k))),
            `${JSON.stringify(m)} → ${msg}`,
          ).toBe(true);
          return;
        }
        accepted++;
        expect(plan.scenarios.length).toBeGreaterThan(0);
        for (const s of plan.scenarios) expect(s.name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
        expect(new Set(plan.scenarios.map((s) => s.name.toLowerCase())).size).toBe(plan.scenarios.length);
        expect(plan.percentiles.every((p) => p > 0 && p < 100)).toBe(true);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300), seed: Number(process.env.FC_SEED ?? 19) },
    );
    // Both outcomes occur: the property is exercised on each side.
    if (process.env.FC_REPORT) console.log(`mutations: ${accepted} accepted, ${refused} refused`);
    expect(accepted).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(10);
  });
});

describe("command-line values", () => {
  it.each([
    [["--request-rate", "-1"], /--request-rate: "-1" must be a number ≥/],
    [["--request-rate", "fast"], /--request-rate: "fast" must be a number ≥/],
    [["--concurrency-levels", "10,0"], /--concurrency-levels: "0" must be a number from 1 to /],
    [["--stop-grace", "0"], /--stop-grace: "0" must be a number from 1 to /],
    [["--timeout-ms", "-5"], /--timeout-ms: "-5" must be a number from 1 to /],
    [["--duration=-3"], /--duration: "-3" must be a number from 0.001 to /],
    [["--concurency-levels", "4"], /Unknown option '--concurency-levels'/],
  ])("%j is refused naming the flag, before anything runs", async (args, message) => {
    await expect(runMain(["--base-url", url, "--output-dir", path.join(dir, "flags"), ...args])).rejects.toThrow(
      message,
    );
    expect(hits).toBe(0);
    expect(process.listenerCount("SIGTERM")).toBe(0); // no signal handler left behind
  });
});
