// Runs the real /usr/bin/prometheus through the bundle's own entrypoint (which writes the
// file_sd targets from VLLM_TARGETS), bound to loopback, with its TSDB in a temp dir.
import { type ChildProcess, spawn } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";

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

export interface RunningPrometheus {
  url: string;
  logs: () => string;
  stop: () => Promise<void>;
}

export async function startPrometheus(configDir: string, dataDir: string, env: Record<string, string>): Promise<RunningPrometheus> {
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(
    "sh",
    [
      path.join(configDir, "entrypoint.sh"),
      `--config.file=${path.join(configDir, "prometheus.yml")}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { env: { PATH: process.env.PATH!, PROMETHEUS_BIN: "/usr/bin/prometheus", ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.on("data", (b) => (output += b));
  child.stderr!.on("data", (b) => (output += b));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`prometheus not ready after 20 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    logs: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

/** Instant query; returns the result vector. */
export async function query(url: string, promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; data?: { result: any[] }; error?: string };
  if (body.status !== "success") throw new Error(`query ${promql} failed: ${body.error}`);
  return body.data!.result;
}

/** Polls `check` until it returns a truthy value or the time is up. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 25_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
