// vitest.config.ts runs most suites in shared workers (no per-file isolation) to save import time;
// only the suites listed in ISOLATED get a fresh process per file. A suite that reaches for
// process-global state (Pulumi's mocks, spies, process handlers), itself or through a test helper
// it imports, must be listed there, or one file's mocks leak into the next (DESIGN §10).
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ISOLATED } from "../../vitest.config";
import { importsOf, repoSources } from "./import-rules";

const root = fileURLToPath(new URL("../..", import.meta.url));
const testSources = new Map([...repoSources(root)].filter(([f]) => f.startsWith("test/")));
const GLOBAL_STATE = /setMocks|buildGraph|runProgram|vi\.(mock|spyOn|stubGlobal|stubEnv)|process\.on\(/;

export function isolated(file: string, globs: readonly string[] = ISOLATED): boolean {
  return globs.some((g) =>
    g.endsWith("/**/*.test.ts") ? file.startsWith(g.slice(0, -"**/*.test.ts".length)) : file === g,
  );
}

/** Test files (and the test helpers they import, transitively) that touch global state. */
export function needingIsolation(sources: ReadonlyMap<string, string>): string[] {
  const edges = importsOf(sources).filter((e) => e.local && e.target.startsWith("test/"));
  const touches = (file: string, seen = new Set<string>()): boolean => {
    if (seen.has(file)) return false;
    seen.add(file);
    if (GLOBAL_STATE.test(sources.get(file) ?? "")) return true;
    return edges.filter((e) => e.file === file).some((e) => touches(`${e.target}.ts`, seen));
  };
  return [...sources.keys()].filter((f) => /\.test\.ts$/.test(f) && !f.endsWith(".slow.test.ts") && touches(f));
}

describe("suites sharing a worker touch no process-global state", () => {
  it("every fast suite that uses Pulumi's mocks or a spy, directly or through a helper, is isolated", () => {
    // This file names the patterns in its fed examples without touching any state.
    const need = needingIsolation(testSources).filter((f) => f !== "test/arch/isolation.test.ts");
    // The detector must still see the suites that do: the entry point under mocks, a spy on console.
    expect(need).toEqual(expect.arrayContaining(["test/infra/outputs.test.ts", "test/bench/compare.test.ts"]));
    expect(need.filter((f) => !isolated(f))).toEqual([]);
  });

  it("sees a helper's mocks through an import, and a folder glob or an exact path isolates", () => {
    const fed = new Map([
      ["test/graphs/helper.ts", "export const g = () => buildGraph({});"],
      ["test/monitoring/a.test.ts", 'import { g } from "../graphs/helper";'],
      ["test/monitoring/b.test.ts", 'import { x } from "../../monitoring/config";'],
      ["test/bench/c.test.ts", 'vi.spyOn(console, "log");'],
    ]);
    expect(needingIsolation(fed)).toEqual(["test/monitoring/a.test.ts", "test/bench/c.test.ts"]);
    expect(
      ["test/monitoring/a.test.ts", "test/bench/c.test.ts"].map((f) => isolated(f, ["test/monitoring/**/*.test.ts"])),
    ).toEqual([true, false]);
  });
});
