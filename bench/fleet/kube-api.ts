// The rehearsal reads the vLLM pods from the Kubernetes API with the benchmark pod's own
// ServiceAccount: the token, CA and namespace the chart projects into the pod at the standard path
// (charts/benchmark/pod-reader.ts; a Role lets it get, list and watch pods in its namespace, nothing
// more). It lists the pods every few seconds while the run lasts, so a pod scaled in before the end
// is still on the table; the times themselves come from the objects, so polling costs no accuracy.
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as path from "node:path";
import type { PodObject } from "./pods";

/** Where Kubernetes mounts a pod's ServiceAccount token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
/** The vLLM pods (charts/vllm/labels.ts selectorLabels); REHEARSAL_POD_SELECTOR for others. */
export const DEFAULT_POD_SELECTOR = "app.kubernetes.io/name=vllm";

export interface KubeApi {
  /** https://host:port of the API server. */
  url: string;
  /** Re-read for every request: a projected token is rotated by the kubelet. */
  tokenFile: string;
  /** PEM of the cluster CA (absent for a plain-http test server). */
  ca?: string;
  namespace: string;
}

/** The API as a pod sees it (KUBERNETES_SERVICE_HOST/PORT and the mounted token), or undefined outside one. */
export function inClusterApi(env: NodeJS.ProcessEnv = process.env, dir = SERVICE_ACCOUNT_DIR): KubeApi | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const tokenFile = path.join(dir, "token");
  if (!host || !fs.existsSync(tokenFile)) return undefined;
  const ca = path.join(dir, "ca.crt");
  const ns = path.join(dir, "namespace");
  return {
    url: `https://${host.includes(":") ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT ?? "443"}`,
    tokenFile,
    ca: fs.existsSync(ca) ? fs.readFileSync(ca, "utf8") : undefined,
    namespace: fs.existsSync(ns) ? fs.readFileSync(ns, "utf8").trim() : "default",
  };
}

function get(api: KubeApi, pathAndQuery: string): Promise<unknown> {
  const url = new URL(pathAndQuery, api.url);
  const token = fs.readFileSync(api.tokenFile, "utf8").trim();
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      { headers: { authorization: `Bearer ${token}`, accept: "application/json" }, ca: api.ca, timeout: 10_000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => {
          if (res.statusCode !== 200)
            return reject(
              new Error(`Kubernetes API answered ${res.statusCode} to GET ${url.pathname}: ${body.slice(0, 200)}`),
            );
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(new Error(`Kubernetes API: not JSON (${(e as Error).message})`));
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`Kubernetes API: no answer to GET ${url.pathname} in 10 s`)));
    req.on("error", reject);
    req.end();
  });
}

/** The pods of the API's namespace matching a label selector (core/v1 PodList items). */
export async function listPods(api: KubeApi, selector: string): Promise<PodObject[]> {
  const q = new URLSearchParams({ labelSelector: selector });
  const list = (await get(api, `/api/v1/namespaces/${encodeURIComponent(api.namespace)}/pods?${q}`)) as {
    items?: PodObject[];
  };
  return list.items ?? [];
}

export interface PodWatch {
  /** Stop polling; every pod seen, in its last known state (a pod gone between polls is marked deleted then). */
  stop(): Promise<PodObject[]>;
}

/**
 * List the pods now and every `intervalMs` until stopped. A failing API is reported once through
 * `log` and the polling goes on: the load test never depends on it.
 */
export function watchPods(
  api: KubeApi,
  selector: string,
  o: { intervalMs?: number; log: (l: string) => void },
): PodWatch {
  const seen = new Map<string, PodObject>();
  let warned = false;
  let stopped = false;
  const poll = async () => {
    try {
      const pods = await listPods(api, selector);
      const now = new Set(pods.map((p) => p.metadata.uid ?? p.metadata.name));
      for (const p of pods) seen.set(p.metadata.uid ?? p.metadata.name, p);
      // Gone since the last list: deleted at the latest now (its deletionTimestamp, if we saw it, is exact).
      for (const [k, p] of seen)
        if (!now.has(k) && !p.metadata.deletionTimestamp)
          seen.set(k, { ...p, metadata: { ...p.metadata, deletionTimestamp: new Date().toISOString() } });
    } catch (e) {
      if (!warned) o.log(`warning: cannot list pods (${(e as Error).message}); the replica table may be incomplete`);
      warned = true;
    }
  };
  let current = poll();
  const timer = setInterval(() => {
    if (!stopped) current = current.then(poll);
  }, o.intervalMs ?? 5000);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
      await poll();
      return [...seen.values()];
    },
  };
}
