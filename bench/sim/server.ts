// The simulator's HTTP server: routing (404 for unknown paths, 405 for wrong methods), vLLM's
// API-key check, limits (body size, connections, header and request timeouts), vLLM's HTTP
// instrumentation, and startup. The API routes live in api.ts (request validation in validate.ts,
// streaming in stream.ts, faults in faults.ts), the control routes in control.ts.
import { createHash, timingSafeEqual } from "node:crypto";
import * as http from "node:http";
import * as net from "node:net";
import { API_ROUTES, apiRoutes, type Route } from "./api";
import { CONTROL_ROUTES, handleControl } from "./control";
import { Engine } from "./engine";
import { applyFaults, initialFaults } from "./faults";
import { BodyTooLarge, HttpError, sendError, sendJson } from "./http";
import { defaultSimOptions, validateOptions, type FaultOptions, type SimOptions } from "./options";
import { PrefixCache } from "./prefix-cache";
import { planModelLoad } from "./model-load";
import { countTokens } from "./tokenizer";
import { createVllmMetrics, observeHttp } from "./vllm-metrics";

export interface RunningSimulator {
  url: string;
  port: number;
  options: SimOptions;
  setFaults(f: Partial<FaultOptions>): void;
  /** How this start loaded the model: cold (download + load) or warm (cache hit), and for how long (ms). */
  start: { kind: "cold" | "warm"; loadMs: number };
  /** Resolves once the server listens (after the load time, as vLLM listens once its model is loaded). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Handlers vLLM's instrumentator leaves out (its excluded_handlers). */
const UNINSTRUMENTED = new Set(["/metrics", "/health", "/load", "/ping", "/version", "/server_info"]);

/** How long a connection refused with 413 is drained before it is cut. */
const LINGER_MS = 5_000;

const sha = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** vLLM's AuthenticationMiddleware (vllm/entrypoints/openai/api_server.py): `Authorization: Bearer <key>` on paths under /v1, OPTIONS exempt, 401 `{"error": "Unauthorized"}`. */
function authorized(req: http.IncomingMessage, keyDigest: Buffer): boolean {
  const header = req.headers.authorization ?? "";
  const space = header.indexOf(" ");
  if (space < 0 || header.slice(0, space).toLowerCase() !== "bearer") return false;
  return timingSafeEqual(sha(header.slice(space + 1)), keyDigest);
}

/** A free loopback-or-given port, for a server that listens only later. */
async function freePort(host: string): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => probe.once("error", reject).listen(0, host, resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

export async function startSimulator(overrides: Partial<SimOptions> = {}): Promise<RunningSimulator> {
  const options: SimOptions = { ...defaultSimOptions, ...validateOptions(overrides) };
  const metrics = createVllmMetrics(options.model, options.maxModelLen);
  const engine = new Engine(options, metrics);
  const prefixes = new PrefixCache();
  const faults = initialFaults(options);
  const setFaults = (f: Partial<FaultOptions>) => applyFaults(faults, options, f);
  const startedAt = Date.now();
  const keyDigest = options.apiKey ? sha(options.apiKey) : undefined;
  const routes: Record<string, string[]> = { ...API_ROUTES, ...(options.controlEndpoints ? CONTROL_ROUTES : {}) };
  const api = apiRoutes({ options, engine, metrics, prefixes, faults, startedAt });
  const controlDeps = { engine, faults, setFaults, maxBodyBytes: options.maxBodyBytes };
  const route: Route = (path, req, res) =>
    Object.hasOwn(API_ROUTES, path) ? api(path, req, res) : handleControl(path, req, res, controlDeps);

  function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = (req.url ?? "/").split("?")[0];
    const methods = routes[path];
    if (!UNINSTRUMENTED.has(path) && !path.startsWith("/sim/")) {
      // Recorded when the response ends, like vLLM's instrumentator (status grouped, untemplated paths as "none").
      const start = performance.now();
      res.once("close", () =>
        observeHttp(metrics, {
          handler: methods ? path : "none",
          method: req.method ?? "GET",
          status: res.statusCode,
          seconds: (performance.now() - start) / 1000,
          requestBytes: Number(req.headers["content-length"]) || 0,
          responseBytes: Number(res.getHeader("content-length")) || 0,
        }),
      );
    }
    const fail = (e: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (e instanceof BodyTooLarge) {
        // Answer at once. What the client still sends is read and dropped (never buffered) for a
        // short while, so it can read the 413 rather than a reset (nginx's "lingering close");
        // a client still sending after that loses its connection.
        sendError(res, e);
        const linger = setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
        req
          .on("data", () => {})
          .once("end", () => clearTimeout(linger))
          .resume();
        return;
      }
      sendError(
        res,
        e instanceof HttpError ? e : new HttpError(500, String((e as Error)?.message ?? e), "InternalServerError"),
      );
    };
    // vLLM's middleware checks the key before routing: any /v1 path without it is a 401.
    if (keyDigest && path.startsWith("/v1") && req.method !== "OPTIONS" && !authorized(req, keyDigest))
      return sendJson(res, 401, { error: "Unauthorized" });
    if (!methods) return fail(new HttpError(404, `Not Found: ${path}`, "NotFoundError"));
    if (!methods.includes(req.method ?? ""))
      return void sendError(
        res,
        new HttpError(
          405,
          `Method ${req.method} not allowed on ${path}; allowed: ${methods.join(", ")}.`,
          "MethodNotAllowed",
        ),
        { allow: methods.join(", ") },
      );
    route(path, req, res).catch(fail);
  }

  const server = http.createServer(
    {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      // Node enforces both timeouts only when it checks its connections (every 30 s by default).
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(1000, options.headersTimeoutMs / 4, options.requestTimeoutMs / 4),
      ),
    },
    handle,
  );
  server.maxConnections = options.maxConnections;
  server.keepAliveTimeout = 65_000;
  const load = planModelLoad(options);
  const port = load.ms > 0 && options.port === 0 ? await freePort(options.host) : options.port;
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      // uvicorn's listen backlog (vLLM serves through it): 2048 (encode/uvicorn uvicorn/config.py,
      // Config backlog default), not Node's 511, which a burst of 2,000 streams' connects overflows.
      server.listen({ port: p, host: options.host, backlog: 2048 }, () =>
        resolve((server.address() as net.AddressInfo).port),
      );
    });
  // vLLM binds its port, loads the model, and only then serves HTTP (api_server.py run_server_worker:
  // build_async_engine_client before serve_http): while it loads, every connection is refused.
  let loadTimer: NodeJS.Timeout | undefined;
  let boundPort = port;
  const ready =
    load.ms > 0
      ? new Promise<void>((resolve, reject) => {
          loadTimer = setTimeout(() => {
            load.loaded();
            void listen(port).then(() => resolve(), reject);
          }, load.ms / options.speedup);
        })
      : Promise.resolve();
  if (load.ms <= 0) {
    load.loaded();
    boundPort = await listen(port);
  }
  ready.catch(() => {});

  let statsTimer: NodeJS.Timeout | undefined;
  if (options.logStats) {
    let lastTokens = 0;
    statsTimer = setInterval(() => {
      const tps = engine.tokensGenerated - lastTokens;
      lastTokens = engine.tokensGenerated;
      console.log(
        `[sim] running=${engine.numRunning} waiting=${engine.numWaiting} kv=${((100 * engine.kvBlocksUsed()) / engine.kvBlocksTotal()).toFixed(1)}% gen_tok/s=${tps}`,
      );
    }, 1000);
    statsTimer.unref();
  }

  return {
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host === "0.0.0.0" ? "127.0.0.1" : options.host}:${boundPort}`,
    port: boundPort,
    options,
    setFaults,
    ready,
    start: { kind: load.start, loadMs: load.ms },
    close: () =>
      new Promise<void>((resolve) => {
        if (loadTimer) clearTimeout(loadTimer);
        if (statsTimer) clearInterval(statsTimer);
        engine.stop();
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { countTokens };
