import { afterAll, describe, expect, it } from "vitest";
import { FACTORS, RISKY } from "./cells";
import { CHECKS, passed, runCell, wellFormedRefusal, type CellResult } from "./check";
import { allPairs, coveredPairs } from "./pairwise";

// The fast part of the configuration matrix: the default stacks and the risky combinations by name
// (the full all-pairs matrix is test/matrix/matrix.slow.test.ts).

const results: CellResult[] = [];

describe("the pairwise generator", () => {
  it("covers every pair of levels of the matrix's factors, in far fewer rows than the full product", () => {
    const levels = FACTORS.map((f) => Object.keys(f.levels).length);
    const rows = allPairs(levels);
    let pairs = 0;
    for (let f = 0; f < levels.length; f++) for (let g = f + 1; g < levels.length; g++) pairs += levels[f] * levels[g];
    expect(coveredPairs(rows).size).toBe(pairs);
    expect(rows.length).toBeLessThan(40);
  });
});

describe("risky combinations, by name", () => {
  it.each(RISKY.map((c) => [c.name, c] as const))("%s", async (_, cell) => {
    const r = await runCell(cell);
    results.push(r);
    if (cell.expect.refusedKey) {
      expect(r.refused, "accepted").toBeDefined();
      expect(wellFormedRefusal(r.refused!), r.refused!.join("\n")).toBe(true);
      expect(r.refused!.some((l) => l.startsWith(`  - vllm-k8s:${cell.expect.refusedKey}: `))).toBe(true);
      return;
    }
    expect(r.refused, r.refused?.join("\n")).toBeUndefined();
    for (const check of CHECKS) expect(r.failures[check], `${check}`).toEqual([]);
    expect(r.leavesStack).toEqual([]);
    expect(passed(r)).toBe(true);
  });

  it("the plan, rehearsal and shard cells admit their connections on eks", () => {
    const conns = (name: string) => results.find((r) => r.name === name)!.connections;
    expect(conns("plan on eks")).toEqual(
      expect.arrayContaining([
        "vllm/vllm-bench-plan -> vllm/vllm:8000",
        "vllm/vllm-bench-plan -> monitoring/pushgateway:9091",
      ]),
    );
    expect(conns("rehearsal on eks")).toContain("vllm/vllm-bench -> monitoring/prometheus:9090");
    expect(conns("shards on eks with an RWX class")).toEqual(
      expect.arrayContaining(["vllm/vllm-bench -> vllm/vllm:8000", "vllm/vllm-bench -> monitoring/pushgateway:9091"]),
    );
  });
});

afterAll(() => {
  const refused = results.filter((r) => r.refused).length;
  console.log(
    `matrix (named cells): ${results.length} cells, ${results.length - refused} accepted, ${refused} refused; ` +
      `${results.filter(passed).length} accepted cells passed every check`,
  );
});
