import * as fs from "node:fs";
import * as path from "node:path";

// Cold and warm starts. A replica whose model cache already holds the weights (a shared cache
// another replica filled, or its own from before) only loads them; one with an empty cache
// downloads first. The simulator stands for the weights with one marker file per model.

export interface ModelLoad {
  /** "cold": downloaded and loaded; "warm": loaded from the cache. */
  start: "cold" | "warm";
  /** Simulated load time (ms, before speedup). */
  ms: number;
  /** Call once loaded: a cold start fills the cache, as a finished download does. */
  loaded(): void;
}

const marker = (dir: string, model: string) =>
  path.join(dir, "vllm-sim-weights", `${model.replace(/[^A-Za-z0-9._-]/g, "--")}.done`);

export function planModelLoad(o: {
  model: string;
  modelCacheDir: string;
  startupDelayMs: number;
  warmStartupDelayMs: number;
}): ModelLoad {
  if (!o.modelCacheDir) return { start: "cold", ms: o.startupDelayMs, loaded: () => {} };
  const file = marker(o.modelCacheDir, o.model);
  if (fs.existsSync(file)) return { start: "warm", ms: o.warmStartupDelayMs, loaded: () => {} };
  return {
    start: "cold",
    ms: o.startupDelayMs,
    loaded: () => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${new Date().toISOString()}\n`);
    },
  };
}
