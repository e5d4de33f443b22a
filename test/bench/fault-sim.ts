// The simulator as the client's fault tests use it: in this process (startFaultSim) or as its own
// process that a test can SIGKILL (spawnFaultSim), with faults changed through its /sim/faults
// control endpoint, as an operator would.
import { spawn, type ChildProcess } from "node:child_process";
import * as http from "node:http";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { startSimulator, type RunningSimulator, type FaultOptions, type SimOptions } from "../../bench/sim";

/** The simulator's /sim/* control endpoints are off unless asked for; the fault tests ask. */
export const CONTROL: Partial<SimOptions> = { controlEndpoints: true };
const CONTROL_FLAGS = CONTROL.controlEndpoints ? ["--enable-control-endpoints"] : [];

export const root = path.resolve(__dirname, "../..");
export const node = process.execPath;
export const tsxLoader = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
export const cliPath = path.join(root, "bench/cli.ts");

export function startFaultSim(options: Partial<SimOptions> = {}): Promise<RunningSimulator> {
  return startSimulator({ host: "127.0.0.1", port: 0, ...options, ...CONTROL });
}

/** POST /sim/faults; returns the faults now in force. */
export async function setFaults(baseUrl: string, faults: Partial<FaultOptions>): Promise<FaultOptions> {
  const res = await fetch(`${baseUrl}/sim/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(faults),
  });
  if (!res.ok) throw new Error(`/sim/faults answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as FaultOptions;
}

export const NO_FAULTS: Partial<FaultOptions> = {
  errorRate: 0,
  stallBeforeFirstTokenMs: 0,
  stallAfterTokens: 0,
  stallMidStreamMs: 0,
  dropAfterTokens: 0,
  malformedAfterTokens: 0,
  slowdown: 1,
};

/** `vllm-bench sim` in its own process on loopback (flags as the CLI takes them). */
export async function spawnFaultSim(
  args: string[] = [],
): Promise<{ url: string; child: ChildProcess; kill: () => void }> {
  const child = spawn(
    node,
    ["--import", tsxLoader, cliPath, "sim", "--host", "127.0.0.1", "--port", "0", ...CONTROL_FLAGS, ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator did not start: ${out}`)), 60_000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => (clearTimeout(timer), reject(new Error(`simulator exited ${code}: ${out}`))));
  });
  return { url, child, kill: () => child.kill("SIGKILL") };
}

/**
 * A proxy in front of a server that a test can break: `tokenize` replaces the /tokenize answer
 * (a non-vLLM server), `health` the /health status (a proxy that serves /v1/models while the engine
 * behind it still loads), `kill()` drops every connection and refuses new ones (a dead server).
 */
export async function startProxy(
  upstream: string,
  opts: {
    tokenize?: (n: number) => { status: number; body: string } | undefined;
    health?: () => number | undefined;
  } = {},
) {
  const sockets = new Set<import("node:net").Socket>();
  let tokenizeCalls = 0;
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith("/tokenize") && opts.tokenize) {
      const fake = opts.tokenize(++tokenizeCalls);
      if (fake) {
        req.resume();
        return void res.writeHead(fake.status, { "content-type": "text/plain" }).end(fake.body);
      }
    }
    const health = req.url === "/health" ? opts.health?.() : undefined;
    if (health !== undefined) {
      req.resume();
      return void res.writeHead(health).end();
    }
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  server.on("connection", (s) => (sockets.add(s), s.on("close", () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as import("node:net").AddressInfo).port}`;
  return {
    url,
    tokenizeCalls: () => tokenizeCalls,
    kill: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
