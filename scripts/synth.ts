// `npm run synth [-- --stack Pulumi.<name>.yaml] [--out dist]`: every in-cluster object we own as
// plain YAML (one file per chart, numbered in apply order) for `kubectl apply -f dist/`, plus the
// Docker Compose monitoring bundle in dist/compose/. The stack file is validated first, exactly as
// `pulumi up` would; secrets become Secret references (create them with `kubectl create secret`).
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { buildApp, chartObjects } from "../charts/app";
import { writeFileAtomic } from "../bench/client/outputs";
import { cliFailure, readStackFileConfig, UsageError } from "../infra/config-file";
import { parseStackConfig } from "../infra/config-load";
import { secretKeys, type SecretKey } from "../infra/config";
import { chartPropsFromConfig, inClusterPushgatewayUrl } from "../infra/mapper";
import { writeComposeBundle } from "./compose";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Every object in apply order, in one file. */
export const ALL_FILE = "all.yaml";

export interface SynthResult {
  files: string[];
  objects: number;
}

/**
 * What synth wrote into its output folder, one relative path a line: the next synth replaces
 * exactly these files and nothing else, and a non-empty folder without it is not synth's to touch.
 */
export const MANIFEST = ".synth-manifest";

export const USAGE = "Usage: npm run synth -- [--stack Pulumi.<stack>.yaml] [--out dist]";

/** The project's own build folder (gitignored), which `build:bench` and `synth:compose` write into too. */
export const BUILD_DIR = path.join(repoRoot, "dist");

/**
 * The files a previous synth wrote into outDir (to be replaced), after checking the folder is
 * synth's own: missing, empty, holding a manifest, or the project's build folder (other generators'
 * files there are left alone). Anything else is the user's and is refused before anything is built,
 * so `--out .` in the repository cannot touch Pulumi.yaml or a stack file.
 */
export function claimOutDir(outDir: string, buildDir = BUILD_DIR): string[] {
  if (!fs.existsSync(outDir)) return [];
  if (!fs.statSync(outDir).isDirectory())
    throw new UsageError(`--out: ${outDir} is a file; give a folder for the YAML`);
  const entries = fs.readdirSync(outDir);
  if (!entries.length) return [];
  const manifest = path.join(outDir, MANIFEST);
  if (!entries.includes(MANIFEST)) {
    if (path.resolve(outDir) === path.resolve(buildDir)) return [];
    throw new UsageError(
      `--out: ${outDir} is not empty and was not written by synth (no ${MANIFEST}); give a new or empty folder`,
    );
  }
  return fs
    .readFileSync(manifest, "utf8")
    .split("\n")
    .filter((l) => l && !path.isAbsolute(l) && !l.split(/[\\/]/).includes(".."));
}

export function synth(stackFile: string | undefined, outDir: string): SynthResult {
  const previous = claimOutDir(outDir);
  let raw: Record<string, unknown> = {};
  if (stackFile) raw = readStackFileConfig(stackFile).raw;
  // Secrets are referenced by name, never rendered: validate as if each were set.
  const config = parseStackConfig(raw, Object.keys(secretKeys) as SecretKey[]);
  const pushgatewayUrl = inClusterPushgatewayUrl(config);
  const app = buildApp(chartPropsFromConfig(config, { includeNamespace: true, pushgatewayUrl }));
  fs.mkdirSync(outDir, { recursive: true });
  // Only what the last synth wrote goes (a chart removed since must not linger); nothing else.
  for (const f of previous) fs.rmSync(path.join(outDir, f), { force: true });
  const files: string[] = [];
  const all: Array<Record<string, unknown>> = [];
  const write = (file: string, objs: Array<Record<string, unknown>>) => {
    writeFileAtomic(path.join(outDir, file), objs.map((o) => stringify(o, { lineWidth: 0 })).join("---\n"));
    files.push(file);
  };
  for (const chart of app.charts) {
    const objs = chartObjects(chart);
    all.push(...objs);
    write(`${chart.node.id}.yaml`, objs);
  }
  // One file for `kubectl apply -f dist/all.yaml`; it sorts after the numbered files, so applying
  // the whole directory applies each object twice, which is harmless (apply is idempotent).
  write(ALL_FILE, all);
  const compose = writeComposeBundle(path.join(outDir, "compose")).map((f) => path.join("compose", f));
  writeFileAtomic(path.join(outDir, MANIFEST), [...files, ...compose].join("\n") + "\n");
  return { files, objects: all.length };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const { values } = parseArgs({
      options: { stack: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
    });
    if (values.help) {
      console.log(
        `${USAGE}\n\nEvery in-cluster object as plain YAML (one file per chart, numbered in apply order, plus ${ALL_FILE})\nand the Docker Compose monitoring bundle in compose/. --out must be new, empty or a previous\nsynth output (it holds ${MANIFEST}); only the files synth wrote there are replaced.`,
      );
      process.exit(0);
    }
    const fallback = path.join(repoRoot, "Pulumi.eks.yaml");
    const stack = values.stack ?? (fs.existsSync(fallback) ? fallback : undefined);
    const out = path.resolve(values.out ?? BUILD_DIR);
    const r = synth(stack, out);
    console.log(
      `${r.objects} objects from ${stack ? path.relative(process.cwd(), stack) : "schema defaults"} in ${path.relative(process.cwd(), out) || "."}/: ${r.files.join(", ")} (+ compose/)`,
    );
    console.log(
      `Apply: kubectl apply -f ${path.join(path.relative(process.cwd(), out), ALL_FILE)}   (namespace and secrets first, see docs/serving.md)`,
    );
  } catch (e) {
    const { message, code } = cliFailure(e, USAGE);
    console.error(message);
    process.exit(code);
  }
}
