import * as fs from "node:fs";
import * as path from "node:path";

/** Writes a bundle (relative path -> content) under `dir`, the same layout the containers mount. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const target = path.join(dir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
}
