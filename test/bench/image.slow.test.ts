// What runs inside bench/Dockerfile's image, tested without a Docker engine: the very bundle
// command the Dockerfile runs, executed from a directory holding nothing but the bundle (the
// runtime stage has no node_modules and no sources), plus the Dockerfile's structure.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const node = process.execPath;
const app = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-image-"));
const bundle = path.join(app, "vllm-bench.mjs");
const dockerfile = fs.readFileSync(path.join(root, "bench/Dockerfile"), "utf8");
const children: ChildProcess[] = [];

function run(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000) {
  // NODE_PATH and the repository are out of reach: cwd is the bare app directory.
  const child = spawn(node, [bundle, ...args], {
    cwd: app,
    env: { PATH: process.env.PATH, HOME: app, ...env },
    stdio: "pipe",
  });
  children.push(child);
  let stdout = "",
    stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))),
  );
  return { child, done, out: () => stdout };
}

beforeAll(() => {
  const script = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts["build:bench"] as string;
  expect(script).toMatch(/--outfile=dist\/bench\/vllm-bench\.mjs/);
  execFileSync("npm", ["run", "--silent", "build:bench"], { cwd: root, stdio: "pipe" });
  fs.copyFileSync(path.join(root, "dist/bench/vllm-bench.mjs"), bundle);
}, 60_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  fs.rmSync(app, { recursive: true, force: true });
});

describe("the image's single-file bundle", () => {
  it("is one file with a node shebang and no imports outside Node's own modules", () => {
    const text = fs.readFileSync(bundle, "utf8");
    expect(text.startsWith("#!/usr/bin/env node\n")).toBe(true);
    const specifiers = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    // Bare builtins count too: vega-loader's Node build imports "fs" (vega 6.4), which the image's Node has.
    expect(specifiers.filter((s) => !s.startsWith("node:") && !builtinModules.includes(s))).toEqual([]);
  });

  it("documents run, its flags and env vars", async () => {
    const { code, stdout } = await run(["run", "--help"]).done;
    expect(code).toBe(0);
    for (const s of [
      "--base-url",
      "--config",
      "--output-dir",
      "MODEL_ENDPOINT",
      "CONFIG_PATH",
      "OUTPUT_DIR",
      "PUSHGATEWAY_URL",
      "READY_TIMEOUT",
      "Exit codes",
    ])
      expect(stdout).toContain(s);
    expect((await run(["sim", "--help"]).done).stdout).toMatch(/--fixed-ttft-ms/);
    expect((await run(["nope"]).done).code).toBe(2);
  });

  it("serves the simulator on an ephemeral port and benchmarks it with a bundled preset", async () => {
    const sim = run(["sim", "--host", "127.0.0.1", "--port", "0", "--fixed-ttft-ms", "10", "--fixed-itl-ms", "5"]);
    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      url = sim.out().match(/on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 50));
    }
    expect(url, "simulator did not announce its URL").toBeDefined();
    const out = path.join(app, "results");
    // The Job's way of configuring it: environment variables only.
    const bench = await run(["run"], {
      MODEL_ENDPOINT: url,
      CONFIG_PATH: "smoke",
      OUTPUT_DIR: out,
      CONCURRENCY_LEVELS: "8",
      DURATION: "0.5",
    }).done;
    expect(bench.code, bench.stderr).toBe(0);
    expect(bench.stdout).toMatch(/Serving Benchmark Result/);
    expect(fs.readdirSync(path.join(out, "latest")).sort()).toEqual([
      "light-c8.requests.csv",
      "light-c8.results.json",
      "moderate-c8.requests.csv",
      "moderate-c8.results.json",
      "report.html",
      "summary.csv",
    ]);
    const r = JSON.parse(fs.readFileSync(path.join(out, "latest", "light-c8.results.json"), "utf8"));
    expect(r.completed).toBeGreaterThan(0);
    expect(r.failed).toBe(0);
    sim.child.kill("SIGTERM");
    expect((await sim.done).code).toBe(0);
  });
});

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => ({ op: l.split(/\s+/)[0].toUpperCase(), args: l.slice(l.split(/\s+/)[0].length).trim() }));
}

describe("bench/Dockerfile", () => {
  const ins = instructions(dockerfile);
  const args = Object.fromEntries(
    ins.filter((i) => i.op === "ARG" && i.args.includes("=")).map((i) => i.args.split("=", 2) as [string, string]),
  );
  const stages: { from: string; name?: string; body: { op: string; args: string }[] }[] = [];
  for (const i of ins) {
    if (i.op === "FROM") {
      const [image, , name] = i.args.split(/\s+/);
      stages.push({ from: image.replace(/^\$\{(\w+)\}$/, (_, a) => args[a] ?? `<unset ${a}>`), name, body: [] });
    } else stages.at(-1)?.body.push(i);
  }
  const runtime = stages.at(-1)!;

  it("is multi-stage and every base image is pinned by tag and digest, never latest", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) {
      expect(s.from).toMatch(/^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
      expect(s.from).not.toMatch(/:latest\b/);
    }
  });

  it("builds with the tested bundle command and ships only the bundle and presets", () => {
    const build = stages.find((s) => s.name === "build")!;
    expect(build.body.some((i) => i.op === "RUN" && /npm ci\b/.test(i.args))).toBe(true);
    expect(build.body.some((i) => i.op === "RUN" && /npm run build:bench\b/.test(i.args))).toBe(true);
    const copies = runtime.body.filter((i) => i.op === "COPY").map((i) => i.args);
    expect(copies.some((c) => /--from=build\b.*dist\/bench\/vllm-bench\.mjs/.test(c))).toBe(true);
    expect(copies.some((c) => /^bench\/presets\s/.test(c))).toBe(true);
    expect(copies.join("\n")).not.toMatch(/node_modules/);
  });

  it("runs as uid 1000 with vllm-bench as the entrypoint", () => {
    const users = runtime.body.filter((i) => i.op === "USER").map((i) => i.args);
    expect(users.at(-1)).toMatch(/^1000(:1000)?$/);
    expect(JSON.parse(runtime.body.find((i) => i.op === "ENTRYPOINT")!.args)).toEqual(["vllm-bench"]);
    expect(
      runtime.body.some(
        (i) => i.op === "RUN" && /ln -s \/app\/vllm-bench\.mjs \/usr\/local\/bin\/vllm-bench/.test(i.args),
      ),
    ).toBe(true);
  });

  it("gets every file it copies through the root .dockerignore (the build context is the repository root)", () => {
    const ignore = fs
      .readFileSync(path.join(root, ".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    expect(ignore[0]).toBe("*");
    const allowed = ignore.filter((l) => l.startsWith("!")).map((l) => l.slice(1).replace(/\/$/, ""));
    const sources = stages.flatMap((s) =>
      s.body
        .filter((i) => i.op === "COPY" && !i.args.includes("--from="))
        .flatMap((i) =>
          i.args
            .split(/\s+/)
            .filter((a) => !a.startsWith("--"))
            .slice(0, -1),
        ),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      expect(
        allowed.some((a) => src === a || src.startsWith(`${a}/`)),
        `${src} is not sent to the builder`,
      ).toBe(true);
      expect(fs.existsSync(path.join(root, src)), `${src} does not exist`).toBe(true);
    }
  });
});
