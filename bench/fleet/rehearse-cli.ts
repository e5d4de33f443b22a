// `vllm-bench rehearse`: the autoscaling rehearsal without a cluster (bench/fleet/local-rehearsal.ts).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { assertWritableDir } from "../client/outputs";
import { presetText, PRESETS } from "../contract";
import { loadScenarioFile } from "../client/scenario";
import type { FleetStages } from "./local-fleet";
import { runLocalRehearsal } from "./local-rehearsal";
import type { ScalingRule } from "./scaling-rule";

export const REHEARSE_USAGE = `usage: vllm-bench rehearse [options]

The autoscaling rehearsal on the built-in simulator, from zero replicas back to zero: simulator
replicas behind one local address, started and stopped by the vLLM ScaledObject's rule (KEDA's
poll, activation and cooldown, the HPA's target, windows and one-pod policies), with modelled GPU
nodes, image pulls and model loads, one shared model cache (the first start cold, later ones
warm). Prints the timeline (replicas, GPU nodes, phase beside the load) and each replica's
created/scheduled/started/ready times; writes local-rehearsal.json beside the run's results.
Times are on the rehearsal's clock, which runs --time-scale times faster than real time.

Load
  --config NAME|PATH        a scenario with a rate_profile (its times on the rehearsal's clock);
                            presets: ${PRESETS.join(", ")}              default: rehearsal
  --request-rate R          the profile's peak (keeps its shape)           default: the file's
  --seed N                                                                 default: 0
Scaling rule (autoscaling.* in the stack config)
  --min-replicas N          default: 0          --max-replicas N          default: 8
  --target-rps R            requests/s per pod  default: 5
  --scale-up-window S       default: 60         --scale-down-window S     default: 900 (also the cooldown to zero)
  --active-window A-B       activeHours, as seconds on the rehearsal's clock, or none  default: 60-1800
  --idle-to-zero            KEDA idleReplicaCount 0 with --min-replicas ≥ 1
Modelled cluster (seconds)
  --node-boot S             default: 150        --node-unneeded S         default: 600
  --image-pull S            default: 60
  --cold-load S             default: 240        --warm-load S             default: 60
  --no-shared-cache         every replica its own empty cache: every start cold
Run
  --time-scale N            the rehearsal's clock runs N times real time   default: 100
  --output-dir DIR          default: results

Exit codes: 0 back to zero and the run's thresholds met, 1 a threshold missed or not back to zero
within the settle time, 2 bad input, 3 interrupted (SIGINT/SIGTERM: what was measured is written).`;

function num(name: string, v: string | undefined, min: number, max: number, whole = false): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < min || n > max || (whole && !Number.isInteger(n)))
    throw new Error(`--${name}: ${JSON.stringify(v)} must be a ${whole ? "whole " : ""}number from ${min} to ${max}`);
  return n;
}

export interface RehearseArgs {
  config: string;
  requestRate?: number;
  seed: number;
  rule: ScalingRule;
  stages: FleetStages;
  sharedCache: boolean;
  timeScale: number;
  outputDir: string;
}

