import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importsOf, knownExceptions, repoSources, violations } from "./import-rules";

const root = fileURLToPath(new URL("../..", import.meta.url));
const sources = repoSources(root);
const edges = importsOf(sources);
const isKnown = (v: { file: string; target: string }) =>
  knownExceptions.some((k) => k.file === v.file && k.target === v.target);

describe("the rules of the house (DESIGN §2) over every import in the repository", () => {
  it("reads the whole tree", () => {
    expect(sources.size).toBeGreaterThan(150);
    expect(edges.filter((e) => e.local).length).toBeGreaterThan(300);
  });

  it("no product module imports across a forbidden arrow", () => {
    const found = violations(edges).filter((v) => !isKnown(v));
    expect(found.map((v) => `${v.file} imports ${v.target}: ${v.why}`)).toEqual([]);
  });

  it("every known exception still exists (fixed ones leave the list)", () => {
    const all = violations(edges);
    const stale = knownExceptions.filter((k) => !all.some((v) => v.file === k.file && v.target === k.target));
    expect(stale).toEqual([]);
  });

  it("no product module imports a test", () => {
    const bad = edges.filter((e) => e.local && !e.file.startsWith("test/") && e.target.startsWith("test/"));
    expect(bad).toEqual([]);
  });

  it("fails when a forbidden import is added", () => {
    const fed = new Map([
      ["bench/sim/metrics.ts", 'import { catalog } from "../../monitoring/catalog";'],
      [
        "charts/vllm/bad.ts",
        'import * as pulumi from "@pulumi/pulumi";\nconst x = await import("../../infra/config");',
      ],
      ["monitoring/bad.ts", 'export { x } from "../charts/app";'],
      ["policy/bad.ts", 'import "../infra/program";'],
      ["monitoring/fine.ts", 'import { z } from "./promql";'],
      ["charts/benchmark/fine.ts", 'import { presets } from "../../bench/contract";'],
      ["infra/workloads/bad.ts", 'import { runBenchmark } from "../../bench/client/run";'],
    ]);
    const found = violations(importsOf(fed)).map((v) => `${v.file} -> ${v.target}`);
    expect(found).toEqual([
      "bench/sim/metrics.ts -> monitoring/catalog",
      "charts/vllm/bad.ts -> @pulumi/pulumi",
      "charts/vllm/bad.ts -> infra/config",
      "monitoring/bad.ts -> charts/app",
      "policy/bad.ts -> infra/program",
      "infra/workloads/bad.ts -> bench/client/run",
    ]);
  });
});
