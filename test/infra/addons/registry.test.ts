import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ADDONS } from "../../../infra/addons/registry";
import { CHARTS } from "../../../infra/addons/versions";
import type { AddonSettings } from "../../../infra/addons";
import { parseStackConfig } from "../../../infra/config-load";
import type { StackConfig } from "../../../infra/config";
import { addonSettings } from "../../../infra/mapper/addons";
import { policyAllowances } from "../../../infra/mapper";
import { contextFor } from "../../../policy/context";
import { walk } from "../../../policy/graph";
import { GPU_DAEMONSET_ALLOWLIST } from "../../../policy/rules/gpu";
import { gpuPlacementsIn } from "../../../policy/scheduling";
import { registryProblems } from "./registry-checks";

// The registry is the one list of add-ons: the config toggles and the policy allow-lists must
// agree with it. policy/ may not import infra/, so its lists are checked here instead.
const eksConfig = parseStackConfig({
  cluster: { mode: "eks", publicAccessCidrs: ["203.0.113.10/32"] },
  monitoring: { grafanaServiceType: "LoadBalancer", grafanaAllowedCidrs: ["10.0.0.0/8"] },
});
const existingConfig = parseStackConfig({ cluster: { mode: "existing" } });
const cluster = { clusterName: "vllm", autoscalerRoleArn: "arn:aws:iam::123456789012:role/x", ready: [] };
const settingsOf = (config: StackConfig): AddonSettings => addonSettings(config, { cluster });

/** Releases whose values put something on the GPU nodes (tolerate the taint or select the label). */
const onGpuNodes = (s: AddonSettings): string[] =>
  ADDONS.filter((d) => gpuPlacementsIn(d.values(s, true)).length > 0).map((d) => d.chart.chart);

/** `release/<name>` of every add-on whose values ask for a LoadBalancer Service. */
function loadBalancers(s: AddonSettings): string[] {
  return ADDONS.filter((d) => {
    let lb = false;
    walk(d.values(s, true), (_, key, value) => (lb ||= key === "type" && value === "LoadBalancer"));
    return lb;
  }).map((d) => `release/${d.release}`);
}

describe("the add-on registry", () => {
  it("its keys are exactly the config's `addons.*` toggles", () => {
    expect(Object.keys(existingConfig.addons).sort()).toEqual(ADDONS.map((d) => d.key).sort());
  });

  it("uses every chart pinned in versions.ts, each once", () => {
    expect(ADDONS.map((d) => d.chart)).toEqual(expect.arrayContaining(Object.values(CHARTS)));
    expect(ADDONS).toHaveLength(Object.keys(CHARTS).length);
  });

  it("no add-on module sees the stack config: they read the narrow settings only", () => {
    const dir = new URL("../../../infra/addons/", import.meta.url);
    const files = fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    expect(files).toContain("registry.ts");
    expect(files.filter((f) => /\bStackConfig\b/.test(fs.readFileSync(new URL(f, dir), "utf8")))).toEqual([]);
  });

  it("passes the registry checks: unique keys and releases, install order, described toggles, Prometheus reaches every ServiceMonitor add-on", () => {
    for (const config of [eksConfig, existingConfig]) expect(registryProblems(ADDONS, settingsOf(config))).toEqual([]);
  });

  it("a toggle without a default is decided by the rest of the config (resolveDefaults), on in one stack and off in another", () => {
    const bottlerocket = parseStackConfig({
      cluster: { mode: "existing" },
      gpuNodes: { amiType: "BOTTLEROCKET_x86_64_NVIDIA" },
    });
    const undecided = ADDONS.filter((d) => d.toggle.default === undefined).map((d) => d.key);
    expect(undecided.length).toBeGreaterThan(0);
    for (const key of undecided)
      expect(new Set([eksConfig, existingConfig, bottlerocket].map((c) => c.addons[key])), key).toEqual(
        new Set([true, false]),
      );
  });
});

/** Packages whose values (not types) the module at `entry` loads, following our own modules. */
function packagesLoaded(entry: string, read: (file: string) => string, exists: (file: string) => boolean): string[] {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = read(file);
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gms)) {
      const spec = m[1];
      if (!spec.startsWith(".")) packages.add(spec);
      else {
        const target = path.posix.join(path.posix.dirname(file), spec);
        visit(exists(`${target}.ts`) ? `${target}.ts` : `${target}/index.ts`);
      }
    }
  };
  visit(entry);
  return [...packages];
}

describe("the registry is cheap to import (the config schema reads it)", () => {
  const repo = (f: string) => new URL(`../../../${f}`, import.meta.url);
  const read = (f: string) => fs.readFileSync(repo(f), "utf8");
  const exists = (f: string) => fs.existsSync(repo(f));
  const heavy = (pkgs: string[]) => pkgs.filter((p) => p.startsWith("@pulumi/") || p.startsWith("cdk8s"));

  it("no module it loads imports a Pulumi or cdk8s value (descriptors make objects through their context)", () => {
    expect(heavy(packagesLoaded("infra/addons/registry.ts", read, exists))).toEqual([]);
  });

  it("the check sees a value import two modules down (through a folder's index), and ignores type imports", () => {
    const files: Record<string, string> = {
      "a.ts": 'import type * as pulumi from "@pulumi/pulumi";\nimport { b } from "./b";',
      "b/index.ts": 'import {\n  ConfigMap,\n} from "@pulumi/kubernetes";',
    };
    expect(
      heavy(
        packagesLoaded(
          "a.ts",
          (f) => files[f],
          (f) => f in files,
        ),
      ),
    ).toEqual(["@pulumi/kubernetes"]);
  });
});

describe("policy allow-lists follow the registry", () => {
  it("GPU_DAEMONSET_ALLOWLIST (policy/rules/gpu.ts) is exactly the add-ons whose values reach the GPU nodes", () => {
    for (const config of [eksConfig, existingConfig])
      expect(onGpuNodes(settingsOf(config)).sort()).toEqual([...GPU_DAEMONSET_ALLOWLIST].sort());
  });

  it("the LoadBalancer allowance (policy/context.ts) is exactly the add-ons whose values ask for one", () => {
    expect(loadBalancers(settingsOf(eksConfig))).toEqual(["release/kube-prometheus-stack"]);
    for (const config of [eksConfig, existingConfig])
      expect(contextFor(policyAllowances(config)).allowLoadBalancers).toEqual(loadBalancers(settingsOf(config)));
  });
});
