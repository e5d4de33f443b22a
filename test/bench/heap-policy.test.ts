import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RUN_SEMI_SPACE_MB } from "../../bench/client/heap-policy";
import { runBenchmark } from "../../bench/client/run";
import { startSimulator } from "../../bench/sim";

// `vllm-bench run` restarts itself in place with its young-generation size (V8 reads it only at
// startup; bench/client/heap-policy.ts). Real processes: the fixture calls the relaunch and prints
// what the restarted process sees.
const fixture = path.join(__dirname, "../fixtures/relaunch.ts");
const withoutFirstPid = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "FIRST_PID"));
const run = (execArgv: string[], env: NodeJS.ProcessEnv = {}) =>
  JSON.parse(
    execFileSync(process.execPath, [...execArgv, "--import", "tsx", fixture, "a", "--b"], {
      encoding: "utf8",
      env: { ...withoutFirstPid, ...env },
    }).trim(),
  ) as { firstPid: number; pid: number; execArgv: string[]; args: string[] };

describe("the run's V8 heap flags", () => {
  it.runIf(typeof process.execve === "function")(
    "restart the process in place (same PID) with the flag, its other flags and arguments kept",
    () => {
      const r = run(["--no-warnings"]);
      expect(r.pid).toBe(r.firstPid);
      expect(r.execArgv[0]).toBe(`--max-semi-space-size=${RUN_SEMI_SPACE_MB}`);
      expect(r.execArgv).toContain("--no-warnings");
      expect(r.execArgv).toContain("tsx");
      expect(r.args).toEqual(["a", "--b"]);
    },
  );

  it("keep a value the user gave, on the command line or in NODE_OPTIONS", () => {
    expect(run(["--max-semi-space-size=32"]).execArgv.filter((a) => a.startsWith("--max-semi"))).toEqual([
      "--max-semi-space-size=32",
    ]);
    const viaEnv = run([], { NODE_OPTIONS: "--max-semi-space-size=32" });
    expect(viaEnv.execArgv.some((a) => a.startsWith("--max-semi"))).toBe(false);
  });
});

describe("the switch to the size-optimised policy", () => {
  it("comes once, after the last scenario's streams and before the report is written", async () => {
    const sim = await startSimulator({ fixedTtftMs: 5, fixedItlMs: 2, model: "fixed" });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-heap-"));
    try {
      const config = path.join(dir, "two.json");
      const scenario = (name: string) => ({ name, num_prompts: 4, random_input_len: 8, random_output_len: 4 });
      fs.writeFileSync(config, JSON.stringify({ scenarios: [scenario("a"), scenario("b")] }));
      const seen: { scenarios: number; reports: number }[] = [];
      // Base names: the run's folder and `latest` list the same files.
      const files = () => [
        ...new Set(fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => path.basename(f))),
      ];
      const { results } = await runBenchmark({
        baseUrl: sim.url,
        config,
        outputDir: path.join(dir, "out"),
        seed: 1,
        timeoutMs: 10_000,
        log: () => {},
        afterStreams: () =>
          seen.push({
            scenarios: files().filter((f) => f.endsWith(".results.json")).length,
            reports: files().filter((f) => f.endsWith("report.html")).length,
          }),
      });
      expect(results.map((r) => r.result.completed)).toEqual([4, 4]);
      expect(seen).toEqual([{ scenarios: 2, reports: 0 }]);
      expect(files().some((f) => f.endsWith("report.html"))).toBe(true);
    } finally {
      await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
