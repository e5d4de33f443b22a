// The environment the CLI suites start `vllm-bench` with: this process's, minus every variable the
// CLI reads, so a developer's shell cannot change what is tested.
import { JOB_ENV } from "../../bench/contract";

/** Variables the CLI reads besides the Job's (bench/contract JOB_ENV): flags' env fallbacks. */
const OTHER_CLI_VARS = ["STOP_GRACE_SECONDS", "TOKENIZER", "PEAK_RPS", "BENCH_WORKERS", "BENCH_WORKER_HEAP_MB"];
const CLI_VARS: readonly string[] = [...Object.values(JOB_ENV), ...OTHER_CLI_VARS];

export function cliTestEnv(alsoDrop: (name: string) => boolean = () => false): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !CLI_VARS.includes(k) && !alsoDrop(k)));
}
