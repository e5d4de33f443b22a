import { monitoringConfig } from "../../monitoring/config";
import { PLAN_PUSHGATEWAY_JOB, PUSHGATEWAY_JOB } from "../../bench/contract";
// The benchmark contract (bench/contract): what the stack config, the chart and the CLI share.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { USAGE } from "../../bench/client/cli";
import {
  DEFAULT_REQUEST_TIMEOUT_S,
  overridesSchema,
  parseScenarioFile,
  PRESETS,
  presetText,
  setsRateTwice,
} from "../../bench/contract";
import { runDeadlineSeconds } from "../../charts/benchmark";

const presetsDir = path.join(import.meta.dirname, "../../bench/presets");

describe("benchmark contract", () => {
  it("names every preset file and gives its text byte for byte (the ConfigMap carries it)", () => {
    expect(fs.readdirSync(presetsDir).sort()).toEqual(PRESETS.map((p) => `${p}.json`).sort());
    for (const p of PRESETS) expect(presetText(p), p).toBe(fs.readFileSync(path.join(presetsDir, `${p}.json`), "utf8"));
  });

  it("refuses a rate and a ramp together, under the key of the ramp", () => {
    const both = { requestRate: 2, rampUp: { strategy: "linear", startRps: 1, endRps: 9 } };
    const r = overridesSchema.safeParse(both);
    expect(r.success).toBe(false);
    const issues = r.error?.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues).toEqual([["rampUp", expect.stringMatching(/Keep one/)]]);
    expect(overridesSchema.safeParse({ requestRate: 2 }).success).toBe(true);
    expect([setsRateTwice({ requestRate: 1 }), setsRateTwice({ requestRate: 1, rampUp: {} })]).toEqual([false, true]);
  });

  it("holds the client's default timeout that the CLI uses and the Job's deadline leaves room for", () => {
    expect(USAGE).toMatch(new RegExp(`--timeout-ms N .* default: ${DEFAULT_REQUEST_TIMEOUT_S * 1000}\\n`));
    const file = parseScenarioFile({ scenarios: [{ name: "a", duration: 10 }] }, "test");
    expect(runDeadlineSeconds(file, 0)).toBe(10 + DEFAULT_REQUEST_TIMEOUT_S + 300);
  });

  it("pushes under the Pushgateway jobs the monitoring content selects", () => {
    expect(PUSHGATEWAY_JOB).toBe(monitoringConfig.benchJob);
    expect(PLAN_PUSHGATEWAY_JOB).toBe(monitoringConfig.benchPlanJob);
  });
});
