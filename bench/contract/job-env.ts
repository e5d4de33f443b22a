// What the benchmark Job (charts/benchmark) hands `vllm-bench` and the CLI reads: the environment
// variables (DESIGN §7's family: MODEL_ENDPOINT, CONFIG_PATH, …) and the timing both sides rely on.

export const JOB_ENV = {
  endpoint: "MODEL_ENDPOINT",
  servedModelName: "SERVED_MODEL_NAME",
  modelName: "MODEL_NAME",
  configPath: "CONFIG_PATH",
  outputDir: "OUTPUT_DIR",
  readyTimeout: "READY_TIMEOUT",
  pushgatewayUrl: "PUSHGATEWAY_URL",
  prometheusUrl: "PROMETHEUS_URL",
  requestRate: "REQUEST_RATE",
  rampUpStrategy: "RAMP_UP_STRATEGY",
  rampUpStartRps: "RAMP_UP_START_RPS",
  rampUpEndRps: "RAMP_UP_END_RPS",
  concurrencyLevels: "CONCURRENCY_LEVELS",
  duration: "DURATION",
  apiKey: "VLLM_API_KEY",
  /** An Indexed Job's shards (bench/fleet): how many, the clock margin of their start barrier, the run folder. */
  shards: "BENCH_SHARDS",
  maxSkewMs: "BENCH_MAX_SKEW_MS",
  runId: "BENCH_RUN_ID",
} as const;

/** The client's default per-request timeout (`--timeout-ms`): a stream open at a deadline may run this long. */
export const DEFAULT_REQUEST_TIMEOUT_S = 600;

/**
 * Seconds from the first SIGTERM/SIGINT until the client has written its results and exited
 * (`--stop-grace`). The Job's terminationGracePeriodSeconds must be larger, or Kubernetes
 * SIGKILLs the client before it writes.
 */
export const DEFAULT_STOP_GRACE_S = 10;
/** The pod's termination grace for a client given `stopGraceS`: room for the write and a slow node. */
export const jobTerminationGraceSeconds = (stopGraceS = DEFAULT_STOP_GRACE_S): number => Math.ceil(stopGraceS) + 20;

/**
 * Pushgateway job names the benchmark and the plan push under; the monitoring content selects them
 * (monitoring/config.ts benchJob / benchPlanJob, kept equal by test/bench/contract.test.ts).
 */
export const PUSHGATEWAY_JOB = "vllm-bench";
export const PLAN_PUSHGATEWAY_JOB = "vllm-bench-plan";
