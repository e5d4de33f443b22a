// The rehearsal's replica table on a cluster: the vLLM pods read from the Kubernetes API with the
// pod's ServiceAccount token, against a fake API server on 127.0.0.1 (TLS with its own CA, as in a
// pod) that answers with Pod objects shaped as the API returns them.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replicaFromPod, replicaTable, stages } from "../../../bench/fleet/pods";
import { rehearsalReport, watchRehearsalPods } from "../../../bench/fleet/rehearsal";
import { rehearsalSection } from "../../../bench/report/rehearsal";
import { hasOpenssl, pod as podAt, startFakeKubeApi, type FakeKubeApi } from "./fake-kube-api";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-api-"));
const ZERO = Date.parse("2026-12-06T08:00:00Z");
const pod = (name: string, t: Parameters<typeof podAt>[2]) => podAt(ZERO, name, t);

let api: FakeKubeApi;
beforeAll(async () => {
  if (hasOpenssl) api = await startFakeKubeApi(dir);
});
afterAll(async () => {
  await api?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a replica's stages from its Pod object", () => {
  it("reads creationTimestamp, PodScheduled, the container's startedAt and Ready, relative to the run", () => {
    const r = replicaFromPod(pod("vllm-a", { created: 10, scheduled: 130, started: 190, ready: 430 }), ZERO);
    expect(r).toMatchObject({ pod: "vllm-a", created_s: 10, scheduled_s: 130, started_s: 190, ready_s: 430 });
    expect(stages(r)).toEqual({ pending_s: 120, start_s: 60, load_s: 240, total_s: 420 });
    // A pod still pending: only created; conditions that are False count as not reached.
    expect(replicaFromPod(pod("vllm-b", { created: 500 }), ZERO)).toMatchObject({
      created_s: 500,
      scheduled_s: null,
      started_s: null,
      ready_s: null,
    });
  });

  it("the table lists each replica's times and stages, cold and warm means where known", () => {
    const text = replicaTable([
      {
        ...replicaFromPod(pod("vllm-a", { created: 0, scheduled: 150, started: 210, ready: 450 }), ZERO),
        start: "cold",
      },
      {
        ...replicaFromPod(pod("vllm-b", { created: 600, scheduled: 750, started: 810, ready: 870 }), ZERO),
        start: "warm",
      },
    ]);
    expect(text).toMatch(/vllm-a\s+cold\s+0\.0\s+150\.0\s+210\.0\s+450\.0\s+-\s+150\.0\s+60\.0\s+240\.0\s+450\.0/);
    expect(text).toMatch(
      /mean: cold 1 \(load 240\.0 s, to ready 450\.0 s\); warm 1 \(load 60\.0 s, to ready 270\.0 s\)/,
    );
  });
});

describe("the rehearsal in the HTML report", () => {
  it("plots replicas and GPU nodes over the run and tables each replica's stages", () => {
    const none = { ttft_p50_ms: null, ttft_p95_ms: null, ttft_p99_ms: null, itl_p50_ms: null, itl_p95_ms: null };
    const base = { started: 0, completed: 0, failed: 0, output_tokens: 0, ...none, itl_p99_ms: null };
    const timeline = [0, 1, 2].map((t) => ({
      ...base,
      t,
      hpa_desired_replicas: t,
      hpa_current_replicas: t,
      gpu_nodes: t,
    }));
    const replicas = [
      {
        ...replicaFromPod(pod("vllm-a", { created: 0, scheduled: 150, started: 210, ready: 450 }), ZERO),
        start: "cold" as const,
      },
    ];
    const html = rehearsalSection({ timeline, replicas });
    expect(html).toMatch(/<h3>Autoscaling<\/h3>/);
    expect(html).toMatch(/<svg[^>]*>.*HPA desired.*<\/svg>/s);
    expect(html).toMatch(/<td>vllm-a<\/td><td>cold<\/td><td class="num">0\.0<\/td><td class="num">150\.0<\/td>/);
    // A run without the cluster's side and without replicas adds nothing.
    expect(rehearsalSection({ timeline: [{ ...base, t: 0 }] })).toBe("");
  });
});

describe.skipIf(!hasOpenssl)("the rehearsal's pod watch, against a fake API server with TLS", () => {
  const env = () => api.env;
  const sa = () => api.serviceAccountDir;

  it("lists the vLLM pods with the token over the cluster CA, keeps a pod scaled in before the end", async () => {
    api.seen.length = 0;
    api.state.status = 200;
    const log: string[] = [];
    api.state.pods = [
      pod("vllm-a", { created: 0, scheduled: 150, started: 210, ready: 450 }),
      pod("vllm-b", { created: 600 }),
    ];
    const w = watchRehearsalPods((l) => log.push(l), env(), sa())!;
    expect(w).toBeDefined();
    await new Promise((r) => setTimeout(r, 150));
    // vllm-b comes up; vllm-a is deleted and gone before the run ends; the token is rotated.
    api.state.pods = [pod("vllm-b", { created: 600, scheduled: 750, started: 810, ready: 870 })];
    fs.writeFileSync(path.join(sa(), "token"), "token-2");
    await new Promise((r) => setTimeout(r, 150));
    const rows = await w.stop(ZERO);
    expect(log).toEqual([]);
    expect(api.seen[0].url).toBe("/api/v1/namespaces/vllm/pods?labelSelector=app.kubernetes.io%2Fname%3Dvllm");
    expect(api.seen[0].auth).toBe("Bearer token-1");
    expect(api.seen.at(-1)!.auth).toBe("Bearer token-2");
    const byName = Object.fromEntries(rows.map((r) => [r.pod, r]));
    expect(byName["vllm-b"]).toMatchObject({ created_s: 600, scheduled_s: 750, started_s: 810, ready_s: 870 });
    expect(byName["vllm-a"]).toMatchObject({ created_s: 0, ready_s: 450 });
    expect(byName["vllm-a"].deleted_s).not.toBeNull();
    // In the result, beside the timeline, and on the console.
    const report = rehearsalReport({ timeline: [], replicas: rows }, {});
    expect(report).toMatch(/Replicas \(seconds since the run's start\):\n.*\nvllm-a /);
  });

  it("a refused list (RBAC) is one warning, and the run goes on without the table", async () => {
    api.state.status = 403;
    const log: string[] = [];
    const w = watchRehearsalPods((l) => log.push(l), env(), sa())!;
    await new Promise((r) => setTimeout(r, 150));
    expect(await w.stop(ZERO)).toEqual([]);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(
      /^warning: cannot list pods \(Kubernetes API answered 403 to GET \/api\/v1\/namespaces\/vllm\/pods/,
    );
  });

  it("outside a pod (no token, no KUBERNETES_SERVICE_HOST) there is nothing to watch", () => {
    expect(watchRehearsalPods(() => {}, {}, sa())).toBeUndefined();
    expect(watchRehearsalPods(() => {}, env(), path.join(dir, "missing"))).toBeUndefined();
  });
});
