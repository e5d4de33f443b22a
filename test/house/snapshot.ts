// The house snapshot: a digest of everything a restructuring must leave unchanged —
// the resource graph of both example stacks (every node's type, name, parent, inputs and
// dependencies, in registration order, plus the stack outputs) and every file `npm run synth`
// writes for each stack (per object, so a failure names what changed).
//
//   tsx test/house/snapshot.ts            print the current digest as JSON
//   tsx test/house/snapshot.ts --write    replace test/house/snapshot.json (say why in the commit)
//
// dist/bench/ is left out: an esbuild bundle (entry and chunks) whose bytes follow module paths,
// so it changes on any move; what it does is covered by the bench suites.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseAllDocuments } from "yaml";
import { SECRET } from "../../policy/model";
import type { Graph } from "../../scripts/graph/build";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const SNAPSHOT_FILE = path.join(root, "test/house/snapshot.json");
export const STACKS = ["eks", "existing"] as const;

const sha = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);

/** Graph of one stack, in this process (call once per process: the mocks are global). */
async function graphDigest(stack: string) {
  const { buildGraph, readStackFile } = await import("../../scripts/graph/build");
  return digestOf(await buildGraph(readStackFile(path.join(root, `Pulumi.${stack}.yaml`))));
}

function digestOf(graph: Graph) {
  const nodes = graph.nodes.map((n) => ({
    key: `${n.type}::${n.name}`,
    digest: sha(
      JSON.stringify({
        parent: n.parent ?? null,
        parentType: n.parentType ?? null,
        inputs: n.inputs,
        secretInputs: n.secretInputs,
        dependencies: [...n.dependencies].sort(),
      }),
    ),
  }));
  const outputs = Object.fromEntries(
    Object.entries(graph.outputs).map(([k, v]) => [
      k,
      sha(JSON.stringify(graph.secretOutputs.includes(k) ? SECRET : v)),
    ]),
  );
  return { order: nodes.map((n) => n.key), nodes: Object.fromEntries(nodes.map((n) => [n.key, n.digest])), outputs };
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Every file synth writes for one stack: a whole-file digest and, for YAML, one per object. */
function distDigest(stack: string) {
  // Inside the checkout: the Compose file names its build context relative to the output folder,
  // so a folder elsewhere would make the digest depend on where the repository lives.
  const out = fs.mkdtempSync(path.join(root, ".house-dist-"));
  try {
    execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(root, "scripts/synth.ts"),
        "--stack",
        path.join(root, `Pulumi.${stack}.yaml`),
        "--out",
        out,
      ],
      { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
    );
    const files: Record<string, { file: string; objects?: Record<string, string> }> = {};
    // The manifest only lists the other files: how synth knows its own output, not part of it.
    for (const f of walk(out)
      .filter((f) => path.basename(f) !== ".synth-manifest")
      .sort()) {
      const rel = path.relative(out, f);
      const text = fs.readFileSync(f, "utf8");
      const entry: { file: string; objects?: Record<string, string> } = { file: sha(text) };
      if (/\.ya?ml$/.test(f)) {
        entry.objects = {};
        parseAllDocuments(text).forEach((d, i) => {
          const o = d.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null;
          const key = o?.kind ? `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}` : `#${i}`;
          entry.objects![key] = sha(JSON.stringify(o));
        });
      }
      files[rel] = entry;
    }
    return files;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** The digest; `graphs` (the test run's example graphs) saves a program run per stack. */
export function currentSnapshot(graphs?: Record<(typeof STACKS)[number], Graph>) {
  const snap: Record<string, unknown> = {};
  for (const stack of STACKS) {
    const json = graphs
      ? undefined
      : execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--graph", stack], {
          cwd: root,
          encoding: "utf8",
          maxBuffer: 64 << 20,
        });
    snap[`graph:${stack}`] = graphs ? digestOf(graphs[stack]) : JSON.parse(json!);
    snap[`dist:${stack}`] = distDigest(stack);
  }
  return snap;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const i = process.argv.indexOf("--graph");
  if (i > 0) {
    void graphDigest(process.argv[i + 1]).then((d) => process.stdout.write(JSON.stringify(d), () => process.exit(0)));
  } else {
    const text = JSON.stringify(currentSnapshot(), null, 1) + "\n";
    if (process.argv.includes("--write")) fs.writeFileSync(SNAPSHOT_FILE, text);
    else process.stdout.write(text);
  }
}
