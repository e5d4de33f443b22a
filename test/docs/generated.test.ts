import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { ADDONS } from "../../infra/addons/registry";
import { defaultAlertThresholds } from "../../monitoring/thresholds";
import { resultsJsonSchema } from "../../bench/client/results-file";
import { planJsonSchema } from "../../bench/plan/plan-file";
import { planSchemaBlock, resultsSchemaBlock } from "../../scripts/docs/schema-blocks";
import { rules } from "../../policy/rules";
import {
  addonTable,
  alertTable,
  chartPinsTable,
  eksStackFlows,
  flowTable,
  GENERATED_TABLES,
  policyRulesTable,
  renderBlock,
  withBlock,
} from "../../scripts/docs/tables";

// The doc tables that restate code (add-ons, chart pins, alert defaults, policy rules, network flows, the results and
// plan schemas) are generated from that code between markers (`npm run docs:config`); a stale doc fails here.

const read = (file: string) => fs.readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");

describe("generated doc tables", () => {
  for (const b of GENERATED_TABLES)
    it(`${b.file} holds the table generated from the code between ${b.begin.replace(/ \(.*/, " -->")} (run \`npm run docs:config\`)`, async () => {
      expect(read(b.file)).toContain(await renderBlock(b));
    });

  it("regenerating a fresh doc changes nothing (the generator can say `unchanged`)", async () => {
    for (const b of GENERATED_TABLES) {
      const text = read(b.file);
      expect(await withBlock(text, b), b.file).toBe(text);
    }
  });

  it("a changed pin, threshold, flow, toggle, rule, results or plan field changes its table (a stale doc cannot pass)", () => {
    const [first, ...rest] = ADDONS;
    const bumped = { ...first, chart: { ...first.chart, version: "99.0.0" } };
    expect(chartPinsTable([bumped, ...rest])).not.toBe(chartPinsTable());
    expect(chartPinsTable([bumped, ...rest])).toContain("| 99.0.0 |");
    expect(alertTable({ ...defaultAlertThresholds, ttftP95Seconds: 2.5 })).toContain(
      "`monitoring.alerts.ttftP95Seconds` = 2.5",
    );
    const flows = eksStackFlows();
    expect(flowTable(flows.slice(1))).not.toBe(flowTable(flows));
    const schema = resultsJsonSchema();
    expect(resultsSchemaBlock({ ...schema, required: [] })).not.toBe(resultsSchemaBlock(schema));
    const plan = planJsonSchema();
    expect(planSchemaBlock({ ...plan, required: [] })).not.toBe(planSchemaBlock(plan));
    const described = { ...first, toggle: { ...first.toggle, description: "Changed." } };
    expect(addonTable([described, ...rest])).toContain("| Changed. |");
    const [rule, ...others] = rules;
    expect(policyRulesTable([{ ...rule, severity: "low" }, ...others])).toContain(`| \`${rule.id}\` | low |`);
  });

  it("every alert threshold of the stack config appears in the alert table", () => {
    const t = alertTable();
    for (const k of Object.keys(defaultAlertThresholds).filter((k) => k !== "runbookBaseUrl"))
      expect(t, k).toContain(`\`monitoring.alerts.${k}\``);
  });
});
