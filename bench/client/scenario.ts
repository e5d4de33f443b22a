import * as fs from "node:fs";
import { isPreset, parseScenarioFile, PRESET_FILES, PRESETS, type ScenarioFile } from "../contract";

/** A preset name or a path to a JSON scenario file. */
export function loadScenarioFile(nameOrPath: string): ScenarioFile {
  if (isPreset(nameOrPath)) return parseScenarioFile(PRESET_FILES[nameOrPath], `preset ${nameOrPath}`);
  let text: string;
  try {
    text = fs.readFileSync(nameOrPath, "utf8");
  } catch {
    throw new Error(`--config: ${nameOrPath} is neither a preset (${PRESETS.join(", ")}) nor a readable file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${nameOrPath}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  return parseScenarioFile(json, nameOrPath);
}
