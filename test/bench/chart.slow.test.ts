import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { App } from "cdk8s";
import { CronJob, Job } from "kubernetes-models/batch/v1";
import { ConfigMap, Service } from "kubernetes-models/v1";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../bench/client/scenario";
import { presetText } from "../../bench/contract";
import { startSimulator, type RunningSimulator } from "../../bench/sim";
import { BenchmarkChart, benchmarkObjects, runDeadlineSeconds, type BenchmarkChartProps } from "../../charts/benchmark";
import type { PlanJobProps } from "../../charts/benchmark/props";
import { selectorLabels } from "../../charts/vllm/labels";
import { unknownFields } from "../charts/schema";

const root = path.resolve(__dirname, "../..");
const base: BenchmarkChartProps = {
  namespace: "vllm",
  image: "registry.example.com/vllm-bench:0.1.0",
  endpoint: "http://vllm.vllm.svc:8000",
  model: "Qwen/Qwen2.5-1.5B-Instruct",
};

/** The chart's objects after its ServiceAccount, which every render must lead with (token not mounted). */
function synth(p: BenchmarkChartProps): Array<Record<string, any>> {
  // A plain App: Testing.app() makes a temp dir per call that nothing removes; toJson() writes nothing.
  const chart = new BenchmarkChart(new App(), "bench", p);
  const [sa, ...objs] = chart.toJson() as Array<Record<string, any>>;
  expect([sa?.kind, sa?.metadata?.name, sa?.automountServiceAccountToken]).toEqual([
    "ServiceAccount",
    "vllm-bench",
    false,
  ]);
  return objs;
}
function validate(obj: Record<string, any>): void {
  const Cls = { ConfigMap, CronJob, Job, Service }[obj.kind as "ConfigMap" | "CronJob" | "Job" | "Service"];
  expect(Cls, obj.kind).toBeDefined();
  new Cls(obj as never).validate();
  expect(unknownFields(obj as never)).toEqual([]);
}
const plan: PlanJobProps = {
  podSelector: { ...selectorLabels },
  port: 8000,
  peakRequestsPerSecond: 40,
  headroom: 0.6,
  quick: true,
  slos: { ttft_p95_ms: 1000 },
  instanceType: "g6.xlarge",
  gpusPerNode: 1,
  tensorParallelSize: 1,
};
const jobSpecOf = (o: Record<string, any>) => (o.kind === "CronJob" ? o.spec.jobTemplate.spec : o.spec);
const envOf = (o: Record<string, any>) =>
  Object.fromEntries(jobSpecOf(o).template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe("BenchmarkChart objects", () => {
  it("defaults to the smoke preset in a ConfigMap and a suspended CronJob template; schema-valid, no unknown fields", () => {
    const objs = synth(base);
    expect(objs.map((o) => o.kind)).toEqual(["ConfigMap", "CronJob"]);
    objs.forEach(validate);
    const [cm, cj] = objs as [any, any];
    expect(JSON.parse(cm.data["scenario.json"])).toEqual(JSON.parse(presetText("smoke")));
    expect(cj.spec).toMatchObject({ suspend: true, concurrencyPolicy: "Forbid" });
  });

  it("runs non-root on a read-only root filesystem, results in an emptyDir at OUTPUT_DIR, the scenario at CONFIG_PATH", () => {
    const [cm, cj] = synth(base) as [any, any];
    const job = jobSpecOf(cj);
    expect(job).toMatchObject({ backoffLimit: 0 });
    expect(job.ttlSecondsAfterFinished).toBeGreaterThan(0);
    const pod = job.template.spec;
    expect(pod).toMatchObject({
      restartPolicy: "Never",
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000 },
    });
    const c = pod.containers[0];
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(c.resources.requests.cpu && c.resources.limits.cpu && c.resources.limits.memory).toBeTruthy();
    expect(c.args).toEqual(["run"]);
    const env = envOf(cj);
    // Every path the CLI is told about is a mounted volume of the right kind.
    const mount = (p: string) => c.volumeMounts.find((m: any) => p === m.mountPath || p.startsWith(`${m.mountPath}/`));
    const volume = (name: string) => pod.volumes.find((v: any) => v.name === name);
    expect(volume(mount(env.OUTPUT_DIR).name).emptyDir).toBeDefined();
    const cfg = mount(env.CONFIG_PATH);
    expect(cfg.readOnly).toBe(true);
    expect(volume(cfg.name).configMap.name).toBe(cm.metadata.name);
    expect(Object.keys(cm.data)).toEqual([path.posix.relative(cfg.mountPath, env.CONFIG_PATH)]);
    expect(env).toMatchObject({ MODEL_ENDPOINT: base.endpoint, SERVED_MODEL_NAME: base.model });
    expect(env.PUSHGATEWAY_URL).toBeUndefined();
  });

  it("becomes an active CronJob with a schedule, and a one-shot Job Pulumi does not wait on when asked", () => {
    const [, cj] = synth({ ...base, schedule: "0 3 * * *" }) as [any, any];
    validate(cj);
    expect(cj.spec).toMatchObject({ schedule: "0 3 * * *", suspend: false, concurrencyPolicy: "Forbid" });
    const objs = synth({ ...base, unscheduled: "job" });
    expect(objs.map((o) => o.kind)).toEqual(["ConfigMap", "Job"]);
    objs.forEach(validate);
    expect(objs[1].metadata.annotations["pulumi.com/skipAwait"]).toBe("true");
    expect(objs[1].spec.backoffLimit).toBe(0);
  });

  it("sets the Job's environment variables from props, with resources, an API key Secret and a results PVC", () => {
    const resources = { requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } };
    const [, cj] = synth({
      ...base,
      pushgatewayUrl: "http://pg.monitoring.svc:9091",
      resources,
      apiKeySecret: { name: "vllm-api-key", key: "api-key" },
      resultsClaimName: "bench-results",
      overrides: { requestRate: 5, concurrencyLevels: [50, 100], durationSeconds: 60 },
      readyTimeoutSeconds: 120,
    }) as [any, any];
    validate(cj);
    expect(envOf(cj)).toMatchObject({
      PUSHGATEWAY_URL: "http://pg.monitoring.svc:9091",
      REQUEST_RATE: "5",
      CONCURRENCY_LEVELS: "50,100",
      DURATION: "60",
      READY_TIMEOUT: "120",
      VLLM_API_KEY: { secretKeyRef: { name: "vllm-api-key", key: "api-key" } },
    });
    const pod = jobSpecOf(cj).template.spec;
    expect(pod.containers[0].resources).toEqual(resources);
    expect(pod.volumes.find((v: any) => v.name === "results").persistentVolumeClaim.claimName).toBe("bench-results");
  });

  it("bounds a run by its scenarios' durations (plus the wait and the in-flight tail), else three hours", () => {
    const baseline = loadScenarioFile("baseline");
    const timed = baseline.scenarios.reduce((a, s) => a + s.duration! + s.pause_after_s, 0);
    const deadline = runDeadlineSeconds(baseline, 900)!;
    expect(deadline).toBeGreaterThan(900 + timed);
    expect(
      jobSpecOf(synth({ ...base, scenario: { name: "baseline", json: presetText("baseline") } })[1])
        .activeDeadlineSeconds,
    ).toBe(deadline);
    expect(jobSpecOf(synth(base)[1]).activeDeadlineSeconds).toBe(3 * 3600); // smoke caps prompts, not time
    expect(jobSpecOf(synth({ ...base, overrides: { durationSeconds: 30 } })[1]).activeDeadlineSeconds).toBe(
      runDeadlineSeconds(loadScenarioFile("smoke"), 900, 30),
    );
  });

  it("rejects bad props naming the field and the fix", () => {
    const bad = (p: Partial<BenchmarkChartProps>) => () => benchmarkObjects({ ...base, ...p });
    expect(
      bad({ scenario: { name: "mine", json: JSON.stringify({ scenarios: [{ name: "x", max_concurency: 3 }] }) } }),
    ).toThrow(
      /benchmark scenario 'mine'[\s\S]*scenarios\.0\.max_concurency: unknown key; did you mean "max_concurrency"/,
    );
    expect(bad({ scenario: { name: "mine", json: "{" } })).toThrow(/benchmark scenario 'mine': not valid JSON/);
    expect(bad({ schedule: "every day" })).toThrow(/benchmark schedule 'every day': expected a 5-field cron/);
    expect(bad({ endpoint: "vllm:8000" })).toThrow(/benchmark endpoint 'vllm:8000'/);
    expect(bad({ resources: { requests: { cpu: "1" } } })).toThrow(
      /benchmark resources: set limits\.cpu and limits\.memory/,
    );
    expect(bad({ overrides: { concurrencyLevels: [0] } })).toThrow(/overrides\.concurrencyLevels\.0/);
    expect(bad({ overrides: { concurrencyLevels: [] } })).toThrow(/overrides\.concurrencyLevels/);
    expect(bad({ overrides: { requestRate: 2, rampUp: { strategy: "linear", startRps: 1, endRps: 9 } } })).toThrow(
      /benchmark overrides\.rampUp: requestRate and rampUp both set the arrival rate/,
    );
    expect(bad({ overrides: { rampUp: { strategy: "linear", startRps: 0, endRps: 9 } } })).toThrow(
      /benchmark overrides\.rampUp\.startRps: .*>0/,
    );
  });

  it("passes a ramp-up override as the RAMP_UP_* variables the CLI reads", () => {
    const [, cj] = synth({ ...base, overrides: { rampUp: { strategy: "exponential", startRps: 1, endRps: 40 } } }) as [
      any,
      any,
    ];
    validate(cj);
    expect(envOf(cj)).toMatchObject({ RAMP_UP_STRATEGY: "exponential", RAMP_UP_START_RPS: "1", RAMP_UP_END_RPS: "40" });
    expect(envOf(cj).REQUEST_RATE).toBeUndefined();
  });

  it("renders `vllm-bench plan` as a Job against one vLLM pod through a headless Service; schema-valid", () => {
    const objs = synth({ ...base, plan });
    expect(objs.map((o) => o.kind)).toEqual(["ConfigMap", "CronJob", "Service", "Job"]);
    objs.forEach(validate);
    const [, cj, svc, job] = objs as [any, any, any, any];
    // Headless: DNS answers with the pods' addresses, so the planner can pin one (not the ClusterIP).
    expect(svc.spec).toMatchObject({ clusterIP: "None", selector: selectorLabels, ports: [{ port: 8000 }] });
    const c = job.spec.template.spec.containers[0];
    expect(c.args).toEqual([
      "plan",
      "--one-address",
      "--quick",
      "--peak-rps",
      "40",
      "--headroom",
      "0.6",
      "--instance-type",
      "g6.xlarge",
      "--gpus-per-node",
      "1",
      "--tensor-parallel-size",
      "1",
      "--slo",
      "ttft_p95_ms=1000",
    ]);
    expect(envOf(job).MODEL_ENDPOINT).toBe(`http://${svc.metadata.name}.vllm.svc:8000`);
    // Same image, scenario, security context and volumes as the benchmark.
    expect(c.image).toBe(base.image);
    expect(c.securityContext).toEqual(jobSpecOf(cj).template.spec.containers[0].securityContext);
    expect(job.metadata.annotations["pulumi.com/skipAwait"]).toBe("true");
    expect(() => benchmarkObjects({ ...base, plan: { ...plan, slos: { ttft_p95: 1 } } })).toThrow(
      /benchmark plan slos\.ttft_p95: expected a threshold name/,
    );
    expect(() => benchmarkObjects({ ...base, plan: { ...plan, headroom: 0.95 } })).toThrow(
      /benchmark plan headroom 0\.95/,
    );
  });

  it("`npm run synth` renders the plan Job from stack config benchmark.plan, and rejects an unknown SLO naming the key", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-plan-synth-"));
    const stack = (slo: string) => {
      const f = path.join(dir, `Pulumi.${slo}.yaml`);
      fs.writeFileSync(
        f,
        `config:\n  vllm-k8s:cluster:\n    mode: existing\n  vllm-k8s:benchmark:\n    plan:\n      enabled: true\n      peakRequestsPerSecond: 40\n      slos:\n        ${slo}: 800\n`,
      );
      return spawnSync(
        path.join(root, "node_modules/.bin/tsx"),
        ["scripts/synth.ts", "--stack", f, "--out", path.join(dir, slo)],
        { cwd: root, encoding: "utf8" },
      );
    };
    const ok = stack("ttft_p95_ms");
    expect(ok.status, ok.stderr).toBe(0);
    const objs = parseAllDocuments(fs.readFileSync(path.join(dir, "ttft_p95_ms", "40-benchmark.yaml"), "utf8")).map(
      (d) => d.toJS(),
    );
    const job = objs.find((o) => o.kind === "Job" && o.metadata.name === "vllm-bench-plan");
    expect(job.spec.template.spec.containers[0].args).toEqual(
      expect.arrayContaining(["plan", "--one-address", "--peak-rps", "40", "--slo", "ttft_p95_ms=800"]),
    );
    expect(objs.find((o) => o.kind === "Service" && o.metadata.name === "vllm-bench-plan-target").spec.clusterIP).toBe(
      "None",
    );
    const bad = stack("ttft_p95");
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/vllm-k8s:benchmark\.plan\.slos\.ttft_p95: unknown SLO 'ttft_p95'/);
    expect(fs.existsSync(path.join(dir, "ttft_p95"))).toBe(false);
  }, 60_000);

  it("imports neither Pulumi nor infra/", () => {
    for (const f of fs.readdirSync(path.join(root, "charts/benchmark"))) {
      const text = fs.readFileSync(path.join(root, "charts/benchmark", f), "utf8");
      expect(text, f).not.toMatch(/from "(@pulumi\/|[./]*infra\/)/);
    }
  });
});

