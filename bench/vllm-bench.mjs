#!/usr/bin/env node
// package.json's `bin`: plain Node runs this file (npm links and chmods it), so it is JavaScript.
// It registers tsx (installed by `npm ci`) and loads the TypeScript CLI from a clean clone, no build
// step. The container image runs the esbuild bundle instead (`npm run build:bench`).
import { register } from "tsx/esm/api";

register();
await import("./cli.ts");
