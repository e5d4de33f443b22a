import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { simOptionsFrom } from "../../../bench/sim/options";
import { withSim } from "./helpers";

// Cold vs warm start: a replica with an empty model cache downloads and loads (startup delay), one
// whose cache holds the weights (a shared cache another replica filled) only loads them.
type Sim = Awaited<ReturnType<typeof withSim>>;
const sims: Sim[] = [];
let dir: string;
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const timedStart = async (opts: Parameters<typeof withSim>[0]) => {
  const t0 = performance.now();
  const sim = await withSim(opts);
  sims.push(sim);
  await sim.ready;
  return { sim, ms: performance.now() - t0 };
};

describe("model load: cold and warm starts", () => {
  it("the first replica on an empty cache starts cold, the next one on the same cache warm", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-cache-"));
    const opts = { modelCacheDir: dir, startupDelayMs: 600, warmStartupDelayMs: 60 };
    const cold = await timedStart(opts);
    expect(cold.sim.start).toEqual({ kind: "cold", loadMs: 600 });
    expect(cold.ms).toBeGreaterThanOrEqual(590);
    expect((await fetch(`${cold.sim.url}/health`)).status).toBe(200);
    const warm = await timedStart(opts);
    expect(warm.sim.start).toEqual({ kind: "warm", loadMs: 60 });
    expect(warm.ms).toBeLessThan(cold.ms / 2);
    expect((await fetch(`${warm.sim.url}/v1/models`)).status).toBe(200);
  });

  it("without a cache directory every start is cold", async () => {
    const { sim } = await timedStart({ startupDelayMs: 50, warmStartupDelayMs: 5 });
    expect(sim.start.kind).toBe("cold");
    const again = await timedStart({ startupDelayMs: 50, warmStartupDelayMs: 5 });
    expect(again.sim.start.kind).toBe("cold");
  });

  it("takes the flags and environment variables, and names a bad value", () => {
    const o = simOptionsFrom(["--model-cache-dir", "/models", "--warm-startup-delay-ms", "5000"], {});
    expect(o).toMatchObject({ modelCacheDir: "/models", warmStartupDelayMs: 5000 });
    expect(simOptionsFrom([], { SIM_MODEL_CACHE_DIR: "/m" }).modelCacheDir).toBe("/m");
    expect(() => simOptionsFrom(["--warm-startup-delay-ms", "-1"], {})).toThrow(/--warm-startup-delay-ms/);
  });
});
