// `npm run dashboards`: writes monitoring/*.json from the TypeScript builders (checked in; a
// test fails when they are stale) for users who import dashboards into Grafana by hand.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { allDashboards, renderDashboard } from "./dashboards";

export const exportDir = path.dirname(fileURLToPath(import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  // monitoring/ imports nothing of ours, so this is scripts/entry-args.ts's contract, inline: --help
  // exits 0 before the files are rewritten, anything else is one line and exit 2.
  const USAGE = "Usage: npm run dashboards   (rewrites monitoring/*.json from the dashboard builders; no flags)";
  try {
    if (parseArgs({ options: { help: { type: "boolean", short: "h" } }, strict: true }).values.help) {
      console.log(USAGE);
      process.exit(0);
    }
  } catch (e) {
    console.error(`${(e as Error).message.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
    process.exit(2);
  }
  // Only generated JSON lives here: a dashboard removed from the builders disappears.
  for (const f of fs.readdirSync(exportDir)) if (f.endsWith(".json")) fs.rmSync(path.join(exportDir, f));
  for (const d of allDashboards()) fs.writeFileSync(path.join(exportDir, d.fileName), renderDashboard(d));
  console.log(`wrote ${allDashboards().length} dashboards to ${path.relative(process.cwd(), exportDir)}/`);
}