/** Every flag checked before anything starts: a bad one is one line naming it. */
export function parseRehearseArgs(argv: string[]): RehearseArgs | "help" {
  const flags = [
    ...["config", "request-rate", "seed", "min-replicas", "max-replicas", "target-rps", "scale-up-window"],
    ...["scale-down-window", "active-window", "node-boot", "node-unneeded", "image-pull", "cold-load", "warm-load"],
    ...["time-scale", "output-dir"],
  ];
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(flags.map((f) => [f, { type: "string" as const }])),
      "idle-to-zero": { type: "boolean" },
      "no-shared-cache": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return "help";
  const v = values as Record<string, string | undefined>;
  const config = v.config ?? "rehearsal";
  const file = loadScenarioFile(config);
  if (!file.scenarios.some((s) => s.rate_profile))
    throw new Error(`--config: ${config} has no scenario with a rate_profile (the rehearsal's load over time)`);
  const S = (name: string, dflt: number) => num(name, v[name], 0, 86_400) ?? dflt;
  const minReplicas = num("min-replicas", v["min-replicas"], 0, 64, true) ?? 0;
  const maxReplicas = num("max-replicas", v["max-replicas"], 1, 64, true) ?? 8;
  if (minReplicas > maxReplicas)
    throw new Error(`--min-replicas: ${minReplicas} is above --max-replicas ${maxReplicas}`);
  let activeWindow: ScalingRule["activeWindow"];
  const w = v["active-window"] ?? "60-1800";
  if (w !== "none") {
    const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(w);
    if (!m || Number(m[1]) >= Number(m[2]))
      throw new Error(`--active-window: ${JSON.stringify(w)} must be START-END in seconds (START < END), or none`);
    activeWindow = { startS: Number(m[1]), endS: Number(m[2]), replicas: Math.max(minReplicas, 1) };
  }
  const idleToZero = values["idle-to-zero"] ?? false;
  if (minReplicas === 0 && !activeWindow && !idleToZero)
    throw new Error(
      "--min-replicas: 0 needs a wake-up rule: --active-window A-B (at zero nothing is served, so load alone never wakes it)",
    );
  const outputDir = v["output-dir"] ?? "results";
  assertWritableDir(outputDir);
  return {
    config,
    requestRate: num("request-rate", v["request-rate"], 0.01, 100_000),
    seed: num("seed", v.seed, 0, 2 ** 31, true) ?? 0,
    rule: {
      minReplicas,
      maxReplicas,
      targetRequestsPerSecond: num("target-rps", v["target-rps"], 0.01, 100_000) ?? 5,
      scaleUpStabilizationSeconds: S("scale-up-window", 60),
      scaleDownStabilizationSeconds: S("scale-down-window", 900),
      idleToZero,
      activeWindow,
    },
    stages: {
      nodeBootS: S("node-boot", 150),
      nodeUnneededS: S("node-unneeded", 600),
      imagePullS: S("image-pull", 60),
      coldLoadS: S("cold-load", 240),
      warmLoadS: S("warm-load", 60),
      // The chart's probe, preStop and grace (charts/vllm/pod.ts); our stack's scrape interval and trigger window.
      readinessPeriodS: 5,
      preStopS: 15,
      terminationGraceS: 120,
      scrapeIntervalS: 15,
      rateWindowS: 120,
    },
    sharedCache: !values["no-shared-cache"],
    timeScale: num("time-scale", v["time-scale"], 1, 1000) ?? 100,
    outputDir,
  };
}

/** The scenario file with every rate_profile time on the real clock (÷ time scale). */
function scaledScenario(config: string, timeScale: number, dir: string): string {
  const raw = JSON.parse(
    PRESETS.includes(config as never) ? presetText(config as never) : fs.readFileSync(config, "utf8"),
  ) as {
    scenarios: { rate_profile?: [number, number][] }[];
  };
  for (const s of raw.scenarios)
    if (s.rate_profile) s.rate_profile = s.rate_profile.map(([t, r]) => [t / timeScale, r]);
  const file = path.join(dir, "scenario.json");
  fs.writeFileSync(file, JSON.stringify(raw));
  return file;
}

export async function rehearseMain(
  argv: string[],
  io: { out: (l: string) => void; err: (l: string) => void } = { out: console.log, err: console.error },
): Promise<number> {
  let a: RehearseArgs | "help";
  try {
    a = parseRehearseArgs(argv);
  } catch (e) {
    io.err(`vllm-bench rehearse: ${(e as Error).message}`);
    return 2;
  }
  if (a === "help") {
    io.out(REHEARSE_USAGE);
    return 0;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-rehearse-"));
  // SIGINT/SIGTERM: the load stops, and the timeline and replica times measured so far are written
  // (exit 3), as `vllm-bench run` does; a second signal leaves at once.
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      fs.rmSync(tmp, { recursive: true, force: true });
      process.exit(3);
    }
    io.err(`\n${sig}: the load stops; writing what was measured (exit 3). Send it again to exit at once.`);
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const cache = path.join(tmp, "model-cache");
    const r = await runLocalRehearsal({
      rule: a.rule,
      stages: a.stages,
      timeScale: 1 / a.timeScale,
      sim: {},
      modelCacheDir: a.sharedCache ? cache : "",
      run: {
        config: scaledScenario(a.config, a.timeScale, tmp),
        outputDir: a.outputDir,
        seed: a.seed,
        timeoutMs: 120_000,
        requestRate: a.requestRate,
      },
      wakeTimeoutS: 3600,
      settleTimeoutS: a.rule.scaleDownStabilizationSeconds + a.stages.nodeUnneededS + 1800,
      log: io.out,
      signal: stop.signal,
    });
    if (stop.signal.aborted) {
      io.out(`Wrote ${r.file} (partial: interrupted by a signal)`);
      return 3;
    }
    io.out(`Wrote ${r.file}${r.backToZero ? "" : " (the fleet did not get back to zero within the settle time)"}`);
    return r.exitCode === 0 && r.backToZero ? 0 : 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
