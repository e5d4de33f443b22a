// Random mutations of valid stack files for the property suites (fast-check): what users do to a
// working Pulumi.<stack>.yaml — change a value to anything, drop or misspell a key, misspell the
// namespace, add a key, or mistype a character anywhere in the text — and the verdict every CLI
// reaches on the result: accepted with a config, or refused in lines that name a key or the file.
import fc from "fast-check";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { ConfigError, parseStackConfig } from "../../infra/config-load";
import { readStackFileConfig, UsageError } from "../../infra/config-file";
import type { StackConfig } from "../../infra/config";

const root = path.resolve(import.meta.dirname, "../..");

/** A stack that sets a value in most sections, so mutations reach most keys. */
const RICH = {
  "vllm-k8s:cluster": {
    mode: "eks",
    name: "vllm",
    region: "eu-west-1",
    kubernetesVersion: "1.34",
    publicAccessCidrs: ["203.0.113.10/32", "198.51.100.0/24"],
    adminRoleArns: ["arn:aws:iam::123456789012:role/admin"],
  },
  "vllm-k8s:network": { vpcCidr: "10.20.0.0/16", azCount: 3, natGateways: "onePerAz" },
  "vllm-k8s:systemNodes": {
    instanceTypes: ["m6i.large", "m7i.large"],
    minSize: 2,
    desiredSize: 2,
    maxSize: 3,
    diskSizeGiB: 60,
  },
  "vllm-k8s:gpuNodes": {
    instanceTypes: ["g6.12xlarge", "g5.12xlarge"],
    gpusPerNode: 4,
    minSize: 0,
    desiredSize: 0,
    maxSize: 2,
    diskSizeGiB: 300,
    capacityType: "SPOT",
  },
  "vllm-k8s:model": {
    id: "Qwen/Qwen2.5-7B-Instruct",
    servedName: "qwen",
    tensorParallelSize: 2,
    maxModelLen: 16384,
    maxNumSeqs: 128,
    loraAdapters: [{ name: "sql", path: "org/sql-lora" }],
  },
  "vllm-k8s:serving": {
    namespace: "llm",
    replicas: 1,
    apiKeyEnabled: true,
    modelCache: { type: "emptyDir", sizeGiB: 200 },
    allowedClientNamespaces: ["apps"],
  },
  "vllm-k8s:autoscaling": { enabled: true, minReplicas: 1, maxReplicas: 4, targetRequestsPerSecond: 3 },
  "vllm-k8s:monitoring": {
    namespace: "observability",
    prometheusRetention: "30d",
    prometheusStorageGiB: 100,
    alerts: { ttftP95Seconds: 2, gpuMemoryUsageRatio: 0.97 },
  },
  "vllm-k8s:benchmark": {
    scenario: "baseline",
    schedule: "0 3 * * 1-5",
    overrides: { concurrencyLevels: [10, 50], durationSeconds: 120 },
  },
  "vllm-k8s:vllmApiKey": { secure: "AAABAMockCiphertext" },
  "aws:region": "eu-west-1",
};

function fileConfig(file: string): Record<string, unknown> {
  return parse(fs.readFileSync(path.join(root, file), "utf8")).config;
}

/** The valid stack files mutations start from: the two shipped examples and a rich one. */
export const baseStacks: Record<string, Record<string, unknown>> = {
  eks: fileConfig("Pulumi.eks.yaml"),
  existing: fileConfig("Pulumi.existing.yaml"),
  rich: RICH,
};

type Path = (string | number)[];

/** Every key and array element below the top level (our sections included), as paths. */
function paths(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...at, i], ...paths(v, [...at, i])]);
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => [[...at, k], ...paths(v, [...at, k])]);
  return [];
}

// Values users type, and values nobody should: each kind the schema must sort into accept or refuse.
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "0",
    "-1",
    "true",
    "yes",
    "null",
    "1e9",
    "0.0.0.0/0",
    "10.0.0.0/8",
    "10.0.5.7/20",
    "256.1.1.1/32",
    "kube-system",
    "default",
    "us-west-9",
    "g6.xlarg",
    "@hourly",
    "@every 1h",
    "* * * * *",
    "99 99 99 99 99",
    "0 0 3 * * *",
    "ftp://x",
    "https://example.com/r",
    "Qwen/Qwen2.5-1.5B-Instruct",
    "${HOME}",
    "../../etc/passwd",
    "🙂",
  ),
  fc.constantFrom(
    0,
    -1,
    1,
    2,
    3,
    8,
    0.5,
    0.99,
    1.5,
    63,
    64,
    1e9,
    -1e9,
    Number.MAX_SAFE_INTEGER,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.integer({ min: -100_000, max: 100_000 }),
  fc.double({ noNaN: false }),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()), {
    maxKeys: 2,
  }),
);

