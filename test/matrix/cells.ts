// The configuration matrix: every feature as a factor with its levels (each a stack config patch),
// all pairs of levels, plus the risky combinations by name. A cell is a stack file's content.
import { ADDONS } from "../../infra/addons/registry";
import { allPairs } from "./pairwise";

type Patch = Record<string, any>;

export interface Cell {
  name: string;
  config: Patch;
  secrets: Record<string, string>;
}

/** A feature and its levels; the first level is the stack default. */
interface Factor {
  name: string;
  levels: Record<string, Patch>;
}

const CIDR = { cluster: { publicAccessCidrs: ["203.0.113.10/32"] } };

const OFF_NEEDS: Record<string, Patch> = {
  keda: { autoscaling: { enabled: false } },
  kubePrometheusStack: { monitoring: { prometheusUrl: "https://prometheus.example.com" } },
};

export const FACTORS: Factor[] = [
  { name: "mode", levels: { eks: {}, existing: { cluster: { mode: "existing" } } } },
  { name: "engine", levels: { vllm: {}, simulator: { serving: { engine: "simulator" } } } },
  { name: "apiKey", levels: { off: {}, on: { serving: { apiKeyEnabled: true } } } },
  { name: "plan", levels: { off: {}, on: { benchmark: { plan: { enabled: true, quick: true } } } } },
  { name: "schedule", levels: { none: {}, nightly: { benchmark: { schedule: "0 3 * * *" } } } },
  {
    name: "shards",
    levels: { one: {}, "two-rwx": { benchmark: { shards: 2, sharedResultsStorageClass: "efs-sc" } } },
  },
  { name: "scenario", levels: { smoke: {}, rehearsal: { benchmark: { scenario: "rehearsal" } } } },
  {
    name: "grafana",
    levels: {
      clusterIP: {},
      loadBalancer: { monitoring: { grafanaServiceType: "LoadBalancer", grafanaAllowedCidrs: ["10.20.0.0/16"] } },
    },
  },
  { name: "ami", levels: { al2023: {}, bottlerocket: { gpuNodes: { amiType: "BOTTLEROCKET_x86_64_NVIDIA" } } } },
  { name: "modelCache", levels: { emptyDir: {}, pvc: { serving: { modelCache: { type: "pvc" } } } } },
  {
    name: "autoscaling",
    levels: {
      "on-1-2": {},
      off: { autoscaling: { enabled: false } },
      "on-1-1": { autoscaling: { maxReplicas: 1 } },
      "on-2-4": { autoscaling: { minReplicas: 2, maxReplicas: 4 }, gpuNodes: { maxSize: 4 } },
      "zero-0-2": {
        autoscaling: {
          minReplicas: 0,
          maxReplicas: 2,
          activeHours: { timezone: "Europe/Paris", start: "0 8 * * 1-5", end: "0 19 * * 1-5" },
        },
      },
    },
  },
  { name: "lora", levels: { none: {}, one: { model: { loraAdapters: [{ name: "sql", path: "org/sql-lora" }] } } } },
  {
    name: "tensorParallel",
    levels: {
      tp1: {},
      tp2: { model: { tensorParallelSize: 2 }, gpuNodes: { instanceTypes: ["g6.12xlarge"], gpusPerNode: 4 } },
    },
  },
  { name: "clients", levels: { none: {}, apps: { serving: { allowedClientNamespaces: ["apps"] } } } },
  {
    name: "addonOff",
    // Each add-on of the registry off in turn, with what the config then asks for: autoscaling
    // needs KEDA; without kube-prometheus-stack the autoscaler needs the user's Prometheus.
    levels: {
      none: {},
      ...Object.fromEntries(
        ADDONS.map((d): [string, Patch] => [d.key, { addons: { [d.key]: false }, ...(OFF_NEEDS[d.key] ?? {}) }]),
      ),
    },
  },
];

const isObject = (v: unknown): v is Patch => typeof v === "object" && v !== null && !Array.isArray(v);

/** Deep merge of config patches (later wins; arrays replace). */
export function merge(...patches: Patch[]): Patch {
  const out: Patch = {};
  for (const p of patches)
    for (const [k, v] of Object.entries(p)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k], v) : v;
  return out;
}

