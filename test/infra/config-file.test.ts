import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { cliFailure, readStackFileConfig, UsageError } from "../../infra/config-file";
import { ConfigError } from "../../infra/config-load";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "config-file-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, body: string) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, body);
  return f;
};

function usageError(f: string): string {
  try {
    readStackFileConfig(f);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`${f} was read`);
}

describe("reading a stack file", () => {
  it("splits our sections, secrets and other providers' keys", () => {
    const f = file(
      "Pulumi.ok.yaml",
      "config:\n  aws:region: us-west-2\n  vllm-k8s:cluster:\n    mode: existing\n  vllm-k8s:hfToken:\n    secure: AAAB\n",
    );
    const { raw, secrets } = readStackFileConfig(f);
    expect(raw).toEqual({ cluster: { mode: "existing" } });
    expect([...secrets.keys()]).toEqual(["hfToken"]);
  });

  it.each([
    [
      "missing",
      path.join(tmp, "Pulumi.nope.yaml"),
      /--stack: .*Pulumi\.nope\.yaml not found\. Pass a Pulumi\.<stack>\.yaml file/,
    ],
    ["a directory", tmp, /--stack: .* is a directory\. Pass a Pulumi\.<stack>\.yaml file inside it/],
    [
      "unclosed flow sequence",
      file("Pulumi.a.yaml", "config:\n  vllm-k8s:cluster:\n    publicAccessCidrs: [203.0.113.4/32\n"),
      /Pulumi\.a\.yaml:\d+:\d+: YAML syntax error: Flow sequence/,
    ],
    [
      "duplicate key",
      file("Pulumi.b.yaml", "config:\n  vllm-k8s:model: {}\n  vllm-k8s:model: {}\n"),
      /Pulumi\.b\.yaml:3:3: YAML syntax error: Map keys must be unique/,
    ],
    [
      "tab indentation",
      file("Pulumi.c.yaml", "config:\n\tvllm-k8s:model: {}\n"),
      /YAML syntax error: Tabs are not allowed/,
    ],
    [
      "unterminated quote",
      file("Pulumi.d.yaml", 'config:\n  vllm-k8s:model:\n    id: "Qwen/Qwen2.5\n'),
      /YAML syntax error: Missing closing "quote/,
    ],
    ["a list document", file("Pulumi.e.yaml", "- config\n"), /not a Pulumi stack file/],
    ["a scalar config", file("Pulumi.f.yaml", "config: 5\n"), /config: must be a mapping .* not 5/],
    [
      "a mistyped top-level key",
      file("Pulumi.g.yaml", "confg:\n  vllm-k8s:model: {}\n"),
      /unknown top-level key 'confg'\. Did you mean 'config'\?/,
    ],
  ])("refuses %s in one line naming the file", (_label, f, message) => {
    const m = usageError(f);
    expect(m).toMatch(message);
    expect(m).not.toContain("\n");
  });
});

describe("CLI failures", () => {
  const usage = "Usage: npm run graph -- [--stack FILE]";
  const flagError = (args: string[]) => {
    try {
      parseArgs({ args, options: { stack: { type: "string" } }, strict: true });
    } catch (e) {
      return e;
    }
    throw new Error("parsed");
  };

  it("bad flags, usage and config exit 2 without a stack trace; a bug keeps its stack and exits 1", () => {
    for (const err of [flagError(["--bogus"]), flagError(["--stack"]), flagError(["extra"])]) {
      const { message, code } = cliFailure(err, usage);
      expect(code).toBe(2);
      expect(message).toMatch(
        /^(Unknown option '--bogus'|Option '--stack <value>' argument missing|Unexpected argument 'extra')/,
      );
      expect(message).toContain(usage);
      expect(message).not.toMatch(/\n|\bat /);
    }
    expect(cliFailure(new UsageError("--stack: x not found"), usage)).toEqual({
      message: "--stack: x not found",
      code: 2,
    });
    expect(cliFailure(new ConfigError([{ path: "gpuNodes.minSize", message: "too small" }]), usage)).toMatchObject({
      code: 2,
    });
    const bug = cliFailure(new TypeError("x is undefined"), usage);
    expect(bug.code).toBe(1);
    expect(bug.message).toMatch(/TypeError: x is undefined\n\s+at /);
  });
});
