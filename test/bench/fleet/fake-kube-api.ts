// A fake Kubernetes API server on 127.0.0.1 for the rehearsal's pod watch: TLS with its own CA (as a
// pod sees the API), a ServiceAccount directory (token, ca.crt, namespace) like the one the kubelet
// mounts, and Pod objects shaped as `GET /api/v1/namespaces/<ns>/pods` lists them.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import type * as net from "node:net";
import * as path from "node:path";
import type { PodObject } from "../../../bench/fleet/pods";

export const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"]);
    return true;
  } catch {
    return false;
  }
})();

/** A Pod as the API lists it (fields trimmed to what a kubelet reports); times in seconds after `zeroMs`. */
export function pod(
  zeroMs: number,
  name: string,
  t: { created: number; scheduled?: number; started?: number; ready?: number },
): PodObject {
  const iso = (s: number) => new Date(zeroMs + s * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  const cond = (type: string, at?: number) =>
    at === undefined
      ? { type, status: "False", lastTransitionTime: iso(t.created) }
      : { type, status: "True", lastTransitionTime: iso(at) };
  return {
    metadata: { name, uid: `uid-${name}`, creationTimestamp: iso(t.created) },
    spec: { nodeName: t.scheduled === undefined ? undefined : `ip-10-0-1-${name.length}.ec2.internal` },
    status: {
      phase: t.started === undefined ? "Pending" : "Running",
      conditions: [
        cond("PodReadyToStartContainers", t.started),
        cond("Initialized", t.scheduled),
        cond("Ready", t.ready),
        cond("ContainersReady", t.ready),
        cond("PodScheduled", t.scheduled),
      ],
      containerStatuses: [
        {
          name: "vllm",
          state:
            t.started === undefined
              ? ({ waiting: { reason: "ContainerCreating" } } as never)
              : { running: { startedAt: iso(t.started) } },
        },
      ],
    },
  };
}

export interface FakeKubeApi {
  /** The ServiceAccount directory (token "token-1", ca.crt, namespace "vllm"). */
  serviceAccountDir: string;
  /** What a pod's environment says about the API (and a fast poll). */
  env: Record<string, string>;
  /** Pods the next list answers with; `status` other than 200 answers a Status instead. */
  state: { pods: PodObject[]; status: number };
  /** Every request: its Authorization header and path. */
  seen: { auth?: string; url?: string }[];
  close(): Promise<void>;
}

export async function startFakeKubeApi(dir: string): Promise<FakeKubeApi> {
  const sa = path.join(dir, "serviceaccount");
  fs.mkdirSync(sa, { recursive: true });
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"],
      ...["-subj", "/CN=kubernetes", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
    ],
    { stdio: "ignore" },
  );
  fs.copyFileSync(cert, path.join(sa, "ca.crt"));
  fs.writeFileSync(path.join(sa, "token"), "token-1");
  fs.writeFileSync(path.join(sa, "namespace"), "vllm");
  const state = { pods: [] as PodObject[], status: 200 };
  const seen: FakeKubeApi["seen"] = [];
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
    seen.push({ auth: req.headers.authorization, url: req.url });
    res.writeHead(state.status, { "content-type": "application/json" });
    res.end(
      state.status === 200
        ? JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "1" }, items: state.pods })
        : JSON.stringify({ kind: "Status", status: "Failure", reason: "Forbidden", code: state.status }),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    serviceAccountDir: sa,
    env: { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: String(port), REHEARSAL_POD_POLL_MS: "50" },
    state,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
