#!/usr/bin/env node
// `vllm-bench`: the benchmark/simulator image's entry point.
//   vllm-bench run [options]      load-test an OpenAI-compatible endpoint (default: built-in simulator)
//   vllm-bench compare OLD NEW    flag regressions between two results files
//   vllm-bench merge RUN_DIR      merge a sharded run's shard-<index>.json files (bench/fleet)
//   vllm-bench sim [options]      run the vLLM simulator
import { compareMain, runMain } from "./client/cli";
import { mergeMain } from "./fleet/shard";
import { simMain } from "./sim/cli";

async function main(argv: string[]): Promise<number | undefined> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "run":
      return runMain(rest);
    case "compare":
      return compareMain(rest);
    case "merge":
      return mergeMain(rest);
    case "sim":
      await simMain(rest);
      return undefined; // keeps serving
    default:
      console.error("usage: vllm-bench run|compare|merge|sim [--help]");
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Once stdout has drained: a piped summary would otherwise be cut at 64 KiB.
    if (code !== undefined) process.stdout.write("", () => process.exit(code));
  },
  (err) => {
    console.error(`error: ${(err as Error).message}`);
    process.exit(2);
  },
);