describe("the Job's contract with the CLI", () => {
  let sim: RunningSimulator;
  let gateway: http.Server;
  const pushes: { method: string; url: string; body: string }[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-job-"));
  beforeAll(async () => {
    sim = await startSimulator({ fixedTtftMs: 10, fixedItlMs: 5 });
    gateway = http.createServer((req, res) => {
      let body = "";
      req
        .on("data", (d) => (body += d))
        .on("end", () => (pushes.push({ method: req.method!, url: req.url!, body }), res.writeHead(200).end()));
    });
    await new Promise<void>((r) => gateway.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((r) => gateway.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the container's env, ConfigMap file and volumes drive `vllm-bench run` to results files and a Pushgateway push", async () => {
    const pg = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    const [cm, cj] = synth({
      ...base,
      pushgatewayUrl: pg,
      overrides: { concurrencyLevels: [8], durationSeconds: 0.5 },
    }) as [any, any];
    const env = envOf(cj) as Record<string, string>;
    // Stand in for the pod: the ConfigMap key at CONFIG_PATH, OUTPUT_DIR on a local directory.
    const local = (p: string) => path.join(dir, p);
    fs.mkdirSync(path.dirname(local(env.CONFIG_PATH)), { recursive: true });
    fs.writeFileSync(local(env.CONFIG_PATH), cm.data["scenario.json"]);
    const jobEnv = {
      ...env,
      MODEL_ENDPOINT: sim.url,
      SERVED_MODEL_NAME: sim.options.model,
      CONFIG_PATH: local(env.CONFIG_PATH),
      OUTPUT_DIR: local(env.OUTPUT_DIR),
    };
    const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
    const child = spawn(
      process.execPath,
      ["--import", tsx, path.join(root, "bench/cli.ts"), ...jobSpecOf(cj).template.spec.containers[0].args],
      {
        cwd: dir,
        env: { PATH: process.env.PATH, ...jobEnv },
        stdio: "pipe",
      },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    expect(code, stderr).toBe(0);
    expect(fs.readdirSync(path.join(local(env.OUTPUT_DIR), "latest"))).toContain("light-c8.results.json");
    const scenarios = pushes.map(
      (p) => p.url.match(/^\/metrics\/job\/vllm-bench\/run_id\/[^/]+\/scenario\/([^/]+)$/)?.[1],
    );
    expect(scenarios).toEqual(["light-c8", "moderate-c8"]);
    expect(pushes[0].body).toMatch(/^vllm_bench_threshold_passed\{threshold="ttft_p95_ms"\} 1$/m);
  });

  it("the plan Job's arguments drive `vllm-bench plan --one-address` to plan.json and a Pushgateway push of the sustainable rate", async () => {
    const pg = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    const objs = synth({ ...base, pushgatewayUrl: pg, plan });
    const [cm, , , job] = objs as [any, any, any, any];
    const env = Object.fromEntries(
      job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]),
    ) as Record<string, string>;
    const local = (p: string) => path.join(dir, "plan", p);
    fs.mkdirSync(path.dirname(local(env.CONFIG_PATH)), { recursive: true });
    fs.writeFileSync(local(env.CONFIG_PATH), cm.data["scenario.json"]);
    // A name with one address stands in for the headless Service; tiny points keep it short.
    const port = new URL(sim.url).port;
    const jobEnv = {
      ...env,
      MODEL_ENDPOINT: `http://localhost:${port}`,
      SERVED_MODEL_NAME: sim.options.model,
      CONFIG_PATH: local(env.CONFIG_PATH),
      OUTPUT_DIR: local(env.OUTPUT_DIR),
    };
    const args = [
      ...job.spec.template.spec.containers[0].args,
      "--point-duration",
      "1.5",
      "--warmup",
      "0.3",
      "--max-points",
      "2",
      "--start-rps",
      "2",
      "--max-rps",
      "4",
    ];
    const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
    const child = spawn(process.execPath, ["--import", tsx, path.join(root, "bench/cli.ts"), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH, ...jobEnv },
      stdio: "pipe",
    });
    let stdout = "",
      stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    expect(code, stderr + stdout).toBe(0);
    expect(stdout).toMatch(/--one-address: localhost has \d+ address\(es\)/);
    const planJson = JSON.parse(fs.readFileSync(local(`${env.OUTPUT_DIR}/latest/plan.json`), "utf8"));
    expect(planJson["autoscaling.targetRequestsPerSecond"]).toBeGreaterThan(0);
    const push = pushes.find((p) => p.url.startsWith("/metrics/job/vllm-bench-plan/"))!;
    expect(push.url).toBe(`/metrics/job/vllm-bench-plan/model_name/${encodeURIComponent(sim.options.model)}`);
    expect(push.body).toMatch(
      new RegExp(`^vllm_bench_plan_sustainable_requests_per_second ${planJson.plan.sustainable_rps}$`, "m"),
    );
  }, 30_000);
});
