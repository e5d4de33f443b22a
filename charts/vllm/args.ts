// Command-line arguments of each engine, from the typed props.
import { HTTP_PORT } from "./labels";
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

/** The simulator speaks the same API and metrics; it takes the vLLM knobs it models. */
export function simulatorArgs(p: VllmChartProps): string[] {
  return [
    "sim",
    "--host=0.0.0.0",
    `--port=${HTTP_PORT}`,
    `--model=${p.model.servedName}`,
    `--max-model-len=${p.model.maxModelLen}`,
    `--max-num-seqs=${p.model.maxNumSeqs}`,
  ];
}
