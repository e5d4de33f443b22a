// Which runner a `vllm-bench run` uses: a shard (env from an Indexed Job or a --workers parent),
// --workers N worker threads, or the plain single-process run.
import { runBenchmark, type RunOptions, type RunOutcome } from "../client/run";
import { runShard, shardFromEnv } from "./shard";
import { runWorkers, workersFor } from "./workers";

export function pickRunner(
  workersFlag: string | undefined,
  argv: string[],
  env: NodeJS.ProcessEnv,
): (opts: RunOptions) => Promise<RunOutcome> {
  const raw = workersFlag ?? env.BENCH_WORKERS;
  const given = raw === undefined || raw === "" ? undefined : Number(raw);
  if (given !== undefined && !(Number.isInteger(given) && given >= 1 && given <= 256))
    throw new Error(`--workers: ${JSON.stringify(raw)} must be an integer from 1 to 256 (env BENCH_WORKERS)`);
  return async (opts) => {
    const shard = shardFromEnv(env, opts.outputDir);
    if (shard) return runShard(opts, shard);
    const workers = given ?? workersFor(opts);
    return workers > 1 ? runWorkers(opts, { workers, argv }) : runBenchmark(opts);
  };
}
