import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { GPU_NODE_LABEL, SYSTEM_NODE_LABEL } from "../../charts/node-pools";
import { parseStackConfig } from "../../infra/config-load";
import { gpuClusterArgs, inClusterPushgatewayUrl, nodePlacement, serviceUrl } from "../../infra/mapper";

const root = fileURLToPath(new URL("../..", import.meta.url));
const defaults = parseStackConfig({ cluster: { mode: "existing" } });

/** "`section.key`, default X" in the components' args docs; X is a `literal`, a number, a boolean or none. */
function documentedDefaults(text: string): { key: string; value: string }[] {
  const re = /`([a-zA-Z]+(?:\.[a-zA-Z]+)+)`, default (`[^`]+`|-?\d+(?:\.\d+)?|true|false|none)/g;
  return [...text.matchAll(re)].map((m) => ({ key: m[1], value: m[2].replace(/^`|`$/g, "") }));
}

function matches(actual: unknown, documented: string): boolean {
  if (documented === "none") return actual === undefined || (Array.isArray(actual) && actual.length === 0);
  return typeof actual === "string" ? actual === documented : JSON.stringify(actual) === documented;
}

const get = (obj: unknown, key: string) => key.split(".").reduce<any>((o, k) => o?.[k], obj);

describe("component args name the stack config's defaults", () => {
  const files = [
    "infra/cluster/gpu-cluster.ts",
    "infra/cluster/network.ts",
    "infra/cluster/node-groups.ts",
    "infra/cluster/existing-cluster.ts",
    "infra/workloads/vllm-workloads.ts",
    "infra/images/bench-image.ts",
  ];
  const read = (file: string) => fs.readFileSync(`${root}/${file}`, "utf8");
  const docs = files.flatMap((file) => documentedDefaults(read(file)).map((d) => ({ file, ...d })));

  it("reads the documented defaults", () => {
    expect(docs.length).toBeGreaterThan(25);
    expect(documentedDefaults("`a.b`, default `x`; `a.c`, default 3; `a.d`, default none")).toHaveLength(3);
  });

  it("every documented default is the schema's (a stale comment fails)", () => {
    const wrong = docs
      .filter((d) => !matches(get(defaults, d.key), d.value))
      .map((d) => `${d.file}: ${d.key} is ${JSON.stringify(get(defaults, d.key))}, not ${d.value}`);
    expect(wrong).toEqual([]);
    expect(matches(get(defaults, "network.azCount"), "4")).toBe(false);
  });
});

describe("the mapper", () => {
  it("places pods per mode from one function", () => {
    const gpu = { [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value };
    const system = { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value };
    expect(nodePlacement("eks")).toMatchObject({ system, gpuPods: gpu });
    expect(nodePlacement("existing")).toEqual({ system: {}, gpuPods: {} });
  });

  it("gives GpuCluster plain values from the config", () => {
    const cidrs = ["203.0.113.10/32"];
    const cfg = parseStackConfig({ cluster: { name: "lab", publicAccessCidrs: cidrs }, gpuNodes: { maxSize: 5 } });
    const args = gpuClusterArgs(cfg);
    expect(args).toMatchObject({ clusterName: "lab", endpoint: { publicAccess: true, publicAccessCidrs: cidrs } });
    expect(args.gpuNodes).toEqual({ ...cfg.gpuNodes });
    expect(args.systemNodes).toEqual({ ...cfg.systemNodes });
  });

  it("derives the in-cluster URLs once", () => {
    expect(serviceUrl(defaults)).toBe("http://vllm.vllm.svc:8000");
    expect(inClusterPushgatewayUrl(defaults)).toMatch(/^http:\/\/[a-z-]+\.monitoring\.svc:\d+$/);
    const off = parseStackConfig({ cluster: { mode: "existing" }, addons: { pushgateway: false } });
    expect(inClusterPushgatewayUrl(off)).toBeUndefined();
  });
});
