import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { classify, RUN_TIME_CLAIMS } from "./catalog";
import { commandsIn, listDocs, ROOT, where, type Command } from "./extract";

// Runs every offline command README.md and docs/*.md show (test/docs/catalog.ts says which cannot
// run here and why), from the repository root as a user would, and times the ones whose run time
// the docs quote. Generated files the commands rewrite (README reference, dashboards JSON) must
// come out unchanged: the docs' commands reproduce what is committed.

const commands = new Map<string, Command>();
for (const d of listDocs())
  for (const c of commandsIn(d)) if (classify(c.cmd)?.run && !commands.has(c.cmd)) commands.set(c.cmd, c);

const generated = [
  "README.md",
  ...fs
    .readdirSync(path.join(ROOT, "monitoring"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => `monitoring/${f}`),
];
const snapshot = () => Object.fromEntries(generated.map((f) => [f, fs.readFileSync(path.join(ROOT, f), "utf8")]));

describe("docs: offline commands run as written", () => {
  const before = snapshot();
  const seconds = new Map<string, number>();

  for (const [cmd, at] of commands) {
    it(`${where(at)}: ${cmd}`, () => {
      const started = Date.now();
      const r = spawnSync("sh", ["-c", cmd], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 240_000,
        env: { ...process.env, NO_COLOR: "1" },
      });
      seconds.set(cmd, (Date.now() - started) / 1000);
      const verdict = classify(cmd);
      expect(verdict && verdict.run, cmd).toBeTruthy();
      expect(
        r.status,
        `${where(at)}: \`${cmd}\` exited ${r.status}\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`,
      ).toBe(verdict && verdict.run ? verdict.expectExit : 0);
      if (/\|\s*jq\b/.test(cmd)) expect(r.stdout.trim(), cmd).not.toBe("");
    }, 300_000);
  }

  it("the commands left the committed generated files unchanged (README reference, dashboards)", () => {
    const after = snapshot();
    for (const f of generated)
      expect(
        after[f] === before[f],
        `${f} changed when the docs' commands regenerated it: commit the regenerated file`,
      ).toBe(true);
  });

  it("each measured run time the docs quote is within a factor of 3 of what the command took here", () => {
    for (const { file, check } of RUN_TIME_CLAIMS) {
      // A command another suite runs (the catalog says which) has its claim held there.
      if (check.kind !== "measured" || classify(check.command)?.run === false) continue;
      const took = seconds.get(check.command);
      expect(took, `${file}: \`${check.command}\` was not run`).toBeDefined();
      console.log(`${file}: \`${check.command}\` took ${took!.toFixed(1)} s (docs: about ${check.seconds} s)`);
      expect(took!, `${file}: docs say about ${check.seconds} s`).toBeGreaterThan(check.seconds / 3);
      expect(took!, `${file}: docs say about ${check.seconds} s`).toBeLessThan(check.seconds * 3);
    }
  });
});
