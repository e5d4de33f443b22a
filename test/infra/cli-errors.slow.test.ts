import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

// Every offline CLI as users run it (tsx on Node 22): a bad flag, a missing stack file, a directory,
// YAML that does not parse and a bad key each give one clean line (config: one per bad key) and
// exit 2, never a Node stack trace, and nothing is written. One process at a time: the machine has two cores.
const root = path.resolve(import.meta.dirname, "../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-errors-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const out = path.join(tmp, "dist");

const write = (name: string, body: string) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, body);
  return f;
};
const syntax = write("Pulumi.syntax.yaml", "config:\n  vllm-k8s:cluster:\n    publicAccessCidrs: [203.0.113.4/32\n");
const cron = write(
  "Pulumi.cron.yaml",
  'config:\n  vllm-k8s:cluster:\n    publicAccessCidrs: ["203.0.113.4/32"]\n  vllm-k8s:benchmark:\n    schedule: "0 0 3 * * * *"\n',
);

async function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: root,
      timeout: 110_000,
    });
    return { code: 0, ...r };
  } catch (e: any) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const CLIS = { graph: "scripts/graph/cli.ts", policy: "scripts/policy.ts", synth: "scripts/synth.ts" } as const;
const outArgs = (cli: string) => (cli === "synth" ? ["--out", out] : []);
const cases: [string, string[], RegExp][] = [
  ["an unknown flag", ["--bogus"], /^Unknown option '--bogus'\. Usage: npm run \w+ -- /],
  [
    "--stack without a value",
    ["--stack"],
    /^Option '--stack( <value>)?' argument (missing|is ambiguous\. Did you forget to specify the option argument for '--stack'\?.*)\. Usage:/,
  ],
  [
    "a missing stack file",
    ["--stack", path.join(tmp, "Pulumi.nope.yaml")],
    /^--stack: .*Pulumi\.nope\.yaml not found\./,
  ],
  ["a directory", ["--stack", tmp], /^--stack: .* is a directory\./],
  ["a YAML syntax error", ["--stack", syntax], /^.*Pulumi\.syntax\.yaml:\d+:\d+: YAML syntax error: /],
];

describe.each(Object.entries(CLIS))("npm run %s", (cli, script) => {
  it.each(cases)("refuses %s in one line with exit 2", async (_label, args, message) => {
    const r = await run(script, [...args, ...outArgs(cli)]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses a bad schedule naming the key, no stack trace", async () => {
    const r = await run(script, ["--stack", cron, ...outArgs(cli)]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      "Invalid stack config (1 problem):",
      expect.stringMatching(/^ {2}- vllm-k8s:benchmark\.schedule: '0 0 3 \* \* \* \*' has 7 field/),
    ]);
    expect(fs.existsSync(out)).toBe(false);
  });
});

// Every npm entry point that runs a TypeScript file, read from package.json so a new one is covered
// the day it is added: --help prints the usage and exits 0 without doing the work; an unknown flag
// is one line and exit 2.
const entryPoints = Object.entries(
  JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts as Record<string, string>,
).flatMap(([name, cmd]) => {
  const script = /\btsx (\S+\.ts)\b/.exec(cmd)?.[1];
  return script ? [[name, script] as const] : [];
});

it("finds every TypeScript entry point in package.json", () => {
  expect(entryPoints.map(([name]) => name)).toEqual(
    expect.arrayContaining(["start", "graph", "synth", "policy", "dashboards", "bench:client", "bench:plan"]),
  );
});

describe.each(entryPoints)("npm run %s (%s)", (name, script) => {
  it("--help prints its usage and exits 0 without doing the work", async () => {
    const dashboards = fs.statSync(path.join(root, "monitoring/vllm-serving.json")).mtimeMs;
    const r = await run(script, ["--help"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^usage: /i);
    expect(r.stderr).toBe("");
    expect(fs.statSync(path.join(root, "monitoring/vllm-serving.json")).mtimeMs, name).toBe(dashboards);
  });

  it("refuses an unknown flag in one line with exit 2", async () => {
    const r = await run(script, ["--bogus"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split("\n"), r.stderr).toEqual([expect.stringMatching(/--bogus.*(usage|--help)/i)]);
  });
});

it("npm start refuses an unknown flag in one line with exit 2", async () => {
  const r = await run("scripts/start.ts", ["--bogus"]);
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split("\n")).toEqual(["error: Unknown option '--bogus' (options: npm start -- --help)"]);
});
