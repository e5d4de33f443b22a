// One line for a user on an older Node than package.json's `engines` asks for, where npm would
// otherwise leave it to a five-line EBADENGINE block per dependency. Plain JavaScript that any Node
// runs: `npm ci` runs it (preinstall) before anything is installed, `npm start` before the run.
import { readFileSync } from "node:fs";

const wanted = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).engines.node;
// ">=22.19": major and minor (undici, the load tester's HTTP client, needs 22.19).
const [, major, minor = "0"] = /(\d+)(?:\.(\d+))?/.exec(wanted);
const [hasMajor, hasMinor] = process.versions.node.split(".").map(Number);
if (hasMajor < Number(major) || (hasMajor === Number(major) && hasMinor < Number(minor)))
  console.error(
    `note: this project needs Node.js ${major}.${minor}+ (package.json engines "${wanted}") and this is Node ${process.versions.node}: ` +
      `install Node ${major} (nodejs.org, nvm or your package manager); until then npm warns about engines and Pulumi will not run.`,
  );
