// The autoscaling rehearsal on the simulator, 0 → N → 0: a stack with autoscaling.minReplicas 0 and
// an activeHours window, its scaling rule applied by the local fleet (bench/fleet/local-fleet.ts) to
// real simulator replicas sharing one model cache, the rehearsal preset's shape as the load. One
// timeline shows replicas and phases from zero back to zero; the replica table shows when each pod
// was created, scheduled, started and ready, the first cold and the others warm.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { presetText } from "../../../bench/contract";
import { startLocalFleet, type FleetStages } from "../../../bench/fleet/local-fleet";
import { runLocalRehearsal } from "../../../bench/fleet/local-rehearsal";
import { stages } from "../../../bench/fleet/pods";
import type { ScalingRule } from "../../../bench/fleet/scaling-rule";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-rehearsal-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Real seconds per rehearsal second: the ~50-minute rehearsal below takes about 30 s. */
const K = 1 / 100;
// Rehearsal seconds. The stack's settings (autoscaling.*), with a 5-minute scale-down window.
const rule: ScalingRule = {
  minReplicas: 0,
  maxReplicas: 3,
  targetRequestsPerSecond: 3,
  scaleUpStabilizationSeconds: 60,
  scaleDownStabilizationSeconds: 300,
  idleToZero: false,
  activeWindow: { startS: 60, endS: 1500, replicas: 1 },
};
// What a GPU cluster adds (docs/serving.md, the scale-out chain), in round figures.
const fleetStages: FleetStages = {
  nodeBootS: 150,
  nodeUnneededS: 600,
  imagePullS: 60,
  coldLoadS: 240,
  warmLoadS: 60,
  readinessPeriodS: 5,
  preStopS: 15,
  terminationGraceS: 120,
  scrapeIntervalS: 15,
  rateWindowS: 120,
};
const sim = { maxNumSeqs: 64, model: "sim-model" };

describe("the autoscaling rehearsal on the simulator (local fleet)", () => {
  it("at zero, a client's connection to the Service is refused: nothing listens until a replica is ready", async () => {
    const fleet = await startLocalFleet({
      rule: { ...rule, activeWindow: { startS: 1e6, endS: 2e6, replicas: 1 } },
      stages: fleetStages,
      timeScale: K,
      sim,
      modelCacheDir: "",
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const err = await fetch(`${fleet.url}/v1/models`).then(
        () => undefined,
        (e: Error & { cause?: { code?: string } }) => e.cause?.code,
      );
      expect(err).toBe("ECONNREFUSED");
      expect(fleet.samples().at(-1)).toMatchObject({ desired: 0, ready: 0, nodes: 0, phase: "zero" });
    } finally {
      await fleet.close();
    }
  });

  it("goes 0 → N → 0 on one timeline, with cold and warm starts per replica", { timeout: 120_000 }, async () => {
    // The rehearsal preset, shortened (a 10-minute hold at 9 requests/s: 3 pods at 3 per pod), its
    // times in real seconds.
    const preset = JSON.parse(presetText("rehearsal")) as { scenarios: Record<string, unknown>[] };
    const profile = [
      [0, 0.5],
      [120, 0.5],
      [600, 9],
      [1200, 9],
      [1500, 0.5],
    ].map(([t, r]) => [t * K, r]);
    const cfg = path.join(dir, "rehearsal.json");
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        ...preset,
        scenarios: [{ ...preset.scenarios[0], random_input_len: 32, random_output_len: 16, rate_profile: profile }],
      }),
    );
    const lines: string[] = [];
    const cache = path.join(dir, "model-cache");
    const r = await runLocalRehearsal({
      rule,
      stages: fleetStages,
      timeScale: K,
      sim,
      modelCacheDir: cache,
      run: { config: cfg, outputDir: path.join(dir, "out"), seed: 5, timeoutMs: 30_000 },
      wakeTimeoutS: 1200,
      settleTimeoutS: 2400,
      log: (l) => lines.push(l),
    });
    console.log(
      lines
        .filter((l) => /^(Timeline|Replicas)/.test(l) || /^ *\d+ /.test(l) || /^(pod|vllm-|mean)/.test(l))
        .join("\n"),
    );
    const tl = r.timeline;
    const phases = tl.map((s) => s.phase);
    // 0 → N → 0: at zero first, woken by the window, out to N under load, back to zero and no GPU node.
    expect(tl[0]).toMatchObject({ hpa_desired_replicas: 0, ready_replicas: 0, gpu_nodes: 0, phase: "zero" });
    const peak = Math.max(...tl.map((s) => s.hpa_desired_replicas ?? 0));
    expect(peak).toBe(rule.maxReplicas);
    expect(Math.max(...tl.map((s) => s.ready_replicas ?? 0))).toBe(rule.maxReplicas);
    expect(r.backToZero).toBe(true);
    expect(tl.at(-1)).toMatchObject({ hpa_desired_replicas: 0, hpa_current_replicas: 0, gpu_nodes: 0, phase: "zero" });
    const order = phases.filter((p, i) => p !== phases[i - 1]);
    expect(order[0]).toBe("zero");
    expect(order[1]).toBe("waking");
    expect(order).toContain("out");
    expect(order.at(-1)).toBe("zero");
    // The load ran while replicas served: nothing failed, and it came after the wake-up.
    expect(tl.reduce((a, s) => a + s.failed, 0)).toBe(0);
    expect(r.loadStartS).toBeGreaterThan(rule.activeWindow!.startS);
    // Per replica: created ≤ scheduled ≤ started ≤ ready; the first start is cold, every later one warm.
    const reps = [...r.replicas].sort((a, b) => a.created_s - b.created_s);
    expect(reps.length).toBeGreaterThanOrEqual(rule.maxReplicas);
    for (const p of reps) {
      expect(p.scheduled_s).not.toBeNull();
      expect(p.scheduled_s!).toBeGreaterThanOrEqual(p.created_s);
      expect(p.started_s!).toBeGreaterThanOrEqual(p.scheduled_s!);
      expect(p.ready_s!).toBeGreaterThan(p.started_s!);
      expect(p.deleted_s).not.toBeNull();
    }
    expect(reps.map((p) => p.start)).toEqual(["cold", ...reps.slice(1).map(() => "warm")]);
    // Load times as modelled (plus up to one probe period and the scheduler's tick), cold far above warm.
    const load = reps.map((p) => stages(p).load_s!);
    const slack = fleetStages.readinessPeriodS + 10;
    // Timers fire on whole real milliseconds, 0.1 s each on the ×100 clock: a modelled 60 s stage
    // can read 59.99 s.
    const tick = 0.2;
    expect(load[0]).toBeGreaterThanOrEqual(fleetStages.coldLoadS - tick);
    expect(load[0]).toBeLessThan(fleetStages.coldLoadS + slack);
    for (const w of load.slice(1)) {
      expect(w).toBeGreaterThanOrEqual(fleetStages.warmLoadS - tick);
      expect(w).toBeLessThan(fleetStages.warmLoadS + slack);
    }
    // The first replica waited for a node from zero and pulled the image.
    const first = stages(reps[0]);
    expect(first.pending_s!).toBeGreaterThanOrEqual(fleetStages.nodeBootS - tick);
    expect(first.start_s!).toBeGreaterThanOrEqual(fleetStages.imagePullS - tick);
    const saved = JSON.parse(fs.readFileSync(r.file, "utf8"));
    expect(saved.timeline).toEqual(tl);
    expect(saved.cold_warm.cold.n).toBe(1);
    expect(lines.join("\n")).toMatch(/Replicas \(seconds since the run's start; local fleet, time ×100\)/);
  });
});
