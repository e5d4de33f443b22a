// Runs a real Prometheus binary on loopback with a given config, its TSDB in a temp dir.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export interface RunningPrometheus {
  url: string;
  /** Instant query; throws with Prometheus' error text on a bad query. */
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts Prometheus with `configFile` (rule paths relative to it) and waits until it is ready. */
export async function runPrometheus(bin: string, configFile: string, dataDir: string): Promise<RunningPrometheus> {
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(bin, [`--config.file=${configFile}`, `--storage.tsdb.path=${dataDir}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"], {
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
    async query(promql) {
      const res = await fetch(`${url}/api/v1/query`, { method: "POST", body: new URLSearchParams({ query: promql }) });
      const body = (await res.json()) as { status: string; data?: { result: never[] }; error?: string };
      if (body.status !== "success") throw new Error(`query failed: ${body.error}\n  ${promql}`);
      return body.data!.result;
    },
    async labelValues(label, match) {
      const res = await fetch(`${url}/api/v1/label/${encodeURIComponent(label)}/values?${new URLSearchParams({ "match[]": match })}`);
      const body = (await res.json()) as { status: string; data?: string[]; error?: string };
      if (body.status !== "success") throw new Error(`label values failed: ${body.error}\n  ${label} of ${match}`);
      return body.data!;
    },
  };
}
