// `node --import tsx test/graphs/write.ts DIR`: build every graph in examples.ts, in one process
// (the mocks are process-global, so one program run at a time), writing DIR/<name>.json as each is
// ready (renamed into place, so a reader never sees half a file). On failure it writes
// DIR/failed.txt with the error, and the suites reading a graph fail with it.
import * as fs from "node:fs";
import * as path from "node:path";
import { buildGraph, readStackFile } from "../../scripts/graph/build";
import { EXAMPLES } from "./examples";
import type { ExampleGraph } from "./read";

const dir = process.argv[2];
try {
  for (const [name, input] of Object.entries(EXAMPLES)) {
    const stack = input(readStackFile);
    const graph: ExampleGraph = { ...(await buildGraph(stack)), input: stack };
    fs.writeFileSync(path.join(dir, `${name}.json.tmp`), JSON.stringify(graph));
    fs.renameSync(path.join(dir, `${name}.json.tmp`), path.join(dir, `${name}.json`));
  }
} catch (err) {
  fs.writeFileSync(path.join(dir, "failed.txt"), err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
}
// Mocked Pulumi runtimes keep handles open.
process.exit();
