import fc from "fast-check";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../../charts/app";
import { buildGraph, readStackFile } from "../../scripts/graph/build";
import { GraphMocks } from "../../scripts/graph/mocks";
import { chartPropsFromConfig } from "../../infra/mapper";
import { validateSchema } from "../charts/schema";
import { mutatedStackText, verdict } from "./config-mutations";

// The long run of config-properties.test.ts: many more mutated stack files, every accepted one's
// in-cluster objects checked against the Kubernetes schemas, and a sample sent through the real
// program under mocks — accepted ones must register resources and finish, refused ones must stop
// before the first resource with the same lines.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "config-props-slow-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const newResource = vi.spyOn(GraphMocks.prototype, "newResource");
const seed = Number(process.env.FC_SEED ?? 20261201);

describe("mutated stack files, long run", () => {
  it("1000 files: accepted ones synthesise schema-valid objects, refused ones name a key", async () => {
    const counts = { accepted: 0, refused: 0, objects: 0 };
    await fc.assert(
      fc.asyncProperty(mutatedStackText, async ({ text }) => {
        const file = path.join(tmp, "Pulumi.mutated.yaml");
        fs.writeFileSync(file, text);
        const v = verdict(file);
        if (!("accepted" in v)) return void counts.refused++;
        counts.accepted++;
        const app = buildApp(chartPropsFromConfig(v.accepted, { includeNamespace: true }));
        for (const obj of app.charts.flatMap((c) => c.toJson())) {
          await validateSchema(obj);
          counts.objects++;
        }
      }),
      { numRuns: 1000, seed },
    );
    console.log(
      `config properties (slow): 1000 mutated stack files, ${counts.accepted} accepted (${counts.objects} objects schema-valid), ${counts.refused} refused naming a key`,
    );
    expect(counts.accepted).toBeGreaterThan(50);
  }, 600_000);

  it("30 files through the real program: accepted ones build, refused ones register nothing", async () => {
    const counts = { built: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(mutatedStackText, async ({ text }) => {
        const file = path.join(tmp, "Pulumi.graph.yaml");
        fs.writeFileSync(file, text);
        const v = verdict(file);
        newResource.mockClear();
        if ("accepted" in v) {
          const graph = await buildGraph(readStackFile(file));
          expect(graph.nodes.length).toBeGreaterThan(10);
          counts.built++;
        } else {
          const input = (() => {
            try {
              return readStackFile(file);
            } catch {
              return undefined; // a file-level refusal: nothing reaches the program at all
            }
          })();
          // The same key named (the wording may differ: the program reads values back from JSON, where NaN is null).
          const firstKey = (m: string) => m.split("\n")[1].slice(4).split(": ")[0];
          if (input)
            await expect(
              buildGraph(input).then(
                () => "built",
                (e: Error) => firstKey(e.message),
              ),
            ).resolves.toBe(firstKey(v.refused));
          expect(newResource).not.toHaveBeenCalled();
          counts.refused++;
        }
      }),
      { numRuns: 30, seed },
    );
    console.log(
      `config properties (slow, real program): ${counts.built} accepted files built, ${counts.refused} refused before any resource`,
    );
  }, 900_000);
});
