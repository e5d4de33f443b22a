// Runs a real Prometheus binary on loopback with a given config, its TSDB in a given dir: for
// `npm start`, the end-to-end tests and the perf lab.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { freePort } from "./free-port";

/** One series of an instant query's result vector. */
export type Sample = { metric: Record<string, string>; value: [number, string] };

export interface RunningPrometheus {
  url: string;
  /** Instant query; throws with Prometheus' error text on a bad query. */
  query(promql: string): Promise<Sample[]>;
  /** Values of `label` over the series `match` selects (what Grafana's `label_values(match, label)` lists). */
  labelValues(label: string, match: string): Promise<string[]>;
  logs(): string;
  stop(): Promise<void>;
}

/** The `prometheus` binary on PATH (or `PROMETHEUS_BIN`), or undefined when there is none. */
export function findPrometheus(): string | undefined {
  const explicit = process.env.PROMETHEUS_BIN;
  if (explicit) return fs.existsSync(explicit) ? explicit : undefined;
  const r = spawnSync("sh", ["-c", "command -v prometheus"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

/** Instant query; throws with Prometheus' error text on a bad query. */
export async function query(url: string, promql: string): Promise<Sample[]> {
  const res = await fetch(`${url}/api/v1/query`, { method: "POST", body: new URLSearchParams({ query: promql }) });
  const body = (await res.json()) as { status: string; data?: { result: Sample[] }; error?: string };
  if (body.status !== "success") throw new Error(`query failed: ${body.error}\n  ${promql}`);
  return body.data!.result;
}

export interface LaunchOptions {
  /** A script that execs the binary (given as PROMETHEUS_BIN) with our flags, e.g. the Compose bundle's entrypoint. */
  entrypoint?: string;
  /** With an entrypoint: its whole environment besides PATH and PROMETHEUS_BIN (none of ours leaks in). */
  env?: Record<string, string>;
}

/** Starts Prometheus with `configFile` (rule paths relative to it) and waits until it is ready. */
export async function runPrometheus(
  bin: string,
  configFile: string,
  dataDir: string,
  launch: LaunchOptions = {},
): Promise<RunningPrometheus> {
  const port = await freePort();
  let output = "";
  const address = `--web.listen-address=127.0.0.1:${port}`;
  const flags = [`--config.file=${configFile}`, `--storage.tsdb.path=${dataDir}`, address, "--log.level=warn"];
  const [cmd, args] = launch.entrypoint ? ["sh", [launch.entrypoint, ...flags]] : [bin, flags];
  const env = launch.entrypoint ? { PATH: process.env.PATH ?? "", PROMETHEUS_BIN: bin, ...launch.env } : process.env;
  const child: ChildProcess = spawn(cmd, args, {
    env,
    cwd: path.dirname(configFile),
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: a terminal Ctrl-C reaches only us, and we stop it after the summary
    // (otherwise it dies first and the summary of an interrupted run fails).
    detached: true,
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.stdout!.on("data", (b) => (output += b));
  child.stderr!.on("data", (b) => (output += b));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    process.removeListener("exit", killOnExit);
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 20 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    logs: () => output,
    stop,
    query: (promql) => query(url, promql),
    async labelValues(label, match) {
      const res = await fetch(
        `${url}/api/v1/label/${encodeURIComponent(label)}/values?${new URLSearchParams({ "match[]": match })}`,
      );
      const body = (await res.json()) as { status: string; data?: string[]; error?: string };
      if (body.status !== "success") throw new Error(`label values failed: ${body.error}\n  ${label} of ${match}`);
      return body.data!;
    },
  };
}

/**
 * The Compose bundle's Prometheus (compose/prometheus.ts): its entrypoint writes the file_sd
 * targets from VLLM_TARGETS in `env`, then execs the binary found on PATH.
 */
export async function runBundlePrometheus(configDir: string, dataDir: string, env: Record<string, string>) {
  const bin = findPrometheus() ?? "/usr/bin/prometheus";
  const entrypoint = path.join(configDir, "entrypoint.sh");
  return runPrometheus(bin, path.join(configDir, "prometheus.yml"), dataDir, { entrypoint, env });
}