/** A one-character slip: drop, double, swap or replace a character. */
const typo = (word: string) =>
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom("drop", "double", "swap", "replace"),
      fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz-_:.0123456789 "),
    )
    .map(([n, how, ch]) => {
      const i = word.length ? n % word.length : 0;
      if (how === "drop") return word.slice(0, i) + word.slice(i + 1);
      if (how === "double") return word.slice(0, i) + word[i] + word.slice(i);
      if (how === "swap") return word.slice(0, i) + (word[i + 1] ?? "") + (word[i] ?? "") + word.slice(i + 2);
      return word.slice(0, i) + ch + word.slice(i + 1);
    });

export type Mutation =
  | { op: "set"; pick: number; value: unknown }
  | { op: "nudge"; pick: number; by: number }
  | { op: "delete"; pick: number }
  | { op: "rename"; pick: number; seed: number }
  | { op: "add"; pick: number; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant("set" as const), pick: fc.nat(), value: anyValue }), weight: 4 },
  {
    arbitrary: fc.record({ op: fc.constant("nudge" as const), pick: fc.nat(), by: fc.constantFrom(-1, 1, 2, 0.5) }),
    weight: 4,
  },
  { arbitrary: fc.record({ op: fc.constant("delete" as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("rename" as const), pick: fc.nat(), seed: fc.nat() }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant("add" as const),
      pick: fc.nat(),
      key: fc.string({ minLength: 1, maxLength: 12 }),
      value: anyValue,
    }),
    weight: 1,
  },
);

function parentOf(doc: unknown, p: Path): any {
  return p.slice(0, -1).reduce((o: any, k) => o?.[k], doc);
}

/** Apply mutations to a copy of a stack's `config:` map. Renames use a deterministic typo from the seed. */
export function mutate(config: Record<string, unknown>, muts: Mutation[]): Record<string, unknown> {
  const doc = structuredClone(config);
  for (const m of muts) {
    const all = paths(doc);
    if (!all.length) break;
    const p = all[m.pick % all.length];
    const parent = parentOf(doc, p);
    const last = p[p.length - 1];
    if (parent === null || typeof parent !== "object") continue;
    if (m.op === "set") parent[last] = m.value;
    else if (m.op === "nudge") {
      // Small edits that often stay valid: a number moved, a flag flipped, a list shortened.
      const v = parent[last];
      if (typeof v === "number") parent[last] = m.by === 0.5 || m.by === 2 ? v * m.by : v + m.by;
      else if (typeof v === "boolean") parent[last] = !v;
      else if (Array.isArray(v) && v.length > 1) v.pop();
    } else if (m.op === "delete") {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else if (m.op === "add") {
      const target = parent[last];
      if (target && typeof target === "object" && !Array.isArray(target)) target[m.key] = m.value;
      else parent[m.key] = m.value;
    } else if (m.op === "rename" && typeof last === "string") {
      const renamed = fc.sample(typo(last), { numRuns: 1, seed: m.seed })[0];
      if (renamed !== last && !(renamed in parent)) {
        parent[renamed] = parent[last];
        delete parent[last];
      }
    }
  }
  return doc;
}

/** A mutated stack file's text: a base, up to three structural mutations, maybe one text slip. */
export const mutatedStackText: fc.Arbitrary<{ base: string; muts: Mutation[]; slip?: [number, string]; text: string }> =
  fc
    .record({
      base: fc.constantFrom(...Object.keys(baseStacks)),
      muts: fc.array(mutation, { minLength: 1, maxLength: 3 }),
      // A text slip in one file of three.
      slip: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 2 },
        {
          arbitrary: fc.tuple(
            fc.nat(),
            fc.constantFrom("", " ", "\t", ":", "-", "[", "]", "{", "#", "'", '"', "\n", "*", "&", "!", "%", "@", "`"),
          ),
          weight: 1,
        },
      ),
    })
    .map(({ base, muts, slip }) => {
      let text = stringify({ config: mutate(baseStacks[base], muts) });
      if (slip) {
        const i = slip[0] % (text.length + 1);
        text = text.slice(0, i) + slip[1] + text.slice(i + 1);
      }
      return { base, muts, slip, text };
    });

export type Verdict = { accepted: StackConfig } | { refused: string };

/**
 * What `npm run policy`/`graph`/`synth` decide about a stack file before building anything.
 * Throws on anything but acceptance or a clean refusal: a crash is a bug the property reports.
 */
export function verdict(file: string): Verdict {
  try {
    const { raw, secrets } = readStackFileConfig(file);
    return { accepted: parseStackConfig(raw, [...secrets.keys()]) };
  } catch (e) {
    if (e instanceof UsageError) {
      if (!e.message.startsWith(`${file}`) || e.message.includes("\n"))
        throw new Error(`file error not one line naming the file: ${e.message}`, { cause: e });
      return { refused: e.message };
    }
    if (e instanceof ConfigError) {
      const [head, ...lines] = e.message.split("\n");
      if (!/^Invalid stack config \(\d+ problems?\):$/.test(head) || !lines.length)
        throw new Error(`bad ConfigError shape: ${e.message}`, { cause: e });
      for (const l of lines)
        if (!/^ {2}- \S[^:]*:.*: \S/.test(l))
          throw new Error(`a refusal line that names no key: ${JSON.stringify(l)}`, { cause: e });
      return { refused: e.message };
    }
    throw e;
  }
}
