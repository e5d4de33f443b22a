// `npm run docs:config`: regenerate the README's configuration reference from the schema.
import * as fs from "node:fs";
import { withConfigReference } from "../infra/config-reference";

const path = new URL("../README.md", import.meta.url);
fs.writeFileSync(path, withConfigReference(fs.readFileSync(path, "utf8")));
console.log("README.md configuration reference updated");
