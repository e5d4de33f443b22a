import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { createInterface } from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rules } from "../../policy/rules";

// The pack as `pulumi preview --policy-pack policy` runs it: Pulumi's own node policy harness
// (@pulumi/pulumi/cmd/run-policy-pack) in policy/, on Node 22, serving the analyzer gRPC API the
// engine calls. No Pulumi CLI here, so the test plays the engine's part.
const root = path.resolve(import.meta.dirname, "../..");
const node22 = process.execPath;
const harness = path.join(root, "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js");
const load = (m: string) => import(m);

let child: ChildProcess;
let client: any;
let pb: any;
let Struct: any;
let Empty: any;

beforeAll(async () => {
  const rpc = await load("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
  pb = await load("@pulumi/pulumi/proto/analyzer_pb.js");
  Struct = (await load("google-protobuf/google/protobuf/struct_pb.js")).Struct;
  Empty = (await load("google-protobuf/google/protobuf/empty_pb.js")).Empty;
  child = spawn(node22, [harness, "127.0.0.1:1", "."], {
    cwd: path.join(root, "policy"),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  // The analyzer's first stdout line is its port.
  const port = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`policy harness exited ${code}: ${stderr}`)));
  });
  expect(port).toMatch(/^\d+$/);
  client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterAll(() => {
  client?.close();
  child?.kill();
});

const call = <T>(method: string, req: unknown) =>
  new Promise<T>((resolve, reject) =>
    client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))),
  );

describe("policy pack under Pulumi's policy harness", () => {
  it("serves every rule as a policy", async () => {
    const info: any = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("vllm-k8s");
    const served = info.getPoliciesList().map((p: any) => p.getName());
    expect(served).toEqual(rules.map((r) => r.id));
  });

  it("reports a violation for a resource the engine sends", async () => {
    const req = new pb.AnalyzeRequest();
    req.setType("eks:index:Cluster");
    req.setName("vllm");
    req.setUrn("urn:pulumi:eks::vllm-k8s::eks:index:Cluster::vllm");
    req.setOptions(new pb.AnalyzerResourceOptions());
    req.setProperties(
      Struct.fromJavaScript({
        name: "vllm",
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
        publicAccessCidrs: ["0.0.0.0/0"],
        encryptionConfigKeyArn: "arn:aws:kms:us-west-2:123456789012:key/abc",
        authenticationMode: "API",
        enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      }),
    );
    const res: any = await call("analyze", req);
    const diags = res.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), message: d.getMessage() }));
    expect(diags).toEqual([
      {
        policy: "api-endpoint-restricted",
        message: expect.stringContaining("EKS cluster vllm exposes its public API endpoint"),
      },
    ]);
  });

  it("runs the stack-level policies on the stack the engine sends (ConfigGroup children)", async () => {
    const labels = { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "vllm" };
    const container = {
      name: "vllm",
      image: "vllm/vllm-openai:v0.18.0",
      ports: [{ name: "http", containerPort: 8000 }],
      startupProbe: {},
      readinessProbe: {},
      livenessProbe: {},
      resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } },
    };
    const objects = [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "vllm", namespace: "vllm" },
        spec: {
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [container] } },
        },
      },
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "vllm", namespace: "vllm", labels },
        spec: { selector: labels, ports: [{ name: "http", port: 8000 }] },
      },
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: "vllm", namespace: "vllm" },
        spec: { selector: { matchLabels: labels }, endpoints: [{ port: "http" }] },
      },
    ];
    const resources = objects.map((o) => {
      const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["core", o.apiVersion];
      const r = new pb.AnalyzerResource();
      r.setType(`kubernetes:${group}/${version}:${o.kind}`);
      r.setName(`vllm/${o.metadata.name}`);
      r.setUrn(`urn:pulumi:eks::vllm-k8s::kubernetes:${group}/${version}:${o.kind}::vllm/${o.metadata.name}`);
      r.setOptions(new pb.AnalyzerResourceOptions());
      r.setProperties(Struct.fromJavaScript(o));
      return r;
    });
    const req = new pb.AnalyzeStackRequest();
    req.setResourcesList(resources);
    const res: any = await call("analyzeStack", req);
    const diags = res
      .getDiagnosticsList()
      .map((d: any) => ({ policy: d.getPolicyname(), urn: d.getUrn(), message: d.getMessage() }));
    // No PDB and no HPA (expected by default): exactly those two stack rules fire, on the Deployment.
    expect(diags.map((d: any) => d.policy).sort()).toEqual(["vllm-hpa-behavior", "vllm-pdb"]);
    for (const d of diags) {
      expect(d.urn).toBe("urn:pulumi:eks::vllm-k8s::kubernetes:apps/v1:Deployment::vllm/vllm");
      expect(d.message).toMatch(/\nDeployment vllm\/vllm has no (PodDisruptionBudget|HorizontalPodAutoscaler)/);
    }
  });
});
