// `npm run synth:compose`: writes the Docker Compose monitoring bundle to dist/compose/ (docs/compose.md).
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { composeBundle } from "../compose/bundle";
import { monitoringContent } from "../compose/content";
import type { ComposeOptionsInput } from "../compose/options";
import { DCGM_COUNTERS, renderCountersCsv } from "../infra/addons/dcgm-counters";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The part of package.json read here: the version tags the simulator image. */
const packageJson = z.object({ version: z.string() });

/** Subdirectories wholly generated (a dashboard or rule file removed upstream must disappear); a user's .env is kept. */
const generatedDirs = ["prometheus/rules", "grafana/dashboards"];

/**
 * Writes the bundle under `outDir` and returns the relative paths written. The simulator's build
 * context points back at this repository, so `docker compose --profile simulator up --build` works.
 */
export function writeComposeBundle(outDir: string, options: ComposeOptionsInput = {}): string[] {
  const { version } = packageJson.parse(JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")));
  // The cluster's DCGM counter list; profiling counters only where SYS_ADMIN is granted.
  const counters = DCGM_COUNTERS.filter((c) => options.gpuProfiling || !c.field.startsWith("DCGM_FI_PROF_"));
  const files = composeBundle(monitoringContent(), {
    simulatorImage: `vllm-bench:${version}`,
    simulatorBuildContext: path.relative(outDir, repoRoot) || ".",
    dcgmCountersCsv: renderCountersCsv(counters),
    ...options,
  });
  for (const dir of generatedDirs) fs.rmSync(path.join(outDir, dir), { recursive: true, force: true });
  for (const [rel, text] of Object.entries(files)) {
    const target = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  return Object.keys(files).sort();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.log(
      "usage: npm run synth:compose [-- --gpu-profiling]\n\nWrites the Docker Compose monitoring bundle to dist/compose/ (docs/compose.md); --gpu-profiling adds\nthe DCGM profiling counters (they need SYS_ADMIN).",
    );
    process.exit(0);
  }
  const unknown = args.filter((a) => a !== "--gpu-profiling");
  if (unknown.length) {
    console.error(`unknown argument(s) ${unknown.join(" ")}; usage: npm run synth:compose [-- --gpu-profiling]`);
    process.exit(2);
  }
  const outDir = path.join(repoRoot, "dist", "compose");
  const written = writeComposeBundle(outDir, { gpuProfiling: args.includes("--gpu-profiling") });
  console.log(
    `Docker Compose bundle: ${written.length} files in ${path.relative(process.cwd(), outDir) || "."}/ (see docs/compose.md)`,
  );
}
