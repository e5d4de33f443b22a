import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { buildGraph, readStackFile } from "../../scripts/graph/build";
import { GraphMocks } from "../../scripts/graph/mocks";

// Bad config must stop the real program (under mocks) before the first resource reaches the engine.
const newResource = vi.spyOn(GraphMocks.prototype, "newResource");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "graph-bad-config-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function stackFile(body: string): string {
  const file = path.join(tmp, `Pulumi.s${fs.readdirSync(tmp).length}.yaml`);
  fs.writeFileSync(file, `config:\n  vllm-k8s:cluster:\n    publicAccessCidrs: ["203.0.113.10/32"]\n${body}`);
  return file;
}

describe("bad config in the program", () => {
  it.each([
    [
      "a bad field",
      { config: { cluster: { publicAccessCidrs: ["203.0.113.10/32"] }, gpuNodes: { minSize: -2 } } },
      /vllm-k8s:gpuNodes\.minSize/,
    ],
    [
      "a bad benchmark schedule",
      readStackFile(stackFile("  vllm-k8s:benchmark:\n    schedule: every day at 3\n")),
      /vllm-k8s:benchmark\.schedule: 'every day at 3' has 4 field/,
    ],
    [
      "a section under a mistyped namespace",
      readStackFile(stackFile("  vllm-k8:gpuNodes:\n    minSize: 1\n")),
      /vllm-k8:gpuNodes: .*Did you mean vllm-k8s:gpuNodes\?/,
    ],
    [
      "a plain vllmApiKey",
      readStackFile(stackFile("  vllm-k8s:serving:\n    apiKeyEnabled: true\n  vllm-k8s:vllmApiKey: 12345\n")),
      /vllm-k8s:vllmApiKey: secrets must be set with `pulumi config set --secret/,
    ],
    [
      "a non-http runbook URL",
      readStackFile(
        stackFile("  vllm-k8s:monitoring:\n    alerts:\n      runbookBaseUrl: ftp://wiki.example.com/runbooks\n"),
      ),
      /vllm-k8s:monitoring\.alerts\.runbookBaseUrl/,
    ],
  ])("fails on %s before any resource is registered, naming the key", async (_label, input, message) => {
    newResource.mockClear();
    const err = await buildGraph(input).then(
      () => undefined,
      (e: unknown) => e as Error & { __pulumiRunError?: boolean },
    );
    expect(err?.message).toMatch(message);
    // Pulumi's Node host prints a RunError's message without a stack trace; it knows one by this marker.
    expect(err?.__pulumiRunError).toBe(true);
    expect(newResource).not.toHaveBeenCalled();
  });

  it("the same stack file with the secret set as a secret builds", async () => {
    newResource.mockClear();
    const input = readStackFile(
      stackFile("  vllm-k8s:serving:\n    apiKeyEnabled: true\n  vllm-k8s:vllmApiKey:\n    secure: AAABAMock\n"),
    );
    const graph = await buildGraph(input);
    expect(newResource).toHaveBeenCalled();
    expect(graph.nodes.length).toBeGreaterThan(40);
  });
});
