import { describe, expect, it } from "vitest";
import { DCGM_COUNTERS, renderCountersCsv } from "../../../infra/addons/dcgm-counters";

describe("dcgm-exporter counters CSV", () => {
  it("collects utilisation, framebuffer used/free, power, temperature, XID, graphics engine and DRAM activity", () => {
    const rows = renderCountersCsv()
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => l.split(",").map((c) => c.trim()));
    expect(rows.every((r) => r.length === 3 && ["gauge", "counter"].includes(r[1]))).toBe(true);
    expect(rows.map((r) => r[0])).toEqual(
      expect.arrayContaining([
        "DCGM_FI_DEV_GPU_UTIL",
        "DCGM_FI_DEV_FB_USED",
        "DCGM_FI_DEV_FB_FREE",
        "DCGM_FI_DEV_POWER_USAGE",
        "DCGM_FI_DEV_GPU_TEMP",
        "DCGM_FI_DEV_XID_ERRORS",
        "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
        "DCGM_FI_PROF_DRAM_ACTIVE",
      ]),
    );
    expect(rows).toHaveLength(DCGM_COUNTERS.length);
  });

  it("rejects a malformed, duplicate or comma-breaking counter", () => {
    expect(() => renderCountersCsv([{ field: "GPU_UTIL", type: "gauge", help: "x" }])).toThrow(/not a DCGM field/);
    const c = { field: "DCGM_FI_DEV_GPU_UTIL", type: "gauge", help: "x" } as const;
    expect(() => renderCountersCsv([c, c])).toThrow(/twice/);
    expect(() => renderCountersCsv([{ ...c, help: "a, b" }])).toThrow(/comma/);
  });
});
