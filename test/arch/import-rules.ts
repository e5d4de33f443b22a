import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/**
 * DESIGN §2's rules of the house as data: which room may not import which.
 * A room is a top-level folder.
 */
export type Room = "infra" | "charts" | "monitoring" | "compose" | "bench" | "perf" | "policy" | "scripts" | "test";

export const productRooms: readonly Room[] = [
  "infra",
  "charts",
  "monitoring",
  "compose",
  "bench",
  "perf",
  "policy",
  "scripts",
];

export function roomOf(file: string): Room | undefined {
  const top = file.split(path.sep).join("/").split("/")[0];
  return (["infra", "charts", "monitoring", "compose", "bench", "perf", "policy", "scripts", "test"] as const).find(
    (r) => r === top,
  );
}

interface Rule {
  from: Room;
  /** Rooms of ours it may not import. */
  rooms?: Room[];
  /** npm package prefixes it may not import. */
  packages?: string[];
  /** Modules inside a forbidden room that are allowed all the same (the bench contract). */
  allowed?: string[];
  why: string;
}

export const rules: readonly Rule[] = [
  {
    from: "monitoring",
    rooms: ["infra", "charts", "compose", "bench", "perf", "policy", "scripts", "test"],
    packages: ["@pulumi/", "cdk8s"],
    why: "the monitoring content is pure data and imports nothing of ours",
  },
  {
    from: "charts",
    rooms: ["infra", "bench", "scripts", "perf", "policy", "test"],
    packages: ["@pulumi/"],
    allowed: ["bench/contract"],
    why: "charts/ is cloud-agnostic (never Pulumi or infra/) and takes only the contract module from bench/",
  },
  {
    from: "bench",
    rooms: ["infra", "scripts", "monitoring", "compose", "perf", "charts", "policy", "test"],
    packages: ["@pulumi/", "cdk8s"],
    why: "bench/ is what the image ships; the simulator mirrors vLLM on its own and must not read our catalog",
  },
  {
    from: "policy",
    rooms: ["infra", "scripts", "perf", "test"],
    packages: ["@pulumi/aws", "@pulumi/eks"],
    why: "policy/ owns its graph model and imports no infra/",
  },
  {
    from: "infra",
    rooms: ["bench", "scripts", "perf", "policy", "test"],
    allowed: ["bench/contract"],
    why: "infra/ is the program (entry points join rooms, not infra/) and takes only the contract module from bench/",
  },
  {
    from: "compose",
    rooms: ["infra", "charts", "bench", "perf", "policy", "scripts", "test"],
    why: "a deploy target of the monitoring content only",
  },
  { from: "scripts", rooms: ["perf", "test"], why: "entry points never reach into tests or the perf lab" },
];

/**
 * Imports that break a rule today, each waiting for the restructuring issue (#16) to move it.
 * The test fails when one of them disappears, so this list only shrinks.
 */
export const knownExceptions: readonly { file: string; target: string; fix: string }[] = [];

export interface ImportEdge {
  file: string;
  /** A repo-relative path without extension for our own modules, else the package specifier. */
  target: string;
  local: boolean;
}

/** An import specifier as a repo-relative path without extension (ours), else the package specifier as written. */
export function targetOf(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  return joined.replace(/\.(ts|js|mjs|cjs|json)$/, "");
}

/** Every static and dynamic import of each source (TypeScript's own pre-processor, not a regex). */
export function importsOf(sources: ReadonlyMap<string, string>): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const [file, text] of sources) {
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      const local = fileName.startsWith(".");
      edges.push({ file, target: targetOf(file, fileName), local });
    }
  }
  return edges;
}

export interface Violation {
  file: string;
  target: string;
  why: string;
}

export function violations(edges: readonly ImportEdge[]): Violation[] {
  const out: Violation[] = [];
  for (const e of edges) {
    const from = roomOf(e.file);
    for (const rule of rules.filter((r) => r.from === from)) {
      const bad = e.local
        ? rule.rooms?.includes(roomOf(e.target) as Room)
        : rule.packages?.some((p) => e.target.startsWith(p));
      const allowed = rule.allowed?.some((a) => e.target === a || e.target.startsWith(`${a}/`));
      if (bad && !allowed) out.push({ file: e.file, target: e.target, why: rule.why });
    }
  }
  return out;
}

/** The repo's product and test sources, keyed by repo-relative posix path. */
export function repoSources(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (/\.(ts|mts|cts|mjs|cjs)$/.test(e.name)) out.set(rel, fs.readFileSync(path.join(root, rel), "utf8"));
    }
  };
  for (const room of [...productRooms, "test"])
    if (fs.existsSync(path.join(root, room)) && !room.includes("/")) walk(room);
  return out;
}
