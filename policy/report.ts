import type { Rule, Violation } from "./types";

// Plain-text table of violations for `npm run policy`: one row per violation, the message last
// so long messages wrap in the terminal without breaking the columns before them.

export interface Row {
  rule: string;
  enforcement: string;
  severity: string;
  resource: string;
  message: string;
}

export function rows(violations: readonly Violation[], rules: readonly Rule[]): Row[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  return violations.map((v) => ({
    rule: v.ruleId,
    enforcement: byId.get(v.ruleId)?.enforcement ?? "mandatory",
    severity: byId.get(v.ruleId)?.severity ?? "high",
    resource: `${v.resource.type} ${v.resource.name}`,
    message: v.message,
  }));
}

const HEADERS: Row = {
  rule: "RULE",
  enforcement: "LEVEL",
  severity: "SEVERITY",
  resource: "RESOURCE",
  message: "MESSAGE",
};
const COLUMNS = Object.keys(HEADERS) as (keyof Row)[];

export function table(data: readonly Row[]): string {
  const widths = COLUMNS.map((c) => Math.max(HEADERS[c].length, ...data.map((r) => r[c].length)));
  const line = (r: Row) =>
    COLUMNS.map((c, i) => (i === COLUMNS.length - 1 ? r[c] : r[c].padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(HEADERS), ...data.map(line)].join("\n");
}

export function summary(
  violations: readonly Violation[],
  rules: readonly Rule[],
): { rules: number; violations: number; mandatory: number; advisory: number } {
  const mandatory = rows(violations, rules).filter((r) => r.enforcement === "mandatory").length;
  return { rules: rules.length, violations: violations.length, mandatory, advisory: violations.length - mandatory };
}
