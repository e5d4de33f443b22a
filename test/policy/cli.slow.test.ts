import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { rows, table } from "../../policy/report";
import { rules } from "../../policy/rules";

// `npm run policy` as users run it (tsx on Node 22), on the example stack and on stack files
// whose config is valid but breaks a rule.
const root = path.resolve(import.meta.dirname, "../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policy-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const node = process.execPath;
    const argv = ["--import", "tsx", "scripts/policy.ts", ...args];
    const { stdout, stderr } = await promisify(execFile)(node, argv, { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (e: any) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function stackFile(name: string, body: string): string {
  const file = path.join(tmp, `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, body);
  return file;
}

// Concurrent: each case is its own tsx process.
describe.concurrent("npm run policy", () => {
  it("passes the default stack with exit code 0", async () => {
    const r = await cli("--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      stack: "Pulumi.eks.yaml",
      rules: rules.length,
      mandatory: 0,
      advisory: 0,
      violations: [],
    });
    expect(out.resources).toBeGreaterThan(40);
  });

  it("exits 1 and prints a table on a mandatory violation", async () => {
    const file = stackFile(
      "warm",
      'config:\n  vllm-k8s:cluster:\n    publicAccessCidrs: ["203.0.113.10/32"]\n  vllm-k8s:gpuNodes:\n    minSize: 1\n    desiredSize: 1\n',
    );
    const r = await cli("--stack", file);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^RULE\s+LEVEL\s+SEVERITY\s+RESOURCE\s+MESSAGE$/);
    expect(lines[1]).toMatch(
      /^gpu-scale-from-zero\s+mandatory\s+medium\s+eks:index:ManagedNodeGroup vllm-gpu\s+GPU node group vllm-gpu has scalingConfig\.minSize 1/,
    );
    expect(r.stdout).toMatch(/1 mandatory and 0 advisory violation/);
  });

  it("exits 2 naming the key on a bad config, and on a missing stack file", async () => {
    const [bad, missing] = await Promise.all([
      cli("--stack", stackFile("bad", "config:\n  vllm-k8s:gpuNodes:\n    minSzie: 0\n")),
      cli("--stack", path.join(tmp, "Pulumi.nope.yaml")),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/vllm-k8s:gpuNodes\.minSzie: unknown key\. Did you mean 'minSize'\?/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--stack: .*Pulumi\.nope\.yaml not found/);
  });
});

describe("report table", () => {
  it("aligns columns and keeps the message last", () => {
    const t = table(
      rows(
        [
          {
            ruleId: "vllm-pdb",
            resource: { type: "kubernetes:yaml/v2:ConfigGroup", name: "workloads" },
            message: "m1",
          },
          {
            ruleId: "prometheus-retention",
            resource: { type: "kubernetes:helm.sh/v3:Release", name: "kps" },
            message: "m2",
          },
        ],
        rules,
      ),
    ).split("\n");
    expect(t).toHaveLength(3);
    const col = (line: string) => line.indexOf(line.includes("m1") ? "m1" : line.includes("m2") ? "m2" : "MESSAGE");
    expect(new Set(t.map(col)).size).toBe(1);
    expect(t[2]).toMatch(/^prometheus-retention\s+advisory\s+low\s+kubernetes:helm\.sh\/v3:Release kps\s+m2$/);
  });
});
