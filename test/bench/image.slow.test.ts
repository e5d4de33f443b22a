// What runs inside bench/Dockerfile's image, tested without a Docker engine: the build stage's
// command, run in a directory holding only what that stage copies (and the installed packages),
// then its output run from a directory holding nothing but what the runtime stage copies (no
// node_modules, no sources); plus the Dockerfile's structure.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const node = process.execPath;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-image-"));
const context = path.join(tmp, "src"); // the build stage's WORKDIR
const app = path.join(tmp, "app"); // the runtime stage's /app
const bundle = path.join(app, "vllm-bench.mjs");
const dockerfile = fs.readFileSync(path.join(root, "bench/Dockerfile"), "utf8");
const children: ChildProcess[] = [];

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => ({ op: l.split(/\s+/)[0].toUpperCase(), args: l.slice(l.split(/\s+/)[0].length).trim() }));
}

const ins = instructions(dockerfile);
const dockerArgs = Object.fromEntries(
  ins.filter((i) => i.op === "ARG" && i.args.includes("=")).map((i) => i.args.split("=", 2) as [string, string]),
);
const stages: { from: string; name?: string; body: { op: string; args: string }[] }[] = [];
for (const i of ins) {
  if (i.op === "FROM") {
    const [image, , name] = i.args.split(/\s+/);
    stages.push({ from: image.replace(/^\$\{(\w+)\}$/, (_, a) => dockerArgs[a] ?? `<unset ${a}>`), name, body: [] });
  } else stages.at(-1)?.body.push(i);
}
const buildStage = stages.find((s) => s.name === "build")!;
const runtime = stages.at(-1)!;
/** A COPY's sources and destination, its flags dropped. */
function copyPaths(args: string) {
  const words = args.split(/\s+/).filter((a) => !a.startsWith("--"));
  return { sources: words.slice(0, -1), dest: words.at(-1)! };
}

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
  // The build stage: its COPYs from the context (the repository root), then its build command.
  for (const i of buildStage.body.filter((i) => i.op === "COPY" && !i.args.includes("--from="))) {
    const { sources, dest } = copyPaths(i.args);
    for (const src of sources) {
      // Mirrored to the same relative path: the Dockerfile must keep that layout for this to hold.
      expect(["./", `./${src}`], `COPY ${i.args}`).toContain(dest);
      fs.cpSync(path.join(root, src), path.join(context, src), { recursive: true });
    }
  }
  // npm ci's result: the packages of the same lock file.
  fs.symlinkSync(path.join(root, "node_modules"), path.join(context, "node_modules"));
  const build = buildStage.body.find((i) => i.op === "RUN" && /npm run build:bench\b/.test(i.args))!;
  execFileSync("sh", ["-c", build.args], { cwd: context, stdio: "pipe" });
  // The runtime stage's copy of the build's output.
  const out = runtime.body
    .filter((i) => i.op === "COPY" && i.args.includes("--from=build"))
    .map((i) => copyPaths(i.args));
  expect(out).toEqual([{ sources: ["/src/dist/bench/"], dest: "/app/" }]);
  fs.cpSync(path.join(context, "dist/bench"), app, { recursive: true });
}, 60_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the image's bundle", () => {
  it("is an entry with a node shebang and chunks, importing nothing but Node's own modules and each other", () => {
    expect(fs.readFileSync(bundle, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const files = fs.readdirSync(app, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".mjs"));
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) {
      const text = fs.readFileSync(path.join(app, f), "utf8");
      const specifiers = [...text.matchAll(/^(?:import|export) .*from "([^"]+)";$|^import "([^"]+)";$/gm)].map(
        (m) => m[1] ?? m[2],
      );
      const outside = specifiers.filter(
        (s) =>
          // Bare builtins count too: vega-loader's Node build imports "fs" (vega 6.4), which the image's Node has.
          !s.startsWith("node:") &&
          !builtinModules.includes(s) &&
          !(s.startsWith(".") && fs.existsSync(path.join(app, path.dirname(f), s))),
      );
      expect(outside, f).toEqual([]);
    }
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
    // A worker thread loads the entry and the run's chunks from the same bare directory.
    const two = await run(["run", "--workers", "2"], {
      MODEL_ENDPOINT: url,
      CONFIG_PATH: "smoke",
      OUTPUT_DIR: path.join(app, "results-w2"),
      CONCURRENCY_LEVELS: "8",
      DURATION: "0.5",
    }).done;
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toMatch(/2 shards/);
    sim.child.kill("SIGTERM");
    expect((await sim.done).code).toBe(0);
  });
});

describe("bench/Dockerfile", () => {
  it("is multi-stage and every base image is pinned by tag and digest, never latest", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) {
      expect(s.from).toMatch(/^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
      expect(s.from).not.toMatch(/:latest\b/);
    }
  });

  it("builds with the tested bundle command and ships only the bundle and presets", () => {
    expect(buildStage.body.some((i) => i.op === "RUN" && /npm ci\b/.test(i.args))).toBe(true);
    expect(buildStage.body.some((i) => i.op === "RUN" && /npm run build:bench\b/.test(i.args))).toBe(true);
    const copies = runtime.body.filter((i) => i.op === "COPY").map((i) => i.args);
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
