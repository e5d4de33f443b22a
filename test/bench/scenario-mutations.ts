// Random mutations of a valid scenario file, for the property tests (scenario-inputs.test.ts,
// scenario-mutants.slow.test.ts).
import fc from "fast-check";

// A valid file in the users' layout, with a ramp, goodput and every kind of threshold.
export const VALID = {
  name: "plan",
  version: "1",
  description: "d",
  defaults: {
    backend: "openai-chat",
    endpoint_path: "/v1/chat/completions",
    dataset_type: "random",
    percentile_metrics: "ttft,tpot,itl,e2el",
    metric_percentiles: "50,90,95,99",
    goodput: { ttft: 200, e2el: 5000 },
  },
  scenarios: [
    {
      name: "c4",
      description: "x",
      max_concurrency: 4,
      num_prompts: 8,
      random_input_len: 16,
      random_output_len: 4,
      request_rate: 10,
      burstiness: 1,
      num_warmups: 1,
      pause_after_s: 0,
    },
    {
      name: "ramp",
      num_prompts: 8,
      random_input_len: 16,
      random_output_len: 4,
      random_range_ratio: 0.5,
      random_prefix_len: 4,
      ramp_up_strategy: "linear",
      ramp_up_start_rps: 1,
      ramp_up_end_rps: 5,
      duration: 2,
    },
  ],
  thresholds: {
    ttft_p95_ms: 2000,
    tpot_mean_ms: 100,
    e2el_median_ms: 5000,
    throughput_min: 1,
    request_throughput_min: 0.1,
    output_rate_per_request_min: 1,
    success_rate: 0.9,
  },
};

type Key = string | number;
function paths(v: unknown, at: Key[] = []): Key[][] {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...at, i], ...paths(x, [...at, i])]);
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => [[...at, k], ...paths(x, [...at, k])]);
  return [];
}
const ALL = paths(VALID);

export type Mutation = { path: Key[]; op: "delete" | "replace" | "add" | "rename"; value: unknown; key: string };
export function mutate(m: Mutation): unknown {
  const doc = structuredClone(VALID) as any;
  const parent = m.path.slice(0, -1).reduce((o, k) => o[k], doc);
  const last = m.path[m.path.length - 1];
  if (m.op === "delete") {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (m.op === "replace") parent[last] = m.value;
  else if (m.op === "add") {
    const target = parent[last];
    if (target && typeof target === "object" && !Array.isArray(target)) target[m.key] = m.value;
    else parent[last] = { [m.key]: m.value };
  } else if (!Array.isArray(parent)) {
    parent[m.key] = parent[last];
    if (m.key !== last) delete parent[last];
  }
  return doc;
}

export const mutation = fc.record({
  path: fc.constantFrom(...ALL),
  op: fc.constantFrom<Mutation["op"]>("delete", "replace", "add", "rename"),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(0, -1, 0.5, 1e9, "inf", "", "x/../y", null, true, [], {}),
  ),
  key: fc.oneof(
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.constantFrom("threshold", "max_concurency", "Name", "ttft", "itl", "__proto__x"),
  ),
});
