// The guard of every restructuring: it changes no behaviour. The digest of both example
// stacks' resource graphs and of every file synth writes must equal the snapshot taken before the
// move (test/house/snapshot.json); a change that means to alter them rewrites the snapshot with
// `tsx test/house/snapshot.ts --write` and says why in its commit.
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { exampleGraph } from "../graphs/read";
import { currentSnapshot, SNAPSHOT_FILE } from "./snapshot";

type Tree = { [k: string]: unknown };

/** Paths whose digests differ, missing or added: "graph:eks nodes aws:…::vllm-vpc". */
function differences(a: unknown, b: unknown, at: string[] = []): string[] {
  if (Array.isArray(a) || Array.isArray(b))
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${at.join(" ")} (order)`];
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differences((a as Tree)[k], (b as Tree)[k], [...at, k]));
  }
  if (a === b) return [];
  return [`${at.join(" ")}: ${a === undefined ? "added" : b === undefined ? "removed" : "changed"}`];
}

describe("the house snapshot: graph and dist/ as before the restructuring", () => {
  let now: ReturnType<typeof currentSnapshot>;
  beforeAll(async () => {
    now = currentSnapshot({ eks: await exampleGraph("eks"), existing: await exampleGraph("existing") });
  }, 300_000); // two synth runs
  const before = JSON.parse(fs.readFileSync(SNAPSHOT_FILE, "utf8"));

  it("covers both stacks, with a non-trivial graph and every synth file", () => {
    for (const stack of ["eks", "existing"]) {
      expect((now[`graph:${stack}`] as { order: string[] }).order.length).toBeGreaterThan(10);
      expect(Object.keys(now[`dist:${stack}`] as Tree)).toContain("10-vllm.yaml");
      expect(Object.keys(now[`dist:${stack}`] as Tree)).toContain("compose/docker-compose.yaml");
    }
  });

  it("the comparison sees a changed input, a dropped resource and a new order", () => {
    const g = structuredClone(before["graph:eks"]) as { order: string[]; nodes: Record<string, string> };
    const [first, second] = g.order;
    g.nodes[first] = "0";
    delete g.nodes[second];
    g.order = [second, first, ...g.order.slice(2)];
    expect(differences(before["graph:eks"], g)).toEqual([
      `order (order)`,
      `nodes ${first}: changed`,
      `nodes ${second}: removed`,
    ]);
  });

  it("nothing differs from the snapshot", () => {
    expect(differences(before, now)).toEqual([]);
  });
});
