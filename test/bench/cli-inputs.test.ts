// Broken inputs to run, plan, merge and synth as users produce them (flags, env values, shard
// files, output folders, stack files), each refused before anything is sent or written, in one
// line naming the flag, env variable, file or field. In-process over the parsing and checking
// functions; cli-inputs.slow.test.ts spawns the real CLI for a representative dozen (exit 2).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseRunArgs } from "../../bench/client/cli";
import type { RequestRecord } from "../../bench/client/request";
import { checkContextLength } from "../../bench/client/run";
import { aggregate } from "../../bench/client/stats";
import { parseScenarioFile } from "../../bench/contract";
import { fileBarrier, type ShardEnv } from "../../bench/fleet/shard";
import { mergeShards, readShardFile, type ShardFile } from "../../bench/fleet/merge";
import { parsePlanArgs } from "../../bench/plan/cli";
import { QUICK, tradedAway } from "../../bench/plan/modes";
import { readStackFileConfig } from "../../infra/config-file";
import { claimOutDir } from "../../scripts/synth";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-cli-inputs-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Case = [label: string, argv: string[], env: Record<string, string>, message: RegExp];

/** One line, naming what is wrong, and no stack frames. */
function refused(f: () => unknown, message: RegExp): string {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, "accepted").toBeInstanceOf(Error);
  const msg = (err as Error).message;
  expect(msg).toMatch(message);
  expect(msg.split("\n"), msg).toHaveLength(1);
  expect(msg).not.toMatch(/\n\s+at /);
  return msg;
}

