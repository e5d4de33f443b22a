// The simulator as the chart deploys it (`serving.engine: simulator`): the synthesised
// Deployment's container args and env, read by the simulator's own CLI parser, give a server with
// no control endpoints and, with `serving.apiKeyEnabled`, vLLM's API-key check fed from the same
// Secret vLLM would get.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { simOptionsFrom, startSimulator, type RunningSimulator } from "../../../bench/sim";
import { EKS, find, objectsFor } from "../../charts/fixtures";

const KEY = "sk-test-0123456789";
let sim: RunningSimulator | undefined;
const caches: string[] = [];
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  for (const d of caches.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Starts the simulator from the Deployment's container as the kubelet would (Secret values resolved), on loopback. */
async function startFromDeployment(serving: Record<string, unknown>, secrets: Record<string, string> = {}) {
  const objs = objectsFor({ ...EKS, serving: { engine: "simulator", ...serving } });
  const c = find(objs, "Deployment", "vllm").spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const e of c.env ?? [])
    env[e.name] = e.value ?? secrets[`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`];
  expect(c.args[0]).toBe("sim");
  // The pod listens on 0.0.0.0:8000; the test binds the same options to a free loopback port, mounts
  // the model cache volume at a temporary folder, and skips the model load (not what this suite checks).
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "chart-sim-cache-"));
  caches.push(cache);
  const mounted = c.args
    .slice(1)
    .map((a: string) => a.replace(/^--model-cache-dir=\/model-cache$/, `--model-cache-dir=${cache}`));
  expect(mounted).toContain(`--model-cache-dir=${cache}`);
  const options = simOptionsFrom(
    [...mounted, "--host", "127.0.0.1", "--port", "0", "--startup-delay-ms=0", "--warm-startup-delay-ms=0"],
    env,
  );
  sim = await startSimulator(options);
  return { c, sim };
}

describe("simulator engine as the chart deploys it", () => {
  it("refuses POST /sim/faults: the chart never turns the control endpoints on", async () => {
    const { c, sim } = await startFromDeployment({});
    expect(c.args.join(" ")).not.toMatch(/control-endpoints/);
    const r = await fetch(`${sim.url}/sim/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ errorRate: 1 }),
    });
    expect(r.status).toBe(404);
    // And the fault did not take: requests are served.
    const ok = await fetch(`${sim.url}/v1/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "hi", max_tokens: 1 }),
    });
    expect(ok.status).toBe(200);
  });

  it("with serving.apiKeyEnabled, takes the key from vLLM's Secret and answers 401 without it, as vLLM's --api-key does", async () => {
    const { c, sim } = await startFromDeployment({ apiKeyEnabled: true }, {});
    const ref = c.env.find((e: any) => e.name === "VLLM_API_KEY").valueFrom.secretKeyRef;
    await sim.close();
    const { sim: keyed } = await startFromDeployment({ apiKeyEnabled: true }, { [`${ref.name}/${ref.key}`]: KEY });
    const vllmContainer = find(objectsFor({ ...EKS, serving: { apiKeyEnabled: true } }), "Deployment", "vllm").spec
      .template.spec.containers[0];
    expect(vllmContainer.env.find((e: any) => e.name === "VLLM_API_KEY").valueFrom.secretKeyRef).toEqual(ref);
    const get = (headers: Record<string, string> = {}) => fetch(`${keyed.url}/v1/models`, { headers });
    const denied = await get();
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ error: "Unauthorized" });
    expect((await get({ authorization: "Bearer wrong" })).status).toBe(401);
    expect((await get({ authorization: `Bearer ${KEY}` })).status).toBe(200);
    // The check comes before routing, as vLLM's middleware: completions and unknown /v1 paths alike.
    expect((await fetch(`${keyed.url}/v1/completions`, { method: "POST", body: "{}" })).status).toBe(401);
    expect((await fetch(`${keyed.url}/v1/nothing`)).status).toBe(401);
    // Like vLLM, only /v1/* is guarded: probes and scrapes need no key.
    expect((await fetch(`${keyed.url}/health`)).status).toBe(200);
    expect((await fetch(`${keyed.url}/metrics`)).status).toBe(200);
  });

  it("without apiKeyEnabled the simulator gets no key variable", async () => {
    const { c } = await startFromDeployment({});
    expect((c.env ?? []).map((e: any) => e.name)).not.toContain("VLLM_API_KEY");
  });
});
