// The benchmark contract: what the stack config (infra/), the benchmark chart (charts/benchmark)
// and `vllm-bench` agree on. Types, constants and schemas only, no I/O: the only module of bench/
// that charts/ and infra/ may import (test/arch/import-rules.ts).
export * from "./job-env";
export * from "./latency";
export * from "./overrides";
export * from "./presets";
export * from "./scenario-file";