const RUN: Case[] = [
  ["an empty --base-url", ["--base-url", ""], {}, /^--base-url: empty; /],
  ["a blank --base-url", ["--base-url", "  "], {}, /^--base-url: empty; /],
  ["an empty MODEL_ENDPOINT (an unset CI secret)", [], { MODEL_ENDPOINT: "" }, /^env MODEL_ENDPOINT: empty; /],
  ["a blank MODEL_ENDPOINT", [], { MODEL_ENDPOINT: " " }, /^env MODEL_ENDPOINT: empty; /],
  ["a --base-url without a scheme", ["--base-url", "localhost:8000"], {}, /^--base-url: .* http/],
  ["a --base-url that is no URL", ["--base-url", "vllm service"], {}, /^--base-url: .* not a URL/],
  ["an ftp --base-url", ["--base-url", "ftp://vllm:21"], {}, /^--base-url: .* http/],
  ["a MODEL_ENDPOINT without a scheme", [], { MODEL_ENDPOINT: "vllm.vllm.svc:8000" }, /^env MODEL_ENDPOINT: /],
  ["an unknown --backend", ["--backend", "vllm"], {}, /^--backend: /],
  ["an empty --backend", ["--backend", ""], {}, /^--backend: /],
  ["an --endpoint that is not a path", ["--endpoint", "v1/completions"], {}, /^--endpoint: /],
  ["--request-rate 0", ["--request-rate", "0"], {}, /^--request-rate: /],
  ["--request-rate -1", ["--request-rate", "-1"], {}, /^--request-rate: /],
  ["--request-rate fast", ["--request-rate", "fast"], {}, /^--request-rate: /],
  ["--request-rate Infinity", ["--request-rate", "Infinity"], {}, /^--request-rate: /],
  ["REQUEST_RATE=fast", [], { REQUEST_RATE: "fast" }, /^--request-rate: /],
  [
    "an unknown --ramp-up-strategy",
    ["--ramp-up-strategy", "cubic", "--ramp-up-start-rps", "1", "--ramp-up-end-rps", "2"],
    {},
    /^--ramp-up-strategy: /,
  ],
  [
    "a ramp without its start",
    ["--ramp-up-strategy", "linear", "--ramp-up-end-rps", "2"],
    {},
    /^--ramp-up-start-rps: missing/,
  ],
  [
    "a ramp without its end",
    ["--ramp-up-strategy", "linear", "--ramp-up-start-rps", "1"],
    {},
    /^--ramp-up-end-rps: missing/,
  ],
  ["a ramp without its strategy", ["--ramp-up-start-rps", "1", "--ramp-up-end-rps", "2"], {}, /^--ramp-up-strategy: /],
  [
    "a ramp start of 0",
    ["--ramp-up-strategy", "linear", "--ramp-up-start-rps", "0", "--ramp-up-end-rps", "2"],
    {},
    /^--ramp-up-start-rps: /,
  ],
  [
    "RAMP_UP_STRATEGY=up",
    [],
    { RAMP_UP_STRATEGY: "up", RAMP_UP_START_RPS: "1", RAMP_UP_END_RPS: "2" },
    /^--ramp-up-strategy: /,
  ],
  [
    "a rate and a ramp",
    ["--request-rate", "2", "--ramp-up-strategy", "linear", "--ramp-up-start-rps", "1", "--ramp-up-end-rps", "2"],
    {},
    /^--request-rate and --ramp-up-strategy/,
  ],
  ["--concurrency-levels 0", ["--concurrency-levels", "0"], {}, /^--concurrency-levels: /],
  ["--concurrency-levels 10,x", ["--concurrency-levels", "10,x"], {}, /^--concurrency-levels: /],
  ["--concurrency-levels 1.5", ["--concurrency-levels", "1.5"], {}, /^--concurrency-levels: /],
  ["--concurrency-levels 10,,20", ["--concurrency-levels", "10,,20"], {}, /^--concurrency-levels: /],
  ["--concurrency-levels 200000", ["--concurrency-levels", "200000"], {}, /^--concurrency-levels: /],
  ["CONCURRENCY_LEVELS=ten", [], { CONCURRENCY_LEVELS: "ten" }, /^--concurrency-levels: /],
  ["--duration 0", ["--duration", "0"], {}, /^--duration: /],
  ["--duration -3", ["--duration", "-3"], {}, /^--duration: /],
  ["--duration 1h", ["--duration", "1h"], {}, /^--duration: /],
  ["a --duration past the timer limit", ["--duration", "3000000"], {}, /^--duration: .* to 2147483/],
  ["DURATION=forever", [], { DURATION: "forever" }, /^--duration: /],
  ["--seed -1", ["--seed", "-1"], {}, /^--seed: /],
  ["--seed 1.5", ["--seed", "1.5"], {}, /^--seed: /],
  ["--seed x", ["--seed", "x"], {}, /^--seed: /],
  ["--timeout-ms 0", ["--timeout-ms", "0"], {}, /^--timeout-ms: /],
  ["a --timeout-ms past the timer limit", ["--timeout-ms", "3000000000"], {}, /^--timeout-ms: .* to 2147483647/],
  ["--timeout-ms 10s", ["--timeout-ms", "10s"], {}, /^--timeout-ms: /],
  ["--ready-timeout -1", ["--ready-timeout", "-1"], {}, /^--ready-timeout: /],
  ["a --ready-timeout past the timer limit", ["--ready-timeout", "1e10"], {}, /^--ready-timeout: /],
  ["READY_TIMEOUT=soon", [], { READY_TIMEOUT: "soon" }, /^--ready-timeout: /],
  ["--stop-grace 0", ["--stop-grace", "0"], {}, /^--stop-grace: /],
  [
    "--stop-grace of 25 days (setTimeout would fire at once)",
    ["--stop-grace", "2160000"],
    {},
    /^--stop-grace: .* to 2147483/,
  ],
  ["--stop-grace 1e10", ["--stop-grace", "1e10"], {}, /^--stop-grace: /],
  ["STOP_GRACE_SECONDS=30d", [], { STOP_GRACE_SECONDS: "30d" }, /^--stop-grace: /],
  ["--workers 0", ["--workers", "0"], {}, /^--workers: /],
  ["--workers 1.5", ["--workers", "1.5"], {}, /^--workers: /],
  ["--workers 300", ["--workers", "300"], {}, /^--workers: /],
  ["--workers two", ["--workers", "two"], {}, /^--workers: /],
  ["BENCH_WORKERS=many", [], { BENCH_WORKERS: "many" }, /^--workers: /],
  [
    "--workers with BENCH_SHARDS",
    ["--workers", "2"],
    { BENCH_SHARDS: "4" },
    /^--workers: 2 workers and env BENCH_SHARDS=4/,
  ],
  [
    "BENCH_WORKERS with BENCH_SHARDS",
    [],
    { BENCH_WORKERS: "3", BENCH_SHARDS: "2" },
    /^--workers: 3 workers and env BENCH_SHARDS/,
  ],
  ["a --pushgateway-url without a scheme", ["--pushgateway-url", "pushgateway:9091"], {}, /^--pushgateway-url: /],
  ["PUSHGATEWAY_URL=pushgateway", [], { PUSHGATEWAY_URL: "pushgateway" }, /^--pushgateway-url: /],
  ["a --prometheus-url without a scheme", ["--prometheus-url", "prometheus:9090"], {}, /^--prometheus-url: /],
  ["an empty --config", ["--config", ""], {}, /^--config: empty/],
  ["an empty CONFIG_PATH", [], { CONFIG_PATH: "" }, /^--config: empty/],
  ["an empty --output-dir", ["--output-dir", ""], {}, /^--output-dir: empty/],
  ["a blank OUTPUT_DIR", [], { OUTPUT_DIR: " " }, /^--output-dir: empty/],
  ["an unknown flag", ["--bogus"], {}, /'--bogus'/],
  ["a flag without its value", ["--duration"], {}, /'--duration/],
  ["a stray positional", ["smoke"], {}, /'smoke'/],
];

describe("vllm-bench run refuses, naming the flag or env variable", () => {
  it.each(RUN)("%s", (_label, argv, env, message) => {
    refused(() => parseRunArgs(argv, env), message);
  });
});

const PLAN: Case[] = [
  [
    "--max-points 2.5 (refused, not rounded to 3)",
    ["--max-points", "2.5"],
    {},
    /^--max-points: "2\.5" must be a whole number/,
  ],
  ["--max-points 1", ["--max-points", "1"], {}, /^--max-points: /],
  ["--max-points 101", ["--max-points", "101"], {}, /^--max-points: /],
  ["--max-points many", ["--max-points", "many"], {}, /^--max-points: /],
  ["--repeats 0", ["--repeats", "0"], {}, /^--repeats: /],
  ["--repeats 1.5", ["--repeats", "1.5"], {}, /^--repeats: /],
  ["--precision 0", ["--precision", "0"], {}, /^--precision: /],
  ["--precision 11", ["--precision", "11"], {}, /^--precision: /],
  ["--point-duration 0", ["--point-duration", "0"], {}, /^--point-duration: /],
  ["a --point-duration past the timer limit", ["--point-duration", "3000000"], {}, /^--point-duration: /],
  ["a warm-up as long as the point", ["--point-duration", "5", "--warmup", "5"], {}, /^--warmup: /],
  ["--warmup abc", ["--warmup", "abc"], {}, /^--warmup: /],
  ["--min-rps 0", ["--min-rps", "0"], {}, /^--min-rps: /],
  ["--max-rps below --min-rps", ["--min-rps", "2", "--max-rps", "1"], {}, /^--max-rps: /],
  ["--start-rps above --max-rps", ["--start-rps", "5000"], {}, /^--start-rps: /],
  ["--peak-rps 0", ["--peak-rps", "0"], {}, /^--peak-rps: /],
  ["PEAK_RPS=lots", [], { PEAK_RPS: "lots" }, /^--peak-rps: /],
  ["--headroom 0", ["--headroom", "0"], {}, /^--headroom: /],
  ["--headroom 1.5", ["--headroom", "1.5"], {}, /^--headroom: /],
  [
    "--headroom above the alert fraction",
    ["--headroom", "0.95"],
    {},
    /^--headroom: 0\.95 must be above 0 and below the alert fraction/,
  ],
  ["--alert-fraction 2", ["--alert-fraction", "2"], {}, /^--alert-fraction: /],
  [
    "an unpriced --instance-type",
    ["--instance-type", "x9.huge"],
    {},
    /^--instance-type: x9\.huge is not in the price table/,
  ],
  [
    "an unpriced type with GPUs but no price",
    ["--instance-type", "x9.huge", "--gpus-per-node", "4"],
    {},
    /^--price-per-hour: /,
  ],
  ["--gpus-per-node 0", ["--gpus-per-node", "0"], {}, /^--gpus-per-node: /],
  ["--gpus-per-node 1.5", ["--gpus-per-node", "1.5"], {}, /^--gpus-per-node: /],
  ["--gpus-per-node 17", ["--gpus-per-node", "17"], {}, /^--gpus-per-node: /],
  ["--tensor-parallel-size 0", ["--tensor-parallel-size", "0"], {}, /^--tensor-parallel-size: /],
  ["--tensor-parallel-size 1.5", ["--tensor-parallel-size", "1.5"], {}, /^--tensor-parallel-size: /],
  [
    "a --tensor-parallel-size no node of the type holds",
    ["--tensor-parallel-size", "8"],
    {},
    /^--tensor-parallel-size: 8 GPUs per pod do not fit on g6\.xlarge/,
  ],
  ["--tensor-parallel-size 32", ["--tensor-parallel-size", "32"], {}, /^--tensor-parallel-size: /],
  ["--price-per-hour -1", ["--price-per-hour=-1"], {}, /^--price-per-hour: /],
  ["--seed 0.5", ["--seed", "0.5"], {}, /^--seed: /],
  [
    "--slo throughput_min=100 (throughput is not an SLO)",
    ["--slo", "throughput_min=100"],
    {},
    /^--slo: throughput_min is not an SLO/,
  ],
  [
    "--slo request_throughput_min=1",
    ["--slo", "request_throughput_min=1"],
    {},
    /^--slo: request_throughput_min is not an SLO/,
  ],
  ["--slo success_rate=1.5", ["--slo", "success_rate=1.5"], {}, /^--slo: success_rate: 1\.5 must be a share/],
  ["--slo ttft_p95=100 (no unit)", ["--slo", "ttft_p95=100"], {}, /^--slo: ttft_p95: unknown threshold/],
  ["--slo bogus_ms=5", ["--slo", "bogus_ms=5"], {}, /^--slo: bogus_ms: unknown threshold/],
  ["--slo ttft_p95_ms=abc", ["--slo", "ttft_p95_ms=abc"], {}, /^--slo: "ttft_p95_ms=abc" must be NAME=NUMBER/],
  ["--slo ttft_p95_ms=0", ["--slo", "ttft_p95_ms=0"], {}, /^--slo: /],
  ["--slo ttft_p95_ms=-5", ["--slo", "ttft_p95_ms=-5"], {}, /^--slo: /],
  ["--slo ttft_p95_ms (no value)", ["--slo", "ttft_p95_ms"], {}, /^--slo: /],
  [
    "--slo ttft_p100_ms=5 (no such percentile)",
    ["--slo", "ttft_p100_ms=5"],
    {},
    /^--slo: ttft_p100_ms: unknown threshold/,
  ],
  ["--slo given twice", ["--slo", "ttft_p95_ms=1", "--slo", "ttft_p95_ms=2"], {}, /^--slo: ttft_p95_ms given twice/],
  ["an empty --base-url", ["--base-url", ""], {}, /^--base-url: empty/],
  ["an empty MODEL_ENDPOINT", [], { MODEL_ENDPOINT: "" }, /^env MODEL_ENDPOINT: empty/],
  ["a MODEL_ENDPOINT without a scheme", [], { MODEL_ENDPOINT: "vllm:8000" }, /^env MODEL_ENDPOINT: /],
  ["--one-address without --base-url", ["--one-address"], {}, /^--one-address: needs --base-url/],
  ["a --pushgateway-url without a scheme", ["--pushgateway-url", "pg:9091"], {}, /^--pushgateway-url: /],
  ["an empty --config", ["--config", ""], {}, /^--config: empty/],
  ["an empty --output-dir", ["--output-dir", ""], {}, /^--output-dir: empty/],
  ["--ready-timeout 1e10", ["--ready-timeout", "1e10"], {}, /^--ready-timeout: /],
  ["--confirm-duration without --quick", ["--confirm-duration", "20"], {}, /^--confirm-duration: only with --quick/],
  ["--confirm-warmup without --quick", ["--confirm-warmup", "5"], {}, /^--confirm-warmup: only with --quick/],
  ["--confirm-duration 0", ["--quick", "--confirm-duration", "0"], {}, /^--confirm-duration: /],
  [
    "a --confirm-warmup as long as the confirmation run",
    ["--quick", "--confirm-duration", "20", "--confirm-warmup", "20"],
    {},
    /^--confirm-warmup: 20 s leaves nothing of a 20 s confirmation run/,
  ],
  ["an unknown flag", ["--knee"], {}, /'--knee'/],
];

describe("vllm-bench plan --quick's confirmation runs", () => {
  const confirm = (argv: string[]) => {
    const p = parsePlanArgs(argv, {});
    return p === "help" ? "help" : p.confirm;
  };
  it("default to the full search's point length, and the flags shorten them", () => {
    expect(confirm(["--quick"])).toEqual({ durationS: 60, warmupS: 15 });
    expect(confirm(["--quick", "--confirm-duration", "20", "--confirm-warmup", "5"])).toEqual({
      durationS: 20,
      warmupS: 5,
    });
    // --point-duration reshapes quick's search into one without long runs, unless they are asked for.
    expect(confirm(["--quick", "--point-duration", "10"])).toBeUndefined();
    expect(confirm(["--quick", "--point-duration", "10", "--confirm-duration", "30"])).toEqual({
      durationS: 30,
      warmupS: 15,
    });
    expect(confirm([])).toBeUndefined();
  });
  it("a shortened confirmation is listed among what the plan traded away", () => {
    const lines = (c: { pointDurationS: number; warmupS: number }) => tradedAway({ ...QUICK, confirm: c });
    expect(lines({ pointDurationS: 60, warmupS: 15 }).some((l) => /confirmation runs shortened/.test(l))).toBe(false);
    expect(lines({ pointDurationS: 20, warmupS: 5 }).find((l) => /confirmation runs shortened/.test(l))).toMatch(
      /to 20 s \(5 s warm-up\) from 60 s \(15 s\).*no longer a sure lower bound/,
    );
  });
});

describe("vllm-bench plan refuses before the search, naming the flag (never a generated scenario.json)", () => {
  it.each(PLAN)("%s", (_label, argv, env, message) => {
    const msg = refused(() => parsePlanArgs(argv, env), message);
    expect(msg).not.toMatch(/scenario\.json/);
  });
});

// Shard files as a crash, a disk or a hand edit leave them.
const goodShard = (index = 0, count = 1, over: Partial<ShardFile> = {}): ShardFile => {
  const records: RequestRecord[] = [
    {
      request_id: `a-req-${index}`,
      scenario: "a",
      start_s: 0.1,
      success: true,
      prompt_tokens: 8,
      output_tokens: 4,
      ttft_ms: 5,
      e2el_ms: 9,
      tpot_ms: 1,
      itl_ms: [1, 1, 1],
    },
  ];
  const info = { date: "2026-12-06T00:00:00Z", backend: "openai-chat", model_id: "m", scenario: "a" };
  const run = { ...info, num_prompts: 1, request_rate: "inf" as const, burstiness: 1, max_concurrency: null };
  return {
    version: 1,
    shard: { index, count },
    run_id: "run-1",
    file: { name: "smoke", percentiles: [50, 99], thresholds: {} },
    max_skew_ms: 50,
    scenarios: [
      {
        result: aggregate({ ...run, duration: 1, percentiles: [50, 99] }, records),
        records,
        partial: false,
        start_epoch_ms: 1_000,
      },
    ],
    ...over,
  };
};
const edit = (f: (s: Record<string, any>) => void) => {
  const s = JSON.parse(JSON.stringify(goodShard())) as Record<string, any>;
  f(s);
  return JSON.stringify(s);
};
const SHARD_FILES: [string, string, RegExp][] = [
  ["not JSON (a truncated write)", '{"version": 1, "shard": {', /: not valid JSON/],
  ["empty", "", /: not valid JSON/],
  ["a JSON array", "[]", /: \(root\): /],
  ["version 2 (a newer vllm-bench)", edit((s) => (s.version = 2)), /: version: 2 is not version 1/],
  ["no version", edit((s) => delete s.version), /: version: null is not version 1/],
  ["version as a string", edit((s) => (s.version = "1")), /: version: "1" is not version 1/],
  ["a negative shard index", edit((s) => (s.shard.index = -1)), /: shard\.index: /],
  ["a shard count of 0", edit((s) => (s.shard.count = 0)), /: shard\.count: /],
  [
    "an index not below the count",
    edit((s) => (s.shard = { index: 3, count: 2 })),
    /: shard\.index 3 is not below shard\.count 2/,
  ],
  ["a numeric run id", edit((s) => (s.run_id = 7)), /: run_id: /],
  ["percentiles as a string", edit((s) => (s.file.percentiles = "50,99")), /: file\.percentiles: /],
  ["a negative clock margin", edit((s) => (s.max_skew_ms = -1)), /: max_skew_ms: /],
  ["scenarios as an object", edit((s) => (s.scenarios = {})), /: scenarios: /],
  [
    "a record's start as text",
    edit((s) => (s.scenarios[0].records[0].start_s = "0.1")),
    /: scenarios\.0\.records\.0\.start_s: /,
  ],
  [
    "a record without its gaps",
    edit((s) => delete s.scenarios[0].records[0].itl_ms),
    /: scenarios\.0\.records\.0\.itl_ms: /,
  ],
  [
    "an unknown error kind",
    edit((s) => (s.scenarios[0].records[0].error_kind = "weird")),
    /: scenarios\.0\.records\.0\.error_kind: /,
  ],
  [
    "a result without its scenario",
    edit((s) => delete s.scenarios[0].result.scenario),
    /: scenarios\.0\.result\.scenario: /,
  ],
  ["a partial flag as text", edit((s) => (s.scenarios[0].partial = "no")), /: scenarios\.0\.partial: /],
  [
    "a percentile figure as text",
    edit((s) => (s.scenarios[0].result.p99_ttft_ms = "5")),
    /: scenarios\.0\.result\.p99_ttft_ms: /,
  ],
  [
    "a result without its latency samples",
    edit((s) => delete s.scenarios[0].result.samples),
    /: scenarios\.0\.result\.samples: /,
  ],
];

describe("vllm-bench merge reads every shard file through its schema, naming file and field", () => {
  it.each(SHARD_FILES)("%s", (label, text, message) => {
    const file = path.join(tmp, `shard-${label.replace(/\W+/g, "_")}.json`);
    fs.writeFileSync(file, text);
    const msg = refused(() => readShardFile(file), message);
    expect(msg.startsWith(`merge: ${file}: `)).toBe(true);
    expect(msg).not.toMatch(/TypeError|Cannot read/);
  });

  it.each([
    [
      "shards of two scenario files",
      [goodShard(0, 2), goodShard(1, 2, { file: { name: "baseline", percentiles: [50], thresholds: {} } })],
      /^merge: the shard files are of different scenario files \(smoke, baseline\)/,
    ],
    [
      "shards that ran different scenarios",
      [
        goodShard(0, 2),
        {
          ...goodShard(1, 2),
          scenarios: [{ ...goodShard().scenarios[0], result: { ...goodShard().scenarios[0].result, scenario: "b" } }],
        },
      ],
      /^merge: shard 1 ran scenarios b but shard 0 ran a: they are not shards of one run/,
    ],
    [
      "shards of two runs",
      [goodShard(0, 2), { ...goodShard(1, 2), run_id: "run-2" }],
      /^merge: the shard files come from different runs/,
    ],
    ["a shard missing, with no reason", [goodShard(0, 2)], /^merge: shard\(s\) 1 of 2 have no results file yet/],
  ] as [string, ShardFile[], RegExp][])("refuses %s as such", (_label, shards, message) => {
    const msg = refused(() => mergeShards(shards), message);
    expect(msg).not.toMatch(/stopped early/);
  });

  it("merges the shards that are there when the missing one is known dead: partial, the missing share named", () => {
    const m = mergeShards([goodShard(0, 2)], new Map([[1, "worker 1 killed by SIGKILL"]]));
    expect(m.results[0].partial).toBe(true);
    expect(m.results[0].records).toHaveLength(1);
    expect(m.warnings).toEqual([
      expect.stringMatching(/^shard 1 of 2 is missing \(worker 1 killed by SIGKILL\): its share/),
    ]);
  });
});

describe("the --workers start barrier does not wait for a worker known to be dead", () => {
  it("starts the others within a poll, not after the barrier timeout", async () => {
    const runDir = fs.mkdtempSync(path.join(tmp, "barrier-"));
    fs.mkdirSync(path.join(runDir, "dead"));
    fs.writeFileSync(path.join(runDir, "dead", "1"), "killed by SIGKILL");
    const se: ShardEnv = { index: 0, count: 2, runDir, maxSkewMs: 0, barrierTimeoutS: 30, merge: "none" };
    const t0 = Date.now();
    const at = await Promise.race([
      fileBarrier(se, () => {})("a"),
      new Promise<"hung">((r) => setTimeout(() => r("hung"), 3_000)),
    ]);
    expect(at).not.toBe("hung");
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});

describe("synth refuses a folder that is not its own", () => {
  it("a file as --out", () => {
    const f = path.join(tmp, "out-file");
    fs.writeFileSync(f, "");
    refused(() => claimOutDir(f), /^--out: .* is a file/);
  });
  it("a folder of the user's files", () => {
    const d = fs.mkdtempSync(path.join(tmp, "out-user-"));
    fs.writeFileSync(path.join(d, "Pulumi.dev.yaml"), "");
    refused(() => claimOutDir(d), /^--out: .* is not empty and was not written by synth/);
  });
  it("the project's build folder holding another generator's output (npm run build:bench) is its own, nothing to replace", () => {
    const d = fs.mkdtempSync(path.join(tmp, "out-build-"));
    fs.mkdirSync(path.join(d, "bench"));
    fs.writeFileSync(path.join(d, "bench", "vllm-bench.mjs"), "");
    expect(claimOutDir(d, d)).toEqual([]);
    refused(() => claimOutDir(d, path.join(tmp, "elsewhere")), /^--out: .* is not empty and was not written by synth/);
  });
  it("replaces only what its manifest lists, never a path outside the folder", () => {
    const d = fs.mkdtempSync(path.join(tmp, "out-synth-"));
    fs.writeFileSync(path.join(d, ".synth-manifest"), "10-vllm.yaml\n../Pulumi.yaml\n/etc/passwd\ncompose/x.yml\n");
    expect(claimOutDir(d)).toEqual(["10-vllm.yaml", "compose/x.yml"]);
  });
});

describe("a stack file's .nan and .inf are refused naming the key", () => {
  it.each([
    [
      "config:\n  vllm-k8s:autoscaling:\n    targetRequestsPerSecond: .nan\n",
      "vllm-k8s:autoscaling.targetRequestsPerSecond: .nan is not a finite number",
    ],
    [
      "config:\n  vllm-k8s:model:\n    tensorParallelSize: .inf\n",
      "vllm-k8s:model.tensorParallelSize: .inf is not a finite number",
    ],
    ["config:\n  vllm-k8s:gpuNodes:\n    maxSize: -.inf\n", "vllm-k8s:gpuNodes.maxSize: -.inf is not a finite number"],
    [
      "config:\n  vllm-k8s:cluster:\n    publicAccessCidrs: [.nan]\n",
      "vllm-k8s:cluster.publicAccessCidrs[0]: .nan is not a finite number",
    ],
  ])("%#", (text, line) => {
    const f = path.join(tmp, `Pulumi.nan-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(f, text);
    expect(() => readStackFileConfig(f)).toThrow(line);
    expect(() => readStackFileConfig(f)).not.toThrow(/received null/);
  });
});

describe("a scenario longer than the model's context is refused before sending", () => {
  const scenario = (s: Record<string, unknown>) =>
    parseScenarioFile({ name: "x", scenarios: [{ name: "long", ...s }] }, "x.json").scenarios[0];
  it.each([
    [
      { random_input_len: 8000, random_output_len: 500 },
      8192,
      /^scenarios\[long\]: random_input_len 8000 \+ random_output_len 500 = up to 8500 tokens, above the max_model_len 8192 of m/,
    ],
    [
      { random_input_len: 4000, random_output_len: 100, random_range_ratio: 0.5 },
      6000,
      /up to 6150 tokens, above the max_model_len 6000/,
    ],
  ])("%#", (s, maxModelLen, message) => {
    refused(() => checkContextLength([scenario(s)], { model: "m", maxModelLen }, false), message);
  });
  it("passes one that fits, and any when the server does not say", () => {
    expect(() =>
      checkContextLength([scenario({ random_input_len: 4000 })], { model: "m", maxModelLen: 8192 }, false),
    ).not.toThrow();
    expect(() => checkContextLength([scenario({ random_input_len: 1e6 })], { model: "m" }, false)).not.toThrow();
  });
});
