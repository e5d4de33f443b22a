// What a process tree costs, read from /proc (Linux): the peak resident memory of the tree (the
// largest sum of its processes' resident sets seen while polling, and never less than the largest
// single process's high-water mark, VmHWM, which is exact for a tree of one) and the CPU seconds
// of children once they are reaped.
import * as fs from "node:fs";

const read = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined; // the process is gone
  }
};

function descendants(pid: number, into: number[] = []): number[] {
  into.push(pid);
  for (const t of fs.existsSync(`/proc/${pid}/task`) ? fs.readdirSync(`/proc/${pid}/task`) : []) {
    const kids = read(`/proc/${pid}/task/${t}/children`)?.trim();
    if (kids) for (const k of kids.split(/\s+/)) descendants(Number(k), into);
  }
  return into;
}

/** Polls the tree under `pid` every `everyMs`; `stop()` returns its peak resident memory in MB. */
export function peakRssMeter(pid: number, everyMs = 20): { stop: () => number } {
  let peakSum = 0,
    peakOne = 0;
  const kb = (status: string, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const poll = () => {
    let sum = 0;
    for (const p of descendants(pid)) {
      const status = read(`/proc/${p}/status`) ?? "";
      sum += kb(status, "VmRSS");
      peakOne = Math.max(peakOne, kb(status, "VmHWM"));
    }
    peakSum = Math.max(peakSum, sum);
  };
  poll();
  const timer = setInterval(poll, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peakSum, peakOne) / 1024;
    },
  };
}

const ticks = 100; // USER_HZ on Linux

/** CPU seconds (user + system) of this process's reaped children: /proc/self/stat cutime + cstime. */
export function reapedChildrenCpu(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[13]) + Number(f[14])) / ticks;
}
