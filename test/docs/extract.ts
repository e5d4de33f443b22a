import * as fs from "node:fs";
import * as path from "node:path";

// What README.md and docs/*.md promise, pulled out with line numbers so a failing check can
// name the doc and line. New docs under docs/ are picked up without any list to update.

export const ROOT = path.resolve(__dirname, "../..");

export interface Doc {
  /** Path relative to the repository root, e.g. `docs/addons.md`. */
  file: string;
  text: string;
  lines: string[];
}

export interface Located {
  file: string;
  /** 1-based line of the match (of the opening fence for blocks). */
  line: number;
}
export const where = (l: Located) => `${l.file}:${l.line}`;

export interface FencedBlock extends Located {
  lang: string;
  code: string;
}

export function listDocs(): Doc[] {
  const files = [
    "README.md",
    ...fs
      .readdirSync(path.join(ROOT, "docs"))
      .filter((f) => f.endsWith(".md"))
      .sort()
      .map((f) => `docs/${f}`),
  ];
  return files.map((file) => {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    return { file, text, lines: text.split("\n") };
  });
}

/** Fenced code blocks (``` or ~~~), with their info-string language. */
export function fencedBlocks(doc: Doc): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: { fence: string; lang: string; line: number; body: string[] } | undefined;
  doc.lines.forEach((l, i) => {
    const m = /^\s*(```+|~~~+)\s*([\w+-]*)/.exec(l);
    if (!open && m) open = { fence: m[1], lang: m[2].toLowerCase(), line: i + 1, body: [] };
    else if (open && l.trim().startsWith(open.fence)) {
      blocks.push({ file: doc.file, line: open.line, lang: open.lang, code: open.body.join("\n") });
      open = undefined;
    } else if (open) open.body.push(l);
  });
  return blocks;
}

/** Prose lines (outside fenced blocks) with their line numbers. */
export function proseLines(doc: Doc): { line: number; text: string }[] {
  const inBlock = new Set<number>();
  for (const b of fencedBlocks(doc))
    for (let i = b.line; i <= b.line + b.code.split("\n").length + 1; i++) inBlock.add(i);
  return doc.lines.map((text, i) => ({ line: i + 1, text })).filter((l) => !inBlock.has(l.line));
}

/** Every match of `re` (global) in the doc, with the line it starts on and its first group. */
export function matches(doc: Doc, re: RegExp): (Located & { name: string; match: string })[] {
  const out: (Located & { name: string; match: string })[] = [];
  for (const m of doc.text.matchAll(re)) {
    const line = doc.text.slice(0, m.index).split("\n").length;
    out.push({ file: doc.file, line, name: m[1] ?? m[0], match: m[0] });
  }
  return out;
}

/** Stack outputs the docs name: `pulumi stack output [--flags] NAME` and "stack output `NAME`". */
export function stackOutputsNamed(docs: Doc[]) {
  return docs.flatMap((d) => [
    ...matches(d, /pulumi stack output(?:\s+--[\w-]+)*\s+([A-Za-z][A-Za-z0-9]*)/g),
    ...matches(d, /stack output `([A-Za-z][A-Za-z0-9]*)`/g),
  ]);
}

const SHELL_LANGS = new Set(["sh", "bash", "shell", "console", "zsh"]);
/** Programs whose inline `code` in prose is a command worth checking. */
const COMMAND_START = /^(npm|npx|node|pulumi|kubectl|docker|helm|aws|vllm-bench)\s/;

export interface Command extends Located {
  /** One command as a user would type it (continuations joined, comment and `&&` split off). */
  cmd: string;
}

function splitCommands(file: string, line: number, text: string): Command[] {
  const out: Command[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i];
    const at = line + i;
    while (l.trimEnd().endsWith("\\") && i + 1 < lines.length) l = l.trimEnd().slice(0, -1) + " " + lines[++i].trim();
    const noComment = l.replace(/(^|\s)#.*$/, "").trim();
    if (!noComment) continue;
    for (const part of noComment.split(/\s&&\s/)) out.push({ file, line: at, cmd: part.trim().replace(/^\$\s+/, "") });
  }
  return out;
}

/** Commands in shell code blocks and in inline code spans of the prose. */
export function commandsIn(doc: Doc): Command[] {
  // A `console` block is a transcript: only its `$ ` lines are commands, the rest is output.
  const commandsOf = (b: { lang: string; code: string }) =>
    b.lang === "console"
      ? b.code
          .split("\n")
          .map((l) => (l.startsWith("$ ") ? l.slice(2) : ""))
          .join("\n")
      : b.code;
  const fromBlocks = fencedBlocks(doc)
    .filter((b) => SHELL_LANGS.has(b.lang))
    .flatMap((b) => splitCommands(doc.file, b.line + 1, commandsOf(b)));
  const fromProse = proseLines(doc).flatMap((l) =>
    [...l.text.matchAll(/`([^`]+)`/g)]
      .map((m) => m[1].trim())
      .filter((c) => COMMAND_START.test(c))
      .flatMap((c) => splitCommands(doc.file, l.line, c)),
  );
  return [...fromBlocks, ...fromProse];
}

/** Inline code spans of the prose (tables included), with their line. */
export function inlineCode(doc: Doc): (Located & { text: string })[] {
  return proseLines(doc).flatMap((l) =>
    [...l.text.matchAll(/`([^`\n]+)`/g)].map((m) => ({ file: doc.file, line: l.line, text: m[1] })),
  );
}

/** A run-time claim: "about 20 s", "at most about 4 minutes", "about a minute". */
export const RUN_TIME =
  /\b(?:about|around|roughly|under|within|at most(?: about)?|takes?|took|in about)\s+(?:a|an|half an?|\d+(?:[.,]\d+)?(?:[–-]\d+(?:[.,]\d+)?)?)\s*(?:ms|s|sec|seconds?|minutes?|min|hours?|h)\b/gi;

export function runTimeClaims(doc: Doc): (Located & { claim: string; text: string })[] {
  return proseLines(doc).flatMap((l) =>
    [...l.text.matchAll(RUN_TIME)].map((m) => ({ file: doc.file, line: l.line, claim: m[0], text: l.text })),
  );
}