function cell(name: string, ...patches: Patch[]): Cell {
  const config = merge(CIDR, ...patches);
  const secrets: Record<string, string> = config.serving?.apiKeyEnabled ? { vllmApiKey: "mock-vllmApiKey" } : {};
  return { name, config, secrets };
}

/** All pairs of the factors' levels, one cell per row, named by its non-default levels. */
export function pairwiseCells(): Cell[] {
  const names = FACTORS.map((f) => Object.keys(f.levels));
  return allPairs(names.map((n) => n.length)).map((row) => {
    const picked = row.map((level, i) => [FACTORS[i].name, names[i][level]] as const);
    const label = picked.filter(([, l], i) => l !== names[i][0]).map(([f, l]) => `${f}=${l}`);
    return cell(
      `pairs: ${label.join(" ") || "defaults"}`,
      ...row.map((level, i) => FACTORS[i].levels[names[i][level]]),
    );
  });
}

/**
 * The combinations the issue found broken, by name, with what each must do: accepted ones must pass
 * every check (their flows admitted); refused ones must name the key.
 */
export const RISKY: (Cell & { expect: { refusedKey?: string } })[] = [
  { ...cell("default eks"), expect: {} },
  { ...cell("default existing", { cluster: { mode: "existing" }, serving: { engine: "simulator" } }), expect: {} },
  { ...cell("plan on eks", { benchmark: { plan: { enabled: true } } }), expect: {} },
  { ...cell("rehearsal on eks", { benchmark: { scenario: "rehearsal" } }), expect: {} },
  { ...cell("existing with vLLM", { cluster: { mode: "existing" } }), expect: {} },
  {
    ...cell("shards on eks with an RWX class", { benchmark: { shards: 2, sharedResultsStorageClass: "efs-sc" } }),
    expect: {},
  },
  // Our EFS class serves the shards' results volume.
  { ...cell("shards on eks without an RWX class", { benchmark: { shards: 2 } }), expect: {} },
  // One ReadWriteMany claim on our EFS class for every replica (EFS built, the policy pack passes).
  { ...cell("shared cache on eks", { serving: { modelCache: { type: "shared" } } }), expect: {} },
  {
    ...cell("shared cache on existing without a class", {
      cluster: { mode: "existing" },
      serving: { modelCache: { type: "shared" } },
    }),
    expect: { refusedKey: "serving.modelCache.type" },
  },
  {
    ...cell("shared cache on existing with an RWX class", {
      cluster: { mode: "existing" },
      serving: { modelCache: { type: "shared", storageClassName: "nfs-client" } },
    }),
    expect: {},
  },
  {
    ...cell("shards 1 with a storage class", { benchmark: { sharedResultsStorageClass: "efs-sc" } }),
    expect: { refusedKey: "benchmark.sharedResultsStorageClass" },
  },
  {
    ...cell("plan without the benchmark", { benchmark: { enabled: false, plan: { enabled: true } } }),
    expect: { refusedKey: "benchmark.plan.enabled" },
  },
  {
    ...cell("plan success_rate 5", { benchmark: { plan: { enabled: true, slos: { success_rate: 5 } } } }),
    expect: { refusedKey: "benchmark.plan.slos.success_rate" },
  },
  {
    ...cell("pvc cache with two replicas", { serving: { modelCache: { type: "pvc" } } }),
    expect: { refusedKey: "serving.modelCache.type" },
  },
  // Without kube-prometheus-stack nothing answers at kps-prometheus: the autoscaler needs the user's Prometheus.
  {
    ...cell("kube-prometheus-stack off without a Prometheus", { addons: { kubePrometheusStack: false } }),
    expect: { refusedKey: "monitoring.prometheusUrl" },
  },
  {
    ...cell("kube-prometheus-stack off, an external Prometheus, from zero, rehearsal", {
      addons: { kubePrometheusStack: false },
      monitoring: { prometheusUrl: "https://prometheus.example.com" },
      autoscaling: {
        minReplicas: 0,
        activeHours: { timezone: "Europe/Paris", start: "0 8 * * 1-5", end: "0 19 * * 1-5" },
      },
      benchmark: { scenario: "rehearsal" },
    }),
    expect: {},
  },
  {
    ...cell("pvc cache with one replica", {
      serving: { modelCache: { type: "pvc" } },
      autoscaling: { maxReplicas: 1 },
    }),
    expect: {},
  },
];
