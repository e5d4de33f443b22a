import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeIdleConnections, RequestGroup, sendRequest, type Target } from "../../bench/client/request";

// The streaming client's transport (undici's dispatcher) against small hand-written servers, for
// what the simulator cannot show: when a timestamp is taken, TLS, and that a cut request really
// closes its connection.

const event = (content: string) => `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;
const DONE = "data: [DONE]\n\n";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const spec = { id: "t-1", prompt: "hello", promptTokens: 1, maxTokens: 8 };

type Script = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;
const servers: (http.Server | https.Server)[] = [];
async function listen(server: http.Server | https.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const scheme = server instanceof https.Server ? "https" : "http";
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const streaming = (script: Script) =>
  http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      void script(req, res);
    });
  });
const target = (baseUrl: string, timeoutMs = 5000): Target => ({
  baseUrl,
  endpoint: "/v1/chat/completions",
  chat: true,
  model: "m",
  timeoutMs,
});

afterEach(async () => {
  closeIdleConnections();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe("the streaming client's transport", () => {
  it("stamps each read when it arrives: events in one read share its time, an event split across reads gets the later one", async () => {
    const url = await listen(
      streaming(async (_req, res) => {
        res.write(event("a") + event("b") + event("c")); // one read
        await sleep(60);
        const d = event("d");
        res.write(d.slice(0, 10)); // half an event: nothing to time yet
        await sleep(60);
        res.end(d.slice(10) + DONE);
      }),
    );
    const r = await sendRequest(target(url), spec, "s", performance.now());
    expect(r.success).toBe(true);
    expect(r.output_tokens).toBe(4);
    // Exactly equal: one timestamp per read, taken before any event in it is parsed.
    expect(r.itl_ms.slice(0, 2)).toEqual([0, 0]);
    // "d" is timed when its end arrived (~120 ms after "c"), not when its first bytes did (~60 ms).
    expect(r.itl_ms[2]).toBeGreaterThan(100);
  });

  it("a request started as soon as another returns reuses its connection (keep-alive at max concurrency)", async () => {
    const server = streaming((_req, res) => void setTimeout(() => res.end(event("a") + event("b") + DONE), 20));
    let connections = 0;
    server.on("connection", () => connections++);
    const url = await listen(server);
    // 20 lanes, 3 requests each, every one started the moment the lane's previous one returned.
    let next = 0;
    const lane = async () => {
      while (next < 60) {
        const r = await sendRequest(target(url), { ...spec, id: `r${next++}` }, "s", performance.now());
        expect(r.success).toBe(true);
      }
    };
    await Promise.all(Array.from({ length: 20 }, lane));
    // One per lane: a finished request's connection is the next one's.
    expect(connections).toBe(20);
  });

  it("a cancelled run and a timeout each close the request's connection, so the server stops generating", async () => {
    const closed: string[] = [];
    const url = await listen(
      streaming((req, res) => {
        res.on("close", () => closed.push(req.headers["x-request-id"] as string));
        res.write(event("a")); // then never finishes
      }),
    );
    const group = new RequestGroup();
    const cancelled = sendRequest(target(url), { ...spec, id: "cancel" }, "s", performance.now(), group);
    const timedOut = sendRequest(target(url, 300), { ...spec, id: "timeout" }, "s", performance.now());
    const t = await timedOut;
    group.cancel();
    const c = await cancelled;
    expect(c).toMatchObject({ error_kind: "connection", error: expect.stringMatching(/cancelled/) });
    expect(t).toMatchObject({ error_kind: "timeout", error: "no complete answer within 300 ms" });
    for (let i = 0; i < 50 && closed.length < 2; i++) await sleep(20);
    expect(closed.sort()).toEqual(["cancel", "timeout"]);
  });

  it("a request cancelled before it has a connection is never answered and leaves no connection open", async () => {
    let seen = 0;
    const server = streaming((_req, res) => {
      seen++;
      res.end(event("a") + DONE);
    });
    const url = await listen(server);
    const group = new RequestGroup();
    const p = sendRequest(target(url), spec, "s", performance.now(), group);
    group.cancel(); // synchronously: the connection is still being made
    expect(await p).toMatchObject({ error_kind: "connection", error: expect.stringMatching(/cancelled/) });
    let open = 1;
    for (let i = 0; i < 50 && open > 0; i++) {
      await sleep(20);
      open = await new Promise<number>((r) => server.getConnections((_e, n) => r(n)));
    }
    expect(open).toBe(0);
    expect(seen).toBe(0);
  });

  describe("an https target", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "client-tls-"));
    const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"],
        ...["-subj", "/CN=vllm", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
      ],
      { stdio: "ignore" },
    );
    const defaultCAs = tls.getCACertificates("default");
    afterAll(() => {
      tls.setDefaultCACertificates(defaultCAs);
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const tlsServer = () =>
      https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
        req.resume();
        req.on("end", () => {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.end(event("a") + event("b") + DONE);
        });
      });

    it("streams over TLS from a server whose certificate the process trusts", async () => {
      const url = await listen(tlsServer());
      tls.setDefaultCACertificates([...defaultCAs, fs.readFileSync(cert, "utf8")]);
      const r = await sendRequest(target(url), spec, "s", performance.now());
      expect(r).toMatchObject({ success: true, status: 200, output_tokens: 2 });
    });

    it("refuses a certificate the process does not trust, as a connection failure", async () => {
      const url = await listen(tlsServer());
      tls.setDefaultCACertificates(defaultCAs);
      const r = await sendRequest(target(url), spec, "s", performance.now());
      expect(r).toMatchObject({ success: false, error_kind: "connection", error: expect.stringMatching(/CERT/) });
    });
  });
});
