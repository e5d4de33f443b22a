import { afterAll, describe, expect, it } from "vitest";
import { crdUnknownFields } from "../charts/crd-fields";
import { FACTORS, pairwiseCells, RISKY } from "./cells";
import { CHECKS, passed, runCell, wellFormedRefusal, type CellResult } from "./check";

// The configuration matrix: every pair of feature levels (test/matrix/cells.ts) plus the risky
// combinations by name, each built under mocks in this one process. A cell is accepted or refused
// with one line per problem naming the key; an accepted cell must pass every check. Prints the
// matrix size and the per-check counts.

const cells = [...pairwiseCells(), ...RISKY];
const results: CellResult[] = [];

describe(`configuration matrix: ${cells.length} cells over ${FACTORS.length} features`, () => {
  it.each(cells.map((c) => [c.name, c] as const))("%s", async (_, cell) => {
    const r = await runCell(cell);
    results.push(r);
    if (r.refused) {
      expect(wellFormedRefusal(r.refused), r.refused.join("\n")).toBe(true);
      const want = "expect" in cell ? (cell.expect as { refusedKey?: string }).refusedKey : undefined;
      if ("expect" in cell) expect(want, `refused but expected accepted:\n${r.refused.join("\n")}`).toBeDefined();
      return;
    }
    for (const check of CHECKS) expect(r.failures[check], check).toEqual([]);
  });

  it("every custom resource of every accepted cell has only the fields its CRD declares", () => {
    const unique = new Map(results.flatMap((r) => r.customResources).map((o) => [JSON.stringify(o), o]));
    const bad = [...crdUnknownFields([...unique.values()] as any).entries()].filter(([, errs]) => errs.length > 0);
    expect(bad.map(([o, errs]) => `${o.kind} ${o.metadata?.name}: ${errs.join("; ")}`)).toEqual([]);
  });
});

afterAll(() => {
  const accepted = results.filter((r) => !r.refused);
  const refused = results.filter((r) => r.refused);
  const counts = CHECKS.map(
    (c) => `${c} ${accepted.filter((r) => r.failures[c]?.length === 0).length}/${accepted.length}`,
  );
  const byKey = new Map<string, number>();
  for (const r of refused)
    for (const l of r.refused!) {
      const key = /vllm-k8s:([\w.]+):/.exec(l)?.[1] ?? "?";
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
    }
  const leaving = [...new Set(results.flatMap((r) => r.leavesStack.map((u) => u.replace(/^.*: /, ""))))];
  console.log(
    [
      `configuration matrix: ${results.length} cells (${results.length - RISKY.length} all-pairs over ${FACTORS.length} features + ${RISKY.length} named), ${accepted.length} accepted, ${refused.length} refused`,
      `passed per check (accepted cells): ${counts.join(", ")}; every check: ${accepted.filter(passed).length}/${accepted.length}`,
      `refusals by key: ${[...byKey.entries()].map(([k, n]) => `${k} ${n}`).join(", ")}`,
      `connections checked: ${accepted.reduce((a, r) => a + r.connections.length, 0)}; URLs to Services the stack does not run: ${leaving.join(", ") || "none"}`,
    ].join("\n"),
  );
});
