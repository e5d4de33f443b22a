import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { buildGraph, readStackFile } from "../../scripts/graph/build";
import { synth } from "../../scripts/synth";

// Every secret key set to a recognisable value, with the API key switched on: none of them may
// appear in the graph's inputs (they travel as Pulumi secrets only) nor in what `npm run synth`
// writes for kubectl users.
const SECRETS = {
  hfToken: "hf_plainsecrettestAAAAAAAAAAAAAAAA",
  vllmApiKey: "sk-plain-secret-test-api-key-7Q2x",
  grafanaAdminPassword: "plain-secret-test-grafana-9Z1y",
  alertmanagerWebhookUrl: "https://hooks.example.test/plain-secret-test-webhook",
};

describe("no plain secret in any input", () => {
  it("keeps the secrets out of the eks graph and out of dist/", async () => {
    const stack = readStackFile("Pulumi.eks.yaml");
    const config = { ...stack.config, serving: { apiKeyEnabled: true } };
    const graph = await buildGraph({ ...stack, config, secrets: SECRETS });
    const json = JSON.stringify(graph.nodes);
    // The secrets did reach the program: each Secret object carries a secret input.
    const secretObjects = graph.nodes.filter((n) => n.type === "kubernetes:core/v1:Secret");
    expect(secretObjects.map((n) => n.name).sort()).toEqual([
      "alertmanager-webhook",
      "grafana-admin",
      "hf-token",
      "vllm-api-key",
    ]);
    for (const n of secretObjects) expect(n.secretInputs, n.name).toContain("stringData");

    const out = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-secrets-"));
    const stackFile = path.join(out, "Pulumi.test.yaml");
    const prefixed = Object.fromEntries(Object.entries(config).map(([k, v]) => [`vllm-k8s:${k}`, v]));
    const secure = Object.fromEntries(
      Object.keys(SECRETS).map((k) => [`vllm-k8s:${k}`, { secure: "AAABAHNlY3JldA==" }]),
    );
    fs.writeFileSync(stackFile, stringify({ config: { ...prefixed, ...secure } }));
    synth(stackFile, path.join(out, "dist"));
    const dist = fs
      .readdirSync(path.join(out, "dist"), { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => fs.readFileSync(path.join(d.parentPath, d.name), "utf8"))
      .join("\n");
    expect(dist).toContain("VLLM_API_KEY");
    for (const [key, value] of Object.entries(SECRETS)) {
      expect(json.includes(value), `${key} in the graph`).toBe(false);
      expect(dist.includes(value), `${key} in dist/`).toBe(false);
    }
    fs.rmSync(out, { recursive: true, force: true });
  });
});
