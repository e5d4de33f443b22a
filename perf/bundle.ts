// The image's bundle as perf and tests build it: the options of package.json's `build:bench`
// (which says the same on esbuild's command line).
import { build } from "esbuild";
import * as path from "node:path";

/**
 * An ESM bundle has no `require`, and the CommonJS packages inside it (undici) require Node's own
 * modules: esbuild's shim then throws "Dynamic require of node:assert is not supported". The
 * banner gives the bundle a real `require` (esbuild's documented workaround, evanw/esbuild#1921).
 */
export const REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** Where a command's code goes beside the entry: chunks a command imports when it runs. */
export const CHUNK_NAMES = "chunks/[name]-[hash]";

/**
 * `entry` bundled to `outfile` (an .mjs) with code splitting: each `await import()` of the CLI
 * (a command, the report and its plotting libraries) becomes a chunk under `chunks/` beside it,
 * parsed only when it runs. So a run's worker threads never parse the report's or the planner's
 * code (a thread parsing the whole 4.4 MB bundle cost about 27 MB at its peak).
 */
export const bundle = (entry: string, outfile: string) =>
  build({
    entryPoints: { [path.basename(outfile, ".mjs")]: entry },
    bundle: true,
    splitting: true,
    platform: "node",
    target: "node22",
    format: "esm",
    banner: { js: REQUIRE_BANNER },
    outdir: path.dirname(outfile),
    outExtension: { ".js": ".mjs" },
    chunkNames: CHUNK_NAMES,
    legalComments: "none",
    logLevel: "warning",
  });
