import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { alertRules } from "../../monitoring/alerts";
import { alertRuleGroups, recordingRuleGroups, renderRuleFile } from "../../monitoring/rules";
import { alertThresholdsSchema, defaultAlertThresholds } from "../../monitoring/thresholds";
import { alertCases } from "./alert-cases";

// The real promtool (Debian package `prometheus`): `check rules` on every generated group and
// `test rules` on a firing and a quiet case per alert (rules.test.ts checks, instantly, that every
// alert has both cases, its annotations and its runbook section).

function promtool(args: string[], cwd: string) {
  const r = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  expect(r.error, "promtool must be installed (Debian package prometheus)").toBeUndefined();
  return { code: r.status, out: r.stdout + r.stderr };
}

/** Alert groups without annotations: templates are checked by `check rules`; unit tests assert labels. */
function labelsOnly(groups: ReturnType<typeof alertRuleGroups>): string {
  return stringify(
    { groups: groups.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, annotations: {} })) })) },
    { lineWidth: 0 },
  );
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tmp(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-rules-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe("generated rule files", () => {
  it("pass promtool check rules, with defaults and with every threshold changed", () => {
    const changed = alertThresholdsSchema.parse({
      e2eLatencyP95Seconds: 5,
      gpuPodPendingMinutes: 45,
      errorRatio: 0.01,
      runbookBaseUrl: "https://wiki.example.com/runbooks",
    });
    const dir = tmp({
      "recording.yaml": renderRuleFile(recordingRuleGroups()),
      "alerts.yaml": renderRuleFile(alertRuleGroups(defaultAlertThresholds)),
      "alerts-changed.yaml": renderRuleFile(alertRuleGroups(changed)),
    });
    const r = promtool(["check", "rules", "recording.yaml", "alerts.yaml", "alerts-changed.yaml"], dir);
    expect(r.out).not.toMatch(/FAILED/);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
  });
});

describe("promtool test rules", () => {
  const cases = alertCases();

  it("every case behaves: fires after its `for` (not before), or stays quiet", () => {
    const severity = Object.fromEntries(alertRules(defaultAlertThresholds).map((r) => [r.alert, r.labels.severity]));
    const tests = cases.map((c) => ({
      name: `${c.alert}: ${c.name}`,
      interval: "1m",
      input_series: c.input,
      alert_rule_test: [
        ...(c.fires && c.forMinutes ? [{ eval_time: "1m", alertname: c.alert, exp_alerts: [] }] : []),
        {
          eval_time: `${c.evalMinutes}m`,
          alertname: c.alert,
          exp_alerts: c.fires ? [{ exp_labels: { severity: severity[c.alert], ...c.labels } }] : [],
        },
      ],
    }));
    const dir = tmp({
      "recording.yaml": renderRuleFile(recordingRuleGroups()),
      "alerts.yaml": labelsOnly(alertRuleGroups(defaultAlertThresholds)),
      "tests.yaml": stringify(
        { rule_files: ["recording.yaml", "alerts.yaml"], evaluation_interval: "1m", tests },
        { lineWidth: 0 },
      ),
    });
    const r = promtool(["test", "rules", "tests.yaml"], dir);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/SUCCESS/);
  });

  it("would catch a broken alert: a threshold raised past the firing input fails the suite", () => {
    const broken = alertRuleGroups(alertThresholdsSchema.parse({ kvCacheUsageRatio: 0.99 }));
    const c = cases.find((x) => x.alert === "VllmKvCacheNearFull" && x.fires)!;
    const dir = tmp({
      "recording.yaml": renderRuleFile(recordingRuleGroups()),
      "alerts.yaml": labelsOnly(broken),
      "tests.yaml": stringify({
        rule_files: ["recording.yaml", "alerts.yaml"],
        evaluation_interval: "1m",
        tests: [
          {
            interval: "1m",
            input_series: c.input,
            alert_rule_test: [
              {
                eval_time: `${c.evalMinutes}m`,
                alertname: c.alert,
                exp_alerts: [{ exp_labels: { severity: "warning", ...c.labels } }],
              },
            ],
          },
        ],
      }),
    });
    expect(promtool(["test", "rules", "tests.yaml"], dir).code).not.toBe(0);
    expect(parse(fs.readFileSync(path.join(dir, "alerts.yaml"), "utf8")).groups.length).toBeGreaterThan(0);
  });
});
