// A representative dozen of cli-inputs.test.ts's broken inputs through the real `vllm-bench`
// process: exit 2, one line on stderr naming the flag, env variable or file, no stack trace,
// nothing written.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, expect, it } from "vitest";
import { runCli } from "./fleet/helpers";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-cli-inputs-slow-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const badShard = path.join(tmp, "run");
fs.mkdirSync(badShard);
fs.writeFileSync(path.join(badShard, "shard-0.json"), '{"version": 2}');

const CASES: [string, string[], Record<string, string>, RegExp][] = [
  ["run --base-url ''", ["run", "--base-url", ""], {}, /^error: --base-url: empty; /],
  ["run with MODEL_ENDPOINT=''", ["run"], { MODEL_ENDPOINT: "" }, /^error: env MODEL_ENDPOINT: empty; /],
  ["run --stop-grace of 25 days", ["run", "--stop-grace", "2160000"], {}, /^error: --stop-grace: /],
  [
    "run --workers 2 with BENCH_SHARDS",
    ["run", "--workers", "2"],
    { BENCH_SHARDS: "2" },
    /^error: --workers: 2 workers and env BENCH_SHARDS/,
  ],
  ["run --output-dir a file", ["run", "--output-dir", path.join(tmp, "f")], {}, /^error: --output-dir: .* is a file/],
  ["run --concurrency-levels 10,x", ["run", "--concurrency-levels", "10,x"], {}, /^error: --concurrency-levels: /],
  ["plan --max-points 2.5", ["plan", "--max-points", "2.5"], {}, /^error: --max-points: "2\.5" must be a whole number/],
  [
    "plan --slo throughput_min=100",
    ["plan", "--slo", "throughput_min=100"],
    {},
    /^error: --slo: throughput_min is not an SLO/,
  ],
  ["plan --instance-type x9.huge", ["plan", "--instance-type", "x9.huge"], {}, /^error: --instance-type: x9\.huge/],
  [
    "plan --tensor-parallel-size 8",
    ["plan", "--tensor-parallel-size", "8"],
    {},
    /^error: --tensor-parallel-size: 8 GPUs/,
  ],
  [
    "merge a shard file of another version",
    ["merge", badShard],
    {},
    /^error: merge: .*shard-0\.json: version: 2 is not version 1/,
  ],
  [
    "merge a folder that does not exist",
    ["merge", path.join(tmp, "nope")],
    {},
    /^error: merge: RUN_DIR .* is not a folder/,
  ],
];
fs.writeFileSync(path.join(tmp, "f"), "");

it.each(CASES)("%s: exit 2, one line naming it", async (_label, args, env, message) => {
  const r = await runCli(args, { OUTPUT_DIR: path.join(tmp, "out"), ...env });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(fs.existsSync(path.join(tmp, "out"))).toBe(false);
});
