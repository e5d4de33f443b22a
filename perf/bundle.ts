// The image's single-file bundle as perf and tests build it: the options of package.json's
// `build:bench` (which says the same on esbuild's command line).
import { build } from "esbuild";

/**
 * An ESM bundle has no `require`, and the CommonJS packages inside it (undici) require Node's own
 * modules: esbuild's shim then throws "Dynamic require of node:assert is not supported". The
 * banner gives the bundle a real `require` (esbuild's documented workaround, evanw/esbuild#1921).
 */
export const REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export const bundle = (entry: string, outfile: string) =>
  build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    banner: { js: REQUIRE_BANNER },
    outfile,
    logLevel: "warning",
  });
