// The local rehearsal's "cluster": simulator replicas started and stopped by our own scaling rule,
// behind one address that stands for the vLLM Service. There is no Kubernetes here, so what a
// cluster does is modelled, on a clock that runs `timeScale` times real time:
//
// modelled:  KEDA + HPA decisions (bench/fleet/scaling-rule.ts, from the served request rate scraped
//            from every replica's /metrics, as the trigger's PromQL computes it); GPU nodes that take
//            `nodeBootS` to join when none is free and leave after `nodeUnneededS` idle
//            (cluster-autoscaler); an image pull on a node's first pod; the termination delay.
// real:      each replica is the simulator: it binds and serves only after its model load, cold
//            (download + load) when the model cache directory has no weights, warm once a replica
//            filled it (a shared cache); readiness is a real /health probe; the request rate is
//            counted by the replicas' own vllm:request_success_total; the Service refuses
//            connections while no replica is ready, as a Service without endpoints does.
// not here:  scheduling constraints, Prometheus' exact rate() extrapolation and scrape jitter, KEDA's
//            metrics cache, a real image registry or network; replicas run in this process.
import * as http from "node:http";
import type * as net from "node:net";
import { startSimulator, type RunningSimulator, type SimOptions } from "../sim";
import type { ReplicaStart } from "./pods";
import type { FleetPhase } from "./rehearsal";
import { ScalingModel, type ScalingRule } from "./scaling-rule";

/** Durations of the stages the model adds (seconds on the rehearsal's clock). */
export interface FleetStages {
  /** A GPU node from request to Ready (cluster-autoscaler notices, EC2 boots, the node joins). */
  nodeBootS: number;
  /** cluster-autoscaler's --scale-down-unneeded-time: an empty node goes after this long. */
  nodeUnneededS: number;
  /** Image pull on a node that has not run the image yet. */
  imagePullS: number;
  /** Model load with an empty cache (download + load) and with the weights cached. */
  coldLoadS: number;
  warmLoadS: number;
  /** Readiness probe period. */
  readinessPeriodS: number;
  /** The preStop sleep after a delete, and the most a pod is then given to finish its streams. */
  preStopS: number;
  terminationGraceS: number;
  /** Prometheus scrape interval and the trigger's rate window. */
  scrapeIntervalS: number;
  rateWindowS: number;
}

export interface LocalFleetOptions {
  rule: ScalingRule;
  stages: FleetStages;
  /**
   * Real seconds per rehearsal second (1/100: a 30-minute rehearsal in 18 s). Durations are scaled,
   * rates are not: requests per second (the load, the target per pod) are real ones.
   */
  timeScale: number;
  /** Settings of every replica (engine size, model name). */
  sim: Partial<SimOptions>;
  /** The model cache every replica mounts ("" = each its own, empty: every start is cold). */
  modelCacheDir: string;
  /** GPU nodes at most (gpuNodes.maxSize); one replica per node. Default: maxReplicas. */
  maxNodes?: number;
}

/** The fleet at one moment (rehearsal seconds since the fleet started). */
export interface FleetSample {
  tS: number;
  desired: number;
  /** Pods that exist and are not being deleted. */
  current: number;
  ready: number;
  pending: number;
  nodes: number;
  rate: number;
  phase: FleetPhase;
}

interface Replica extends ReplicaStart {
  node?: string;
  sim?: RunningSimulator;
  inflight: number;
  lastProbeS: number;
  series: { tS: number; v: number }[];
}
interface Node {
  name: string;
  readyAtS: number;
  pod?: string;
  freeSinceS: number;
  hasImage: boolean;
}

const SERVED = /^vllm:request_success_total\{([^}]*)\}\s+(\S+)/;

/** Served requests so far in a /metrics text (finished_reason stop, length, repetition, as the trigger counts). */
export function servedCount(text: string): number {
  let n = 0;
  for (const line of text.split("\n")) {
    const m = SERVED.exec(line);
    if (m && /finished_reason="(stop|length|repetition)"/.test(m[1])) n += Number(m[2]);
  }
  return n;
}

