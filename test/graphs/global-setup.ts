// Vitest global setup (root config only: a project's copy would run once per project). Starts
// test/graphs/write.ts in the background, so the suites that need no graph run meanwhile, and hands
// the suites its folder; exampleGraph() waits for each file.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TestProject } from "vitest/node";

const writer = path.join(import.meta.dirname, "write.ts");

/** Start the writer; the returned function stops it without its exit counting as a failure. */
function start(dir: string): () => void {
  let stderr = "";
  let stopped = false;
  const child = spawn(process.execPath, ["--import", "tsx", writer, dir], { stdio: ["ignore", "inherit", "pipe"] });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.on("exit", (code, signal) => {
    const failed = path.join(dir, "failed.txt");
    if ((code || signal) && !stopped && !fs.existsSync(failed))
      fs.writeFileSync(failed, `test/graphs/write.ts exited with ${signal ?? code}:\n${stderr}`);
  });
  return () => {
    stopped = true;
    child.kill();
  };
}

export default function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-example-graphs-"));
  let stop = start(dir);
  project.provide("exampleGraphs", dir);
  // Watch mode: rebuild from the edited sources before each rerun.
  project.onTestsRerun(() => {
    stop();
    for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
    stop = start(dir);
  });
  return () => {
    stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
