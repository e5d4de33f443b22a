// The catalog's fallback (old) metric names: each one kept names the vLLM releases it serves and
// lies within OLD_NAME_WINDOW_MINORS of the vLLM image the charts pin; retired ones appear in no
// generated dashboard, rule or adapter query.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { requestRateTriggerQuery } from "../../monitoring/autoscaling";
import { CATALOG, OLD_NAME_WINDOW_MINORS, RETIRED_OLD_NAMES } from "../../monitoring/catalog";
import { alertRuleGroups, recordingRuleGroups, renderRuleFile } from "../../monitoring/rules";
import { defaultAlertThresholds } from "../../monitoring/thresholds";
import { VLLM_IMAGE } from "../../charts/versions";

const minorOf = (v: string) => {
  const m = v.match(/^v?0\.(\d+)/);
  if (!m) throw new Error(`not a 0.x vLLM version: ${v}`);
  return Number(m[1]);
};
const pinned = minorOf(VLLM_IMAGE.split(":")[1]);

describe("metric catalog fallbacks", () => {
  it("each remaining fallback names its vLLM range and serves releases near the pinned image", () => {
    for (const m of CATALOG)
      for (const o of m.oldNames ?? []) {
        expect(o.serves, o.name).toMatch(/v0\.\d+/);
        expect(
          pinned - minorOf(o.lastVllm),
          `${o.name} serves vLLM ${o.serves}, pinned ${VLLM_IMAGE}`,
        ).toBeLessThanOrEqual(OLD_NAME_WINDOW_MINORS);
      }
  });

  it("retired names are out of the pinned image's window, and no query, rule or dashboard uses them", () => {
    const root = path.resolve(__dirname, "../..");
    const generated = [
      renderRuleFile(recordingRuleGroups()),
      renderRuleFile(alertRuleGroups(defaultAlertThresholds)),
      requestRateTriggerQuery("llm"),
      ...fs
        .readdirSync(path.join(root, "monitoring"))
        .filter((f) => f.endsWith(".json"))
        .map((f) => fs.readFileSync(path.join(root, "monitoring", f), "utf8")),
    ].join("\n");
    expect(RETIRED_OLD_NAMES.length).toBeGreaterThan(0);
    for (const r of RETIRED_OLD_NAMES) {
      expect(pinned - minorOf(r.lastVllm), r.name).toBeGreaterThan(OLD_NAME_WINDOW_MINORS);
      expect(generated.includes(r.name), r.name).toBe(false);
      expect(
        CATALOG.some((m) => m.name === r.replacedBy),
        r.replacedBy,
      ).toBe(true);
    }
  });
});
