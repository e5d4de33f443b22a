import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildApp, chartObjects } from "../../charts/app";
import { readStackFileConfig } from "../../infra/config-file";
import { secretKeys, type SecretKey } from "../../infra/config";
import { parseStackConfig } from "../../infra/config-load";
import { CHARTS } from "../../infra/addons/versions";
import { chartPropsFromConfig, inClusterPushgatewayUrl } from "../../infra/mapper";
import { commandsIn, listDocs, where, ROOT } from "./extract";

// Every object a `kubectl` command in the docs names (`deploy/x`, `svc/x`, `delete job x`, the
// `-n` namespace) must be one the stack really creates: our synthesised objects with every
// optional feature on, plus what the real charts render with our values and release names
// (test/fixtures/chart-objects.yaml, rendered with helm; its header says how).

interface ChartObjects {
  charts: { chart: string; version: string; release: string; namespace: string; objects: string[] }[];
  operatorCreated: { objects: string[] };
}
const fixture: ChartObjects = parse(
  fs.readFileSync(new URL("../fixtures/chart-objects.yaml", import.meta.url), "utf8"),
);

/** kind/namespace/name of what we synthesise, with the benchmark, its schedule and the plan on. */
function ourObjects(): string[] {
  const raw = readStackFileConfig(`${ROOT}/Pulumi.eks.yaml`).raw as Record<string, Record<string, unknown>>;
  const config = parseStackConfig(
    { ...raw, benchmark: { enabled: true, schedule: "0 3 * * *", plan: { enabled: true } } },
    Object.keys(secretKeys) as SecretKey[],
  );
  const app = buildApp(
    chartPropsFromConfig(config, { includeNamespace: true, pushgatewayUrl: inClusterPushgatewayUrl(config) }),
  );
  return app.charts.flatMap((c) =>
    chartObjects(c).map((o) => {
      const m = o.metadata as { name: string; namespace?: string };
      return `${String(o.kind)}/${m.namespace ?? "-"}/${m.name}`;
    }),
  );
}

const KINDS: Record<string, string> = {
  deploy: "Deployment",
  deployment: "Deployment",
  svc: "Service",
  service: "Service",
  ds: "DaemonSet",
  daemonset: "DaemonSet",
  sts: "StatefulSet",
  statefulset: "StatefulSet",
  job: "Job",
  cronjob: "CronJob",
  pvc: "PersistentVolumeClaim",
  cm: "ConfigMap",
  configmap: "ConfigMap",
  secret: "Secret",
  prometheus: "Prometheus",
  servicemonitor: "ServiceMonitor",
};
/** Names that stand for something the reader fills in. */
const PLACEHOLDER = /[<$]/;

interface Ref {
  kind: string;
  name?: string;
  namespace?: string;
}

/** The namespace and the objects one kubectl command names. */
function kubectlRefs(cmd: string): { namespace?: string; refs: Ref[] } {
  // The kubectl part only: a pipe or a redirect ends it.
  const words = cmd
    .trim()
    .split(/\s*(?:\||&&|;|>)/)[0]
    .split(/\s+/);
  if (words[0] !== "kubectl") return { refs: [] };
  let namespace: string | undefined;
  const rest: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === "-n" || w === "--namespace") namespace = words[++i];
    else if (w.startsWith("--namespace=")) namespace = w.slice(12);
    else if (w.startsWith("--from=")) rest.push(w.slice(7));
    else if (w.startsWith("-")) {
      if (["-l", "-o", "--tail", "-c"].includes(w)) i++;
    } else rest.push(w);
  }
  const refs: Ref[] = [];
  const verb = rest[0];
  for (const w of rest.slice(1)) {
    const slash = w.match(/^([a-z]+)\/(.+)$/);
    if (slash && KINDS[slash[1]]) refs.push({ kind: KINDS[slash[1]], name: slash[2], namespace });
  }
  // `kubectl get|delete|describe <kind> <name>`
  if (["get", "delete", "describe"].includes(verb) && KINDS[rest[1]] && rest[2] && !rest[2].includes("/"))
    refs.push({ kind: KINDS[rest[1]], name: rest[2], namespace });
  if (verb === "create" && rest[1] === "namespace") return { namespace: rest[2], refs };
  return { namespace, refs };
}

