// Command-line arguments of each engine, from the typed props.
import { HTTP_PORT, MODEL_CACHE_PATH } from "./labels";
import type { VllmChartProps } from "./props";

/** `vllm serve` flags after the model (the image's entrypoint is `vllm serve`). */
export function vllmArgs(p: VllmChartProps): string[] {
  const m = p.model;
  const args = [
    `--served-model-name=${m.servedName}`,
    "--host=0.0.0.0",
    `--port=${HTTP_PORT}`,
    `--tensor-parallel-size=${m.tensorParallelSize}`,
    `--max-model-len=${m.maxModelLen}`,
    `--gpu-memory-utilization=${m.gpuMemoryUtilization}`,
    `--max-num-seqs=${m.maxNumSeqs}`,
  ];
  if (m.loraAdapters.length) {
    args.push(
      "--enable-lora",
      `--max-loras=${m.loraAdapters.length}`,
      "--lora-modules",
      ...m.loraAdapters.map((a) => `${a.name}=${a.path}`),
    );
  }
  return [...args, ...m.extraArgs];
}

/**
 * The simulator's model load: a cold start (empty cache: download + load) and a warm one (weights in
 * the cache). Not vLLM's timings (those depend on the model, the network and the disk): long enough
 * that a replica's start shows on the rehearsal's per-replica table and the startup probe, short
 * enough for a dev cluster. The startup probe allows 120 s (pod.ts).
 */
export const SIMULATOR_LOAD_MS = { cold: 60_000, warm: 10_000 } as const;

/** The simulator speaks the same API and metrics; it takes the vLLM knobs it models. */
export function simulatorArgs(p: VllmChartProps): string[] {
  return [
    "sim",
    "--host=0.0.0.0",
    `--port=${HTTP_PORT}`,
    `--model=${p.model.servedName}`,
    `--max-model-len=${p.model.maxModelLen}`,
    `--max-num-seqs=${p.model.maxNumSeqs}`,
    // The cache the pod mounts (an emptyDir, or the claim every replica shares): warm once filled.
    `--model-cache-dir=${MODEL_CACHE_PATH}`,
    `--startup-delay-ms=${SIMULATOR_LOAD_MS.cold}`,
    `--warm-startup-delay-ms=${SIMULATOR_LOAD_MS.warm}`,
  ];
}
