import { describe, expect, it } from "vitest";
import { cgroupMemoryLimitMb, HEAP_ENV, workerHeapCapMb } from "../../../bench/fleet/workers";

// Each --workers thread's V8 heap cap follows the process's memory limit (a pod's), so a runaway
// worker dies alone of its own heap limit before the kernel's OOM killer takes the whole process.
const files =
  (f: Record<string, string>) =>
  (file: string): string | undefined =>
    f[file];
const MB = 2 ** 20;

describe("memory limit", () => {
  it("reads cgroup v2 memory.max, where max is no limit", () => {
    expect(cgroupMemoryLimitMb(files({ "/sys/fs/cgroup/memory.max": `${1024 * MB}\n` }))).toBe(1024);
    expect(cgroupMemoryLimitMb(files({ "/sys/fs/cgroup/memory.max": "max\n" }))).toBeUndefined();
  });

  it("reads cgroup v1 memory.limit_in_bytes when there is no v2 file; its 'no limit' and no file are none", () => {
    const v1 = "/sys/fs/cgroup/memory/memory.limit_in_bytes";
    expect(cgroupMemoryLimitMb(files({ [v1]: `${512 * MB}\n` }))).toBe(512);
    expect(cgroupMemoryLimitMb(files({ [v1]: "9223372036854771712\n" }))).toBeUndefined();
    expect(cgroupMemoryLimitMb(files({}))).toBeUndefined();
  });
});

describe("worker heap cap", () => {
  const pod = (mb: number) => files({ "/sys/fs/cgroup/memory.max": String(mb * MB) });

  it("splits the limit less the parent's reserve among the workers, leaving room outside the V8 heap", () => {
    // (1024 − 160) / 2 × 0.6
    expect(workerHeapCapMb(2, {}, pod(1024))).toBe(259);
    expect(workerHeapCapMb(4, {}, pod(1024))).toBe(129);
    // Caps and parent stay under the limit with room for each worker's young generation and buffers.
    for (const n of [2, 4, 8]) expect(n * workerHeapCapMb(n, {}, pod(2048))! + 160).toBeLessThan(2048);
  });

  it("no memory limit: no cap of ours (V8's default per worker)", () => {
    expect(workerHeapCapMb(2, {}, files({ "/sys/fs/cgroup/memory.max": "max" }))).toBeUndefined();
    expect(workerHeapCapMb(2, {}, files({}))).toBeUndefined();
  });

  it("a limit too small for the workers is refused with one line naming the fix", () => {
    expect(() => workerHeapCapMb(8, {}, pod(256))).toThrow(
      /^--workers: 8 workers in a 256 MB memory limit leave 7 MB of heap each \(32 at least\); use fewer workers, raise the memory limit, or set BENCH_WORKER_HEAP_MB$/,
    );
  });

  it(`${HEAP_ENV} overrides the derived cap, and a bad value names the variable`, () => {
    expect(workerHeapCapMb(2, { [HEAP_ENV]: "48" }, pod(256))).toBe(48);
    expect(workerHeapCapMb(2, { [HEAP_ENV]: "" }, pod(1024))).toBe(259);
    for (const bad of ["8", "1.5", "lots"])
      expect(() => workerHeapCapMb(2, { [HEAP_ENV]: bad }, pod(1024))).toThrow(
        new RegExp(`^${HEAP_ENV}: "${bad}" must be a whole number of MB ≥ 16`),
      );
  });
});
