// One line for a user on an older Node than package.json's `engines` asks for, where npm would
// otherwise leave it to a five-line EBADENGINE block per dependency. Plain JavaScript that any Node
// runs: `npm ci` runs it (preinstall) before anything is installed, `npm start` before the run.
import { readFileSync } from "node:fs";

const wanted = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).engines.node;
const min = Number(/\d+/.exec(wanted)[0]);
if (Number(process.versions.node.split(".")[0]) < min)
  console.error(
    `note: this project needs Node.js ${min}+ (package.json engines "${wanted}") and this is Node ${process.versions.node}: ` +
      `install Node ${min} (nodejs.org, nvm or your package manager); until then npm warns about engines and Pulumi will not run.`,
  );
