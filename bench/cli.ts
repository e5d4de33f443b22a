#!/usr/bin/env node
// `vllm-bench`: the benchmark/simulator image's entry point.
//   vllm-bench run [options]      load-test an OpenAI-compatible endpoint (default: built-in simulator)
//   vllm-bench plan [options]     find the rate one replica sustains within SLOs; recommend autoscaling settings
//   vllm-bench compare OLD NEW    flag regressions between two results files
//   vllm-bench merge RUN_DIR      merge a sharded run's shard-<index>.json files (bench/fleet)
//   vllm-bench rehearse [options] the autoscaling rehearsal on simulators, from zero back to zero (bench/fleet)
//   vllm-bench sim [options]      run the vLLM simulator

// Each command loads only its own code: a run never evaluates the simulator, the planner or the
// plotting libraries (Vega alone is tens of MB of heap), which is the floor of its memory.

const USAGE = `usage: vllm-bench <command> [options]

  run [options]            load-test an OpenAI-compatible endpoint (default: the built-in simulator)
  plan [options]           find the request rate one replica sustains within the SLOs; recommend autoscaling settings
  compare OLD NEW          compare two results files; exit 1 on a regression
  merge RUN_DIR            merge a sharded run's shard files into one result (bench/fleet)
  rehearse [options]       the autoscaling rehearsal on simulators our scaling rule starts and stops, 0 -> N -> 0
  sim [options]            run the vLLM simulator

vllm-bench <command> --help shows a command's options.`;

async function main(argv: string[]): Promise<number | undefined> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case "help":
    case "-h":
    case "--help":
      console.log(USAGE);
      return 0;
    case "run":
      (await import("./client/heap-policy")).relaunchWithRunFlags();
      return (await import("./client/cli")).runMain(rest);
    case "plan":
      return (await import("./plan/cli")).planMain(rest);
    case "compare":
      return (await import("./compare/cli")).compareMain(rest);
    case "merge":
      return (await import("./fleet/shard")).mergeMain(rest);
    case "rehearse":
      return (await import("./fleet/rehearse-cli")).rehearseMain(rest);
    case "sim":
      await (await import("./sim/cli")).simMain(rest);
      return undefined; // keeps serving
    default:
      console.error(`vllm-bench: unknown command ${JSON.stringify(cmd)}\n${USAGE}`);
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
