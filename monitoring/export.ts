// `npm run dashboards`: writes monitoring/*.json from the TypeScript builders (checked in; a
// test fails when they are stale) for users who import dashboards into Grafana by hand.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { entryArgs } from "../scripts/entry-args";
import { allDashboards, renderDashboard } from "./dashboards";

export const exportDir = path.dirname(fileURLToPath(import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  entryArgs("Usage: npm run dashboards   (rewrites monitoring/*.json from the dashboard builders; no flags)", {});
  // Only generated JSON lives here: a dashboard removed from the builders disappears.
  for (const f of fs.readdirSync(exportDir)) if (f.endsWith(".json")) fs.rmSync(path.join(exportDir, f));
  for (const d of allDashboards()) fs.writeFileSync(path.join(exportDir, d.fileName), renderDashboard(d));
  console.log(`wrote ${allDashboards().length} dashboards to ${path.relative(process.cwd(), exportDir)}/`);
}
