import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// The Pulumi CLI is not on this machine. Run the entry point the way its nodejs runtime does
// (node + Pulumi.yaml's nodeargs + main) on the Node 22 our users have, with config passed the
// way the CLI passes it (PULUMI_CONFIG). Without an engine the program must get as far as
// registering resources: module loading, ESM/tsx resolution and config reading all worked.
const root = path.resolve(__dirname, "../..");
const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
const node = process.execPath;

function runEntry(config: Record<string, unknown>) {
  const env = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(
      Object.fromEntries(Object.entries(config).map(([k, v]) => [`vllm-k8s:${k}`, JSON.stringify(v)])),
    ),
  };
  const args = [...String(project.runtime.options.nodeargs).split(" "), project.main];
  return spawnSync(node, args, { cwd: root, env, encoding: "utf8", timeout: 60_000 });
}

describe("Pulumi entry point outside the mocks", () => {
  it("is a TypeScript ESM program the nodejs runtime can load on Node 22", () => {
    expect(project.runtime.name).toBe("nodejs");
    expect(fs.existsSync(path.join(root, project.main))).toBe(true);
    const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
    expect(Number(version.slice(1).split(".")[0])).toBeGreaterThanOrEqual(22);
  });

  it("loads, validates config and reaches resource registration", () => {
    const r = runEntry({ cluster: { publicAccessCidrs: ["203.0.113.10/32"] } });
    expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find module|SyntaxError|ConfigError/);
    // What fails is the missing engine/monitor, i.e. the program got to talk to it.
    expect(r.stderr).toMatch(/invoke|monitor|engine/i);
  });

  it("stops on bad config with the key named, before touching the engine", () => {
    const r = runEntry({ cluster: { publicAccessCidrs: ["203.0.113.10/32"] }, gpuNodes: { maxSize: 0 } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ConfigError[\s\S]*vllm-k8s:gpuNodes\.maxSize/);
    expect(r.stderr).not.toMatch(/monitor|invoke/i);
  });
});
