import fc from "fast-check";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildApp } from "../../charts/app";
import { chartPropsFromConfig } from "../../infra/mapper";
import { baseStacks, mutatedStackText, verdict } from "./config-mutations";

// Property: a randomly mutated valid stack file is either accepted — and then synthesises every
// in-cluster object without an error — or refused in lines that each name a key (or the file);
// never a crash or a stack trace. The fast part of the suite; config-properties.slow.test.ts runs
// many more cases and sends some through the real program under mocks.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "config-props-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const RUNS = 80;

describe("mutated stack files", () => {
  it("the bases are valid", () => {
    for (const [name, config] of Object.entries(baseStacks)) {
      const file = path.join(tmp, `Pulumi.${name}.yaml`);
      fs.writeFileSync(file, JSON.stringify({ config }));
      expect(verdict(file), name).toHaveProperty("accepted");
    }
  });

  it(`are accepted and synthesise, or refused naming a key (${RUNS} runs)`, () => {
    const counts = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(mutatedStackText, ({ text }) => {
        const file = path.join(tmp, "Pulumi.mutated.yaml");
        fs.writeFileSync(file, text);
        const v = verdict(file);
        if ("accepted" in v) {
          counts.accepted++;
          const app = buildApp(chartPropsFromConfig(v.accepted, { includeNamespace: true }));
          for (const chart of app.charts) chart.toJson();
        } else counts.refused++;
      }),
      { numRuns: RUNS, seed: Number(process.env.FC_SEED ?? 42) },
    );
    console.log(
      `config properties (fast): ${RUNS} mutated stack files, ${counts.accepted} accepted and synthesised, ${counts.refused} refused naming a key`,
    );
    // Both sides must be exercised, or the property says little.
    expect(counts.accepted).toBeGreaterThan(RUNS / 20);
    expect(counts.refused).toBeGreaterThan(RUNS / 4);
  });
});
