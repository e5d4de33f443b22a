// `vllm-bench rehearse` refuses bad input in one line naming the flag, before any simulator starts.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseRehearseArgs, rehearseMain } from "../../../bench/fleet/rehearse-cli";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rehearse-cli-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const out = ["--output-dir", path.join(dir, "out")];

describe("vllm-bench rehearse arguments", () => {
  it("defaults: the rehearsal preset, the stack's autoscaling defaults from zero with a window, ×100", () => {
    const a = parseRehearseArgs(out);
    expect(a).toMatchObject({
      config: "rehearsal",
      timeScale: 100,
      sharedCache: true,
      rule: { minReplicas: 0, maxReplicas: 8, targetRequestsPerSecond: 5, scaleDownStabilizationSeconds: 900 },
    });
    expect(a !== "help" && a.rule.activeWindow).toEqual({ startS: 60, endS: 1800, replicas: 1 });
  });

  it.each([
    [["--max-replicas", "0"], /^--max-replicas: "0" must be a whole number from 1 to 64$/],
    [["--min-replicas", "3", "--max-replicas", "2"], /^--min-replicas: 3 is above --max-replicas 2$/],
    [["--target-rps", "fast"], /^--target-rps: "fast" must be a number/],
    [["--active-window", "900-300"], /^--active-window: "900-300" must be START-END/],
    [["--active-window", "none"], /^--min-replicas: 0 needs a wake-up rule/],
    [["--config", "smoke"], /^--config: smoke has no scenario with a rate_profile/],
    [["--time-scale", "0"], /^--time-scale: "0" must be a number from 1 to 1000$/],
    [["--cold-load", ""], /^--cold-load: "" must be a number/],
  ])("%j is refused: one line naming the flag", (args, message) => {
    expect(() => parseRehearseArgs([...args, ...out])).toThrow(message);
  });

  it("exit 2 with one line on stderr for a bad or unknown flag; 0 and the usage for --help", async () => {
    const err: string[] = [];
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await rehearseMain(["--max-replica", "3"], io)).toBe(2);
    expect(err).toEqual([expect.stringMatching(/^vllm-bench rehearse: .*--max-replica/)]);
    expect(err[0]).not.toMatch(/\n\s+at /);
    expect(await rehearseMain(["--help"], io)).toBe(0);
    expect(out[0]).toMatch(/^usage: vllm-bench rehearse/);
  });
});