describe("kubectl names in the docs", () => {
  const known = new Set([
    ...ourObjects(),
    ...fixture.charts.flatMap((c) => c.objects),
    ...fixture.operatorCreated.objects,
  ]);
  const namespaces = new Set([...known].map((k) => k.split("/")[1]).filter((n) => n !== "-"));

  it("the chart fixture was rendered from the pinned charts, with our release names", () => {
    // Charts whose object names no doc uses need no entry; those recorded must be the pinned versions.
    const pinned = new Map(Object.values(CHARTS).map((pin) => [pin.chart as string, pin.version as string]));
    for (const c of fixture.charts) expect(pinned.get(c.chart), c.chart).toBe(c.version);
    const autoscaler = fixture.charts.find((c) => c.chart === "cluster-autoscaler")!;
    expect(autoscaler.objects).toContain("Deployment/kube-system/cluster-autoscaler-aws-cluster-autoscaler");
  });

  it("every object and namespace a kubectl command names exists in the rendered stack", () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const d of listDocs())
      for (const c of commandsIn(d)) {
        const { namespace, refs } = kubectlRefs(c.cmd);
        if (namespace && !PLACEHOLDER.test(namespace) && !namespaces.has(namespace))
          wrong.push(`${where(c)}: namespace ${namespace} is not one the stack uses (${[...namespaces].join(", ")})`);
        for (const r of refs) {
          if (!r.name || PLACEHOLDER.test(r.name)) continue;
          checked++;
          const ns = r.namespace && !PLACEHOLDER.test(r.namespace) ? r.namespace : undefined;
          const hit = [...known].some((k) => {
            const [kind, kns, name] = k.split("/");
            return kind === r.kind && name === r.name && (!ns || kns === ns);
          });
          if (!hit) wrong.push(`${where(c)}: ${r.kind} ${ns ?? "*"}/${r.name} is not rendered by the stack`);
        }
      }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(3);
  });

  it("every in-cluster URL (http://<service>.<namespace>.svc) in the docs and the sources names a rendered Service", () => {
    const services = new Set([...known].filter((k) => k.startsWith("Service/")).map((k) => k.split("/")[2]));
    const files = [
      ...listDocs().map((d) => d.file),
      ...execFileSync("git", ["ls-files", "*.ts"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean),
    ].filter((f) => !f.startsWith("test/"));
    const wrong: string[] = [];
    let urls = 0;
    for (const f of files)
      for (const m of fs
        .readFileSync(`${ROOT}/${f}`, "utf8")
        .matchAll(/https?:\/\/([a-z0-9-]+)\.([a-z0-9<>-]+)\.svc\b/g)) {
        urls++;
        if (!services.has(m[1])) wrong.push(`${f}: ${m[0]} names no Service the stack renders`);
      }
    expect(wrong).toEqual([]);
    expect(urls).toBeGreaterThan(1);
  });

  it("catches the names the docs used to get wrong (the check can fail)", () => {
    const refs = kubectlRefs("kubectl -n kube-system logs deploy/cluster-autoscaler").refs;
    expect(refs).toEqual([{ kind: "Deployment", name: "cluster-autoscaler", namespace: "kube-system" }]);
    expect(known.has("Deployment/kube-system/cluster-autoscaler")).toBe(false);
    expect(kubectlRefs("kubectl -n monitoring port-forward svc/kube-prometheus-stack-grafana 3000:80").refs).toEqual([
      { kind: "Service", name: "kube-prometheus-stack-grafana", namespace: "monitoring" },
    ]);
    expect(kubectlRefs("kubectl -n monitoring get prometheus -o yaml | grep -A3 x").refs).toEqual([]);
    expect(kubectlRefs("kubectl -n vllm delete job vllm-bench-plan").refs).toEqual([
      { kind: "Job", name: "vllm-bench-plan", namespace: "vllm" },
    ]);
  });
});