export interface LocalFleet {
  /** The Service's address (refuses connections while no replica is ready). */
  url: string;
  /** Rehearsal seconds since the fleet started. */
  nowS(): number;
  samples(): FleetSample[];
  replicas(): ReplicaStart[];
  /** Resolves once the fleet is at zero replicas and zero nodes, or after `maxS` rehearsal seconds. */
  settled(maxS: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startLocalFleet(o: LocalFleetOptions): Promise<LocalFleet> {
  const K = o.timeScale;
  const st = o.stages;
  const t0 = performance.now();
  const nowS = () => (performance.now() - t0) / 1000 / K;
  const model = new ScalingModel(o.rule, 0);
  const replicas: Replica[] = [];
  const nodes: Node[] = [];
  const samples: FleetSample[] = [];
  const maxNodes = o.maxNodes ?? o.rule.maxReplicas;
  let seq = 0;
  let nodeSeq = 0;
  let lastDecreaseS = -Infinity;
  let closed = false;

  // The Service: least-loaded ready replica; no listener at all while none is ready.
  const ready = () => replicas.filter((r) => r.ready_s !== null && r.deleted_s === null && r.sim);
  const service = http.createServer((req, res) => {
    const pool = ready();
    if (!pool.length) return void req.socket.destroy();
    const r = pool.reduce((a, b) => (b.inflight < a.inflight ? b : a));
    r.inflight++;
    const up = http.request(
      { host: "127.0.0.1", port: r.sim!.port, method: req.method, path: req.url, headers: req.headers },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on("error", () => res.destroy());
    res.on("close", () => {
      r.inflight--;
      up.destroy();
    });
    req.pipe(up);
  });
  service.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
  const port = (service.address() as net.AddressInfo).port;
  let listening = true;
  const setListening = (on: boolean) => {
    if (on === listening || closed) return;
    listening = on;
    if (on) service.listen(port, "127.0.0.1");
    else {
      service.close();
      service.closeAllConnections();
    }
  };

  // Requests per real second: only durations are scaled, the requests are real.
  const rate = (tS: number) => {
    let sum = 0;
    for (const r of replicas) {
      const w = r.series.filter((x) => x.tS > tS - st.rateWindowS);
      if (w.length >= 2) sum += (w.at(-1)!.v - w[0].v) / ((w.at(-1)!.tS - w[0].tS) * K);
    }
    return sum;
  };

  let lastScrapeS = -Infinity;
  const scrape = async (tS: number) => {
    await Promise.all(
      ready().map(async (r) => {
        try {
          const res = await fetch(`${r.sim!.url}/metrics`, { signal: AbortSignal.timeout(2000) });
          r.series.push({ tS, v: servedCount(await res.text()) });
        } catch {
          // A missed scrape: Prometheus has a gap there too.
        }
      }),
    );
  };

  // A container that fails to start stays not ready, as a crash-looping pod would; after close, none starts.
  const startReplica = async (r: Replica) => {
    if (closed) return;
    r.started_s = nowS();
    r.sim = await startSimulator({
      ...o.sim,
      host: "127.0.0.1",
      port: 0,
      modelCacheDir: o.modelCacheDir,
      startupDelayMs: st.coldLoadS * K * 1000,
      warmStartupDelayMs: st.warmLoadS * K * 1000,
    });
    r.start = r.sim.start.kind;
    if (r.deleted_s !== null || closed) await r.sim.close();
  };

  const probe = async (r: Replica, tS: number) => {
    r.lastProbeS = tS;
    try {
      const res = await fetch(`${r.sim!.url}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok && r.ready_s === null && r.deleted_s === null) r.ready_s = nowS();
    } catch {
      // Not listening yet: the model is still loading.
    }
  };

  // Deleted: out of the Service at once; the process goes after the preStop sleep, once its streams
  // are done or the grace period is over (charts/vllm/pod.ts: preStop 15 s, grace 120 s).
  const remove = (r: Replica, tS: number) => {
    r.deleted_s = tS;
    const node = nodes.find((n) => n.name === r.node);
    const gone = () => {
      void r.sim?.close();
      if (node) {
        node.pod = undefined;
        node.freeSinceS = nowS();
      }
    };
    if (!r.sim) return gone();
    const graceEndS = tS + st.terminationGraceS;
    const wait = () => (r.inflight > 0 && nowS() < graceEndS ? void setTimeout(wait, 20).unref() : gone());
    setTimeout(wait, st.preStopS * K * 1000).unref();
  };

  const reconcile = (tS: number) => {
    const alive = replicas.filter((r) => r.deleted_s === null);
    const desired = model.replicas;
    for (let i = alive.length; i < desired; i++)
      replicas.push({
        pod: `vllm-${(++seq).toString().padStart(2, "0")}`,
        created_s: tS,
        scheduled_s: null,
        started_s: null,
        ready_s: null,
        deleted_s: null,
        inflight: 0,
        lastProbeS: -Infinity,
        series: [],
      });
    if (alive.length > desired) {
      lastDecreaseS = tS;
      // The ReplicaSet deletes pods that are not ready first, then the newest.
      const victims = [...alive]
        .sort((a, b) => Number(a.ready_s !== null) - Number(b.ready_s !== null) || b.created_s - a.created_s)
        .slice(0, alive.length - desired);
      for (const r of victims) remove(r, tS);
    }
    // Scheduling: a pending pod takes a free Ready node, or waits for one cluster-autoscaler adds.
    const pending = replicas.filter((r) => r.deleted_s === null && r.scheduled_s === null);
    for (const r of pending) {
      const node = nodes.find((n) => n.readyAtS <= tS && n.pod === undefined);
      if (!node) continue;
      node.pod = r.pod;
      r.node = node.name;
      r.scheduled_s = tS;
      const pullS = node.hasImage ? 0 : st.imagePullS;
      node.hasImage = true;
      setTimeout(() => void startReplica(r).catch(() => {}), pullS * K * 1000).unref();
    }
    const stillPending = replicas.filter((r) => r.deleted_s === null && r.scheduled_s === null).length;
    const coming = nodes.filter((n) => n.readyAtS > tS).length;
    for (let i = coming; i < stillPending && nodes.length < maxNodes; i++)
      nodes.push({ name: `gpu-node-${++nodeSeq}`, readyAtS: tS + st.nodeBootS, freeSinceS: tS, hasImage: false });
    // Empty nodes leave after the unneeded time.
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i];
      if (n.pod === undefined && n.readyAtS <= tS && tS - Math.max(n.freeSinceS, n.readyAtS) >= st.nodeUnneededS)
        nodes.splice(i, 1);
    }
  };

  const tick = async () => {
    const tS = nowS();
    if (tS - lastScrapeS >= st.scrapeIntervalS) {
      lastScrapeS = tS;
      await scrape(tS);
    }
    const value = rate(tS);
    model.step(tS, value);
    reconcile(tS);
    for (const r of replicas)
      if (r.sim && r.ready_s === null && r.deleted_s === null && tS - r.lastProbeS >= st.readinessPeriodS)
        void probe(r, tS);
    const readyN = ready().length;
    setListening(readyN > 0);
    const current = replicas.filter((r) => r.deleted_s === null).length;
    const terminating = replicas.some((r) => r.deleted_s !== null && tS - r.deleted_s < st.preStopS);
    const phase: FleetPhase =
      model.replicas === 0 && readyN === 0
        ? "zero"
        : readyN === 0
          ? "waking"
          : model.replicas > readyN
            ? "out"
            : terminating || tS - lastDecreaseS < 60
              ? "in"
              : "steady";
    samples.push({
      tS,
      desired: model.replicas,
      current,
      ready: readyN,
      pending: replicas.filter((r) => r.deleted_s === null && r.scheduled_s === null).length,
      nodes: nodes.filter((n) => n.readyAtS <= tS).length,
      rate: value,
      phase,
    });
  };

  let running = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(tick).catch(() => {});
  }, 25);

  return {
    url: `http://127.0.0.1:${port}`,
    nowS,
    samples: () => samples,
    replicas: () =>
      replicas.map(({ pod, node, created_s, scheduled_s, started_s, ready_s, deleted_s, start }) => ({
        pod,
        ...(node ? { node } : {}),
        created_s,
        scheduled_s,
        started_s,
        ready_s,
        deleted_s,
        ...(start ? { start } : {}),
      })),
    async settled(maxS) {
      const until = nowS() + maxS;
      while (nowS() < until) {
        const last = samples.at(-1);
        if (replicas.length && last?.desired === 0 && last.current === 0 && nodes.length === 0) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
      await Promise.all(replicas.map((r) => r.sim?.close() ?? Promise.resolve()));
      if (listening) {
        service.closeAllConnections();
        await new Promise<void>((r) => service.close(() => r()));
      }
    },
  };
}
