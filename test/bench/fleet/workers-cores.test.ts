import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { usableCores, type CpuReaders } from "../../../bench/fleet/workers";
import { defaultWorkers } from "../../../bench/fleet/plan";

// The default --workers follows the CPUs the process may use: its affinity and its cgroup quota.
const readers = (affinity: number, files: Record<string, string>): CpuReaders => ({
  affinity: () => affinity,
  read: (f) => files[f],
});

describe("usable cores", () => {
  it("takes the smaller of the affinity and the cgroup v2 quota, rounded down, at least 1", () => {
    expect(usableCores(readers(8, { "/sys/fs/cgroup/cpu.max": "200000 100000\n" }))).toBe(2);
    expect(usableCores(readers(8, { "/sys/fs/cgroup/cpu.max": "150000 100000\n" }))).toBe(1);
    expect(usableCores(readers(8, { "/sys/fs/cgroup/cpu.max": "50000 100000\n" }))).toBe(1);
    expect(usableCores(readers(2, { "/sys/fs/cgroup/cpu.max": "400000 100000\n" }))).toBe(2);
    expect(usableCores(readers(8, { "/sys/fs/cgroup/cpu.max": "max 100000\n" }))).toBe(8);
  });

  it("reads a cgroup v1 quota when there is no v2 file, and none means the affinity", () => {
    const v1 = {
      "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "300000\n",
      "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
    };
    expect(usableCores(readers(16, v1))).toBe(3);
    expect(usableCores(readers(16, { ...v1, "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n" }))).toBe(16);
    expect(usableCores(readers(4, {}))).toBe(4);
  });

  it("a pod limited to 2 CPUs on a large node runs 2 workers at 2,000 streams, not one per host core", () => {
    const pod = readers(64, { "/sys/fs/cgroup/cpu.max": "200000 100000" });
    expect(defaultWorkers(2000, usableCores(pod))).toBe(2);
    expect(defaultWorkers(2000, usableCores(readers(1, {})))).toBe(1);
  });

  it.runIf(spawnSync("taskset", ["--version"]).status === 0)(
    "the real reader follows the affinity: under taskset -c 0 the process may use 1 core",
    () => {
      const r = spawnSync(
        "taskset",
        [
          "-c",
          "0",
          process.execPath,
          "--import",
          "tsx",
          "-e",
          `import("${path.resolve("bench/fleet/workers.ts")}").then((m) => console.log(m.usableCores()))`,
        ],
        { encoding: "utf8" },
      );
      expect(r.stdout.trim()).toBe("1");
    },
  );
});
