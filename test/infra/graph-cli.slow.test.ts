// `npm run graph -- --json` is what users pipe into jq or diff: its output must arrive whole
// through a pipe, not cut where the pipe buffer fills when the process exits.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");

it("graph --json through a pipe is complete, parseable JSON with the cluster in it", async () => {
  // Through a shell pipe as users run it: Node's own stdio "pipe" is a socket pair with larger buffers.
  const tsx = path.join(root, "node_modules/.bin/tsx");
  const command = `"${tsx}" scripts/graph/cli.ts --json | cat`;
  const child = spawn("sh", ["-c", command], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (b) => (out += b));
  child.stderr.on("data", (b) => (err += b));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  expect(code, err).toBe(0);
  expect(out.length).toBeGreaterThan(65_536);
  const nodes = JSON.parse(out) as Array<{ type: string }>;
  expect(nodes.map((n) => n.type)).toContain("eks:index:Cluster");
}, 90_000);
