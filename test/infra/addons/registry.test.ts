import * as fs from "node:fs";
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
import { targetsGpuNodes, toleratesGpuTaint } from "../../../policy/scheduling";

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
function onGpuNodes(s: AddonSettings): string[] {
  return ADDONS.filter((d) => {
    let gpu = false;
    walk(d.values(s, true), (_, key, value, parent) => {
      if (key === "tolerations" && toleratesGpuTaint(value)) gpu = true;
      if (key === "nodeSelector" && parent && targetsGpuNodes({ nodeSelector: value })) gpu = true;
    });
    return gpu;
  }).map((d) => d.chart.chart);
}

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

  it("keys and release names are unique", () => {
    expect(new Set(ADDONS.map((d) => d.key)).size).toBe(ADDONS.length);
    expect(new Set(ADDONS.map((d) => d.release)).size).toBe(ADDONS.length);
  });

  it("lists each add-on after those it waits for (install order)", () => {
    const operators = ADDONS.filter((d) => d.operator).map((d) => d.key);
    expect(operators).toEqual(["kubePrometheusStack"]);
    ADDONS.forEach((d, i) => {
      const earlier = ADDONS.slice(0, i).map((x) => x.key);
      for (const k of [...(d.after ?? []), ...(d.serviceMonitor ? operators : [])])
        expect(earlier, `${d.key} waits for ${k}`).toContain(k);
    });
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
