import * as fs from "node:fs";
import * as path from "node:path";
import { inject } from "vitest";
import type { Graph, StackInput } from "../../scripts/graph/build";
import type { ExampleName } from "./examples";

declare module "vitest" {
  export interface ProvidedContext {
    /** Folder test/graphs/write.ts fills with one <name>.json per example graph. */
    exampleGraphs: string;
  }
}

/** A graph with the program input it was built from. */
export type ExampleGraph = Graph & { input: StackInput };

/**
 * One of the graphs built for this test run (examples.ts), a fresh copy for each call, so a suite
 * may mutate it. Waits while the run's builder is still at work; throws its error if it failed.
 */
export async function exampleGraph(name: ExampleName): Promise<ExampleGraph> {
  const dir = inject("exampleGraphs");
  if (!dir) throw new Error("no example graphs: run the suite through vitest.config.ts or vitest.slow.config.ts");
  const file = path.join(dir, `${name}.json`);
  const failed = path.join(dir, "failed.txt");
  for (;;) {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as ExampleGraph;
    if (fs.existsSync(failed))
      throw new Error(`building the example graphs failed:\n${fs.readFileSync(failed, "utf8")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
