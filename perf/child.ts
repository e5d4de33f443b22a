// Shared helpers of the perf scripts: the simulator in its own process (pinned to its own core
// when taskset is available), and that process's CPU time from /proc.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const root = path.resolve(import.meta.dirname, "..");
const hasTaskset = spawnSync("taskset", ["--version"]).status === 0;
const cores = os.availableParallelism();

/** Run `argv` pinned to `core` when possible (and when there is more than one core). */
export function pinned(core: number, argv: string[]): string[] {
  return hasTaskset && cores > 1 ? ["taskset", "-c", String(core % cores), ...argv] : argv;
}

/** Pin this process to `core` (Linux): the client gets one core, as the target says. */
export function pinSelf(core: number): boolean {
  if (!hasTaskset || cores < 2) return false;
  return spawnSync("taskset", ["-apc", String(core), String(process.pid)]).status === 0;
}

export interface ChildServer {
  url: string;
  proc: ChildProcess;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const ticks = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

export function cpuSecondsOf(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command name): utime, stime.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / ticks;
}

/** Start `vllm-bench sim` (or any script printing its http URL) in a child process. */
export async function startChild(
  args: string[],
  core: number,
  urlPattern = /on (http:\/\/127\.0\.0\.1:\d+)/,
): Promise<ChildServer> {
  const node = process.execPath;
  const [cmd, ...rest] = pinned(core, [node, "--import", "tsx", ...args]);
  const proc = spawn(cmd, rest, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(urlPattern);
      if (m) resolve(m[1]);
    });
    proc.on("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code} before serving:\n${out}`)));
  });
  // The child's real pid: taskset execs the command, so it is the same process.
  return {
    url,
    proc,
    cpuSeconds: () => cpuSecondsOf(proc.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      }),
  };
}

/** CPU time the hypervisor gave to others ("steal"), as a fraction, between two snapshots. */
export function stealMeter(): () => number {
  const read = () => {
    const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
    return { steal: f[7] ?? 0, total: f.reduce((a, b) => a + b, 0) };
  };
  let a: { steal: number; total: number };
  try {
    a = read();
  } catch {
    return () => NaN; // not Linux
  }
  return () => {
    const b = read();
    return b.total > a.total ? (b.steal - a.steal) / (b.total - a.total) : 0;
  };
}
