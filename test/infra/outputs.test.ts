import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { PROJECT } from "../../infra/config";
import { readStackFile, resolveOutputs } from "../../scripts/graph/build";
import { GraphMocks } from "../../scripts/graph/mocks";
import { recordRegistrations } from "../../scripts/graph/record";
import { listDocs, stackOutputsNamed, where } from "../docs/extract";
import { exampleGraph } from "../graphs/read";

// Stack outputs are declared once (StackOutputs in infra/program.ts): the entry point Pulumi runs
// exports that object, and the offline graph prints it. Here the real entry point runs under the
// mocks (as the Pulumi CLI would load it) and its exports must equal what `npm run graph` prints
// (this run's eks graph, test/graphs/examples.ts) and hold every output the docs tell users to read.

/** Import infra/index.ts the way Pulumi's nodejs runtime does: its default export is the outputs. */
async function entryPointOutputs(stackFile: string) {
  const stack = readStackFile(stackFile);
  await pulumi.runtime.setMocks(new GraphMocks("us-west-2"), PROJECT, stack.stack ?? "dev", false);
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(stack.config))
    all[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  for (const [k, v] of Object.entries(stack.secrets ?? {})) all[`${PROJECT}:${k}`] = v;
  pulumi.runtime.setAllConfig(
    all,
    Object.keys(stack.secrets ?? {}).map((k) => `${PROJECT}:${k}`),
  );
  const recorder = recordRegistrations();
  const mod = (await import("../../infra/index")) as Record<string, unknown>;
  await recorder.settle();
  // Pulumi refuses a module with both a default export and named exports (cmd/run/run.js).
  expect(Object.keys(mod)).toEqual(["default"]);
  return resolveOutputs(mod.default as object);
}

describe("stack outputs", () => {
  it("the entry point's exports equal the offline graph's outputs and include every output the docs name", async () => {
    const graph = await exampleGraph("eks");
    const exported = await entryPointOutputs("Pulumi.eks.yaml");
    expect(Object.keys(exported.values).sort()).toEqual(Object.keys(graph.outputs).sort());
    for (const [k, v] of Object.entries(graph.outputs)) {
      // Random passwords and the like differ between runs; the shape and secrecy must not.
      if (exported.secrets.includes(k)) expect(typeof exported.values[k], k).toBe(typeof v);
      else expect(exported.values[k], k).toEqual(v);
    }
    expect(exported.secrets.sort()).toEqual(graph.secretOutputs.sort());
    expect(graph.secretOutputs).toEqual(expect.arrayContaining(["kubeconfig", "grafanaAdminPassword"]));

    const named = stackOutputsNamed(listDocs());
    expect(named.map((n) => n.name)).toEqual(
      expect.arrayContaining(["grafanaAdminPassword", "serviceUrl", "kubeconfig"]),
    );
    const missing = named
      .filter((n) => !(n.name in exported.values))
      .map((n) => `${where(n)}: stack output ${n.name} does not exist`);
    expect(missing).toEqual([]);
  });
});
