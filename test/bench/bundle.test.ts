// The image's bundle is built by package.json's `build:bench` (esbuild's command line, which the
// Dockerfile runs) and by perf/bundle.ts (perf and the memory test): the two must build the same.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CHUNK_NAMES, REQUIRE_BANNER } from "../../perf/bundle";

const root = path.resolve(__dirname, "../..");
const script = (
  JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts["build:bench"];

describe("build:bench and perf/bundle.ts", () => {
  it("give the bundle the same options, the require banner included", () => {
    for (const flag of [
      "--bundle",
      "--splitting",
      "--platform=node",
      "--target=node22",
      "--format=esm",
      "--legal-comments=none",
    ])
      expect(script).toContain(flag);
    expect(script).toContain(`"--banner:js=${REQUIRE_BANNER}"`);
    expect(script).toContain(`"--chunk-names=${CHUNK_NAMES}"`);
    expect(script).toContain("--out-extension:.js=.mjs");
    const source = fs.readFileSync(path.join(root, "perf/bundle.ts"), "utf8");
    for (const option of [
      'platform: "node"',
      'target: "node22"',
      'format: "esm"',
      "bundle: true",
      "splitting: true",
      'legalComments: "none"',
      "chunkNames: CHUNK_NAMES",
      'outExtension: { ".js": ".mjs" }',
      "banner: { js: REQUIRE_BANNER }",
    ])
      expect(source).toContain(option);
  });
});
