import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RUN_SEMI_SPACE_MB } from "../../bench/client/heap-policy";

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
