// `npm run docs:config`: regenerate the README's configuration reference from the schema.
import * as fs from "node:fs";
import { withConfigReference } from "../infra/config-reference";

const USAGE =
  "Usage: npm run docs:config   (rewrites README.md's configuration reference from the stack config schema)";
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
} else if (args.length) {
  console.error(`unknown argument(s) ${args.join(" ")}. ${USAGE}`);
  process.exit(2);
} else {
  const path = new URL("../README.md", import.meta.url);
  fs.writeFileSync(path, withConfigReference(fs.readFileSync(path, "utf8")));
  console.log("README.md configuration reference updated");
}
