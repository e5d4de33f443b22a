import { afterEach, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../bench/sim";
import { bareRead } from "../../perf/bare-reader";
import { clientOnlyGaps, ownErrors, type Served } from "../../perf/client-only";
import { runBenchmark } from "../../bench/client/run";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { withSim } from "./sim/helpers";

// The pieces of `npm run bench:client` that separate the client's error from the server's.
let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const timing = async () => (await (await fetch(`${sim!.url}/sim/timing`)).json()) as Served;
const models = async () =>
  ((await (await fetch(`${sim!.url}/v1/models`)).json()) as { data: { id: string }[] }).data[0].id;

describe("bench:client accuracy pieces", () => {
  it("matches token by token: a client that measured exactly what was sent gets the configured gap back", () => {
    const served: Served = {
      itl_ms: [],
      truncated: false,
      requests: { "cmpl-a": { itl_ms: [20, 45, 5] }, "chatcmpl-b": { itl_ms: [21, 19] } },
    };
    // Client a saw the server's gaps plus 1 ms on the second; b's token count differs by two, so it is left out.
    const r = clientOnlyGaps(
      new Map([
        ["a", [20, 46, 5]],
        ["b", [21, 19, 20, 20]],
      ]),
      served,
      20,
    );
    expect(r.gaps).toEqual([20, 20, 21]);
    expect(r.matched).toBe(0.5);
    expect(clientOnlyGaps(new Map([["b", [22, 19]]]), served, 20).gaps).toEqual([20, 21]);
  });

  it("drops the one extra leading gap of a client that times the chat role chunk as the first token", () => {
    const served: Served = { itl_ms: [], truncated: false, requests: { "chatcmpl-v": { itl_ms: [20, 20] } } };
    // vLLM's client: the role chunk sets TTFT, so the first content chunk is a gap (~0 ms, same read).
    const r = ownErrors(new Map([["v", [0.01, 21, 19.5]]]), served);
    expect(r.matched).toBe(1);
    expect(r.errors).toEqual([-0.5, 1]);
  });

  it("the bare reader times every token of every stream, and its gaps match what the simulator sent", async () => {
    sim = await withSim({ fixedTtftMs: 10, fixedItlMs: 5, controlEndpoints: true });
    const measured = await bareRead({
      url: sim.url,
      model: await models(),
      streams: 4,
      requests: 8,
      rate: "inf",
      tokens: 6,
      seed: 1,
    });
    expect([...measured.keys()].sort()).toEqual(Array.from({ length: 8 }, (_, i) => `bare-${i}`).sort());
    for (const g of measured.values()) expect(g).toHaveLength(5);
    const r = clientOnlyGaps(measured, await timing(), 5);
    expect(r.matched).toBe(1);
    expect(r.gaps).toHaveLength(40);
    // Loopback on an idle core: the median token arrives within a few ms of when it was sent.
    expect(Math.abs(r.gaps[20] - 5)).toBeLessThan(4);
  });

  it("the benchmark client's records match the simulator's log by X-Request-Id", async () => {
    sim = await withSim({ fixedTtftMs: 10, fixedItlMs: 5, controlEndpoints: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "client-accuracy-"));
    try {
      const cfg = path.join(dir, "s.json");
      fs.writeFileSync(
        cfg,
        JSON.stringify({
          name: "t",
          scenarios: [
            {
              name: "t",
              max_concurrency: 3,
              num_prompts: 6,
              random_input_len: 8,
              random_output_len: 6,
              request_rate: "inf",
            },
          ],
        }),
      );
      const { results } = await runBenchmark({
        baseUrl: sim.url,
        config: cfg,
        outputDir: dir,
        seed: 1,
        timeoutMs: 30_000,
        log: () => {},
      });
      const records = results[0].records;
      const r = clientOnlyGaps(new Map(records.map((x) => [x.request_id, x.itl_ms])), await timing(), 5);
      expect(records).toHaveLength(6);
      expect(r.matched).toBe(1);
      expect(r.gaps).toHaveLength(30);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
