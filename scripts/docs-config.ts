// `npm run docs:config`: regenerate every doc block that restates code (the README's configuration
// reference, the add-ons, chart pins, alert defaults, policy rules and network flows), and say which
// files changed.
import * as fs from "node:fs";
import { withConfigReference } from "../infra/config-reference";
import { GENERATED_TABLES, withBlock } from "./docs/tables";

const USAGE =
  "Usage: npm run docs:config   (rewrites every doc block that restates code: README.md's configuration reference, the add-ons, chart pins, alert defaults, policy rules and network flows)";
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
} else if (args.length) {
  console.error(`unknown argument(s) ${args.join(" ")}. ${USAGE}`);
  process.exit(2);
} else {
  const root = new URL("../", import.meta.url);
  const edits: Record<string, Array<(text: string) => string | Promise<string>>> = {
    "README.md": [withConfigReference],
  };
  for (const b of GENERATED_TABLES) (edits[b.file] ??= []).push((text) => withBlock(text, b));

  for (const [file, steps] of Object.entries(edits)) {
    const path = new URL(file, root);
    const before = fs.readFileSync(path, "utf8");
    let after = before;
    for (const step of steps) after = await step(after);
    if (after === before) console.log(`${file}: unchanged`);
    else {
      fs.writeFileSync(path, after);
      console.log(`${file}: updated`);
    }
  }
}
