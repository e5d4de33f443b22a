// The preset scenario files. Imported (not read from disk) so they travel inside the single-file
// bundle, and so the stack config and the chart take them from here instead of a path.
import baseline from "../presets/baseline.json" with { type: "json" };
import rehearsal from "../presets/rehearsal.json" with { type: "json" };
import smoke from "../presets/smoke.json" with { type: "json" };
import sweep from "../presets/sweep.json" with { type: "json" };

export const PRESETS = ["smoke", "baseline", "sweep", "rehearsal"] as const;
export type PresetName = (typeof PRESETS)[number];

/** Each preset as parsed JSON (not yet checked against the scenario file schema). */
export const PRESET_FILES: Readonly<Record<PresetName, Record<string, unknown>>> = {
  smoke,
  baseline,
  sweep,
  rehearsal,
};

export const isPreset = (name: string): name is PresetName => (PRESETS as readonly string[]).includes(name);

/** JSON on one line, with the spaces of the preset files (`{ "a": 1 }`, `[1, 2]`). */
const oneLine = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(oneLine).join(", ")}]`
    : v !== null && typeof v === "object"
      ? `{ ${Object.entries(v)
          .map(([k, x]) => `${JSON.stringify(k)}: ${oneLine(x)}`)
          .join(", ")} }`
      : JSON.stringify(v);

/**
 * A preset's file text, byte for byte as in bench/presets (a test holds them equal): one line per
 * top-level key, one line per scenario. The ConfigMap carries this text.
 */
export function presetText(name: PresetName): string {
  const lines = (v: unknown[]) => `[\n${v.map((x) => `    ${oneLine(x)}`).join(",\n")}\n  ]`;
  const ofObjects = (v: unknown): v is unknown[] =>
    Array.isArray(v) && v.some((x) => x && typeof x === "object" && !Array.isArray(x));
  const value = (v: unknown) => (ofObjects(v) ? lines(v) : oneLine(v));
  const keys = Object.entries(PRESET_FILES[name]).map(([k, v]) => `  ${JSON.stringify(k)}: ${value(v)}`);
  return `{\n${keys.join(",\n")}\n}\n`;
}
