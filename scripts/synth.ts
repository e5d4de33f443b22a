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
import { cliFailure, readStackFileConfig } from "../infra/config-file";
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

export function synth(stackFile: string | undefined, outDir: string): SynthResult {
  let raw: Record<string, unknown> = {};
  if (stackFile) raw = readStackFileConfig(stackFile).raw;
  // Secrets are referenced by name, never rendered: validate as if each were set.
  const config = parseStackConfig(raw, Object.keys(secretKeys) as SecretKey[]);
  const pushgatewayUrl = inClusterPushgatewayUrl(config);
  const app = buildApp(chartPropsFromConfig(config, { includeNamespace: true, pushgatewayUrl }));
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(outDir)) if (f.endsWith(".yaml")) fs.rmSync(path.join(outDir, f));
  const files: string[] = [];
  const all: Array<Record<string, unknown>> = [];
  const write = (file: string, objs: Array<Record<string, unknown>>) => {
    fs.writeFileSync(path.join(outDir, file), objs.map((o) => stringify(o, { lineWidth: 0 })).join("---\n"));
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
  writeComposeBundle(path.join(outDir, "compose"));
  return { files, objects: all.length };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const { values } = parseArgs({ options: { stack: { type: "string" }, out: { type: "string" } }, strict: true });
    const fallback = path.join(repoRoot, "Pulumi.eks.yaml");
    const stack = values.stack ?? (fs.existsSync(fallback) ? fallback : undefined);
    const out = path.resolve(values.out ?? path.join(repoRoot, "dist"));
    const r = synth(stack, out);
    console.log(
      `${r.objects} objects from ${stack ? path.relative(process.cwd(), stack) : "schema defaults"} in ${path.relative(process.cwd(), out) || "."}/: ${r.files.join(", ")} (+ compose/)`,
    );
    console.log(
      `Apply: kubectl apply -f ${path.join(path.relative(process.cwd(), out), ALL_FILE)}   (namespace and secrets first, see docs/serving.md)`,
    );
  } catch (e) {
    const { message, code } = cliFailure(e, "Usage: npm run synth -- [--stack Pulumi.<stack>.yaml] [--out dist]");
    console.error(message);
    process.exit(code);
  }
}
