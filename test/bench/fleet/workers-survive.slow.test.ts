// `run --workers 2` when one worker is SIGKILLed mid-run (the OOM killer, a node drain): the
// other's records are all kept and merged, the run is partial (exit 3), and the output names the
// missing share and shows the dead worker's last lines.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, it } from "vitest";
import { cliTestEnv } from "../cli-env";
import { resultsFiles, root } from "./helpers";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-workers-survive-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The --workers children of `parent`, by their shard index (JOB_COMPLETION_INDEX in their environment). */
function workerPids(parent: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const ppid = Number(/^PPid:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
      if (ppid !== parent) continue;
      const env = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      const index = env.find((e) => e.startsWith("JOB_COMPLETION_INDEX="))?.split("=")[1];
      if (index !== undefined) out.set(Number(index), Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

it("one worker SIGKILLed mid-run: every record of the other is merged, exit 3, the missing share named", async () => {
  const N = 60;
  const cfg = path.join(tmp, "steady.json");
  fs.writeFileSync(
    cfg,
    JSON.stringify({
      name: "steady",
      scenarios: [
        {
          name: "steady",
          num_prompts: N,
          request_rate: 10,
          max_concurrency: 8,
          random_input_len: 32,
          random_output_len: 16,
        },
      ],
    }),
  );
  const out = path.join(tmp, "results");
  const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
  const child = spawn(
    process.execPath,
    ["--import", tsx, path.join(root, "bench/cli.ts"), "run", "--config", cfg, "--output-dir", out, "--workers", "2"],
    { cwd: root, env: cliTestEnv(), stdio: "pipe" },
  );
  let stdout = "",
    stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on("exit", r));
  // Mid-run: once both workers are past the start barrier and sending (the run takes about 6 s).
  const until = Date.now() + 60_000;
  while (!fs.existsSync(out) || !fs.readdirSync(out).some((d) => d.startsWith(".workers-"))) {
    if (Date.now() > until) throw new Error(`no workers started\n${stdout}${stderr}`);
    await sleep(100);
  }
  const scratch = path.join(
    out,
    fs.readdirSync(out).find((d) => d.startsWith(".workers-"))!,
  );
  while (
    !fs.existsSync(path.join(scratch, "ready", "steady")) ||
    fs.readdirSync(path.join(scratch, "ready", "steady")).length < 2
  ) {
    if (Date.now() > until) throw new Error(`workers never reached the start barrier\n${stdout}${stderr}`);
    await sleep(50);
  }
  await sleep(2500);
  const pids = workerPids(child.pid!);
  expect([...pids.keys()].sort()).toEqual([0, 1]);
  process.kill(pids.get(1)!, "SIGKILL");
  const code = await exited;

  expect(code, stdout + stderr).toBe(3);
  expect(stdout + stderr).not.toMatch(/their lines are above/);
  expect(stdout).toMatch(/warning: worker 1 killed by SIGKILL; the other workers go on/);
  expect(stdout).toMatch(
    /shard 1 of 2 is missing \(worker 1 killed by SIGKILL\): its share of every scenario \(requests i with i mod 2 = 1\)/,
  );
  const file = resultsFiles(out).get("steady");
  expect(file, stdout).toBeDefined();
  const json = JSON.parse(fs.readFileSync(file!, "utf8"));
  const ids = (json.requests as { request_id: string }[]).map((r) => Number(/-req-(\d+)$/.exec(r.request_id)![1]));
  // Worker 0's share of the seeded plan is requests 0, 2, 4, …: every one of them is in the merge.
  const share = Array.from({ length: N }, (_, i) => i).filter((i) => i % 2 === 0);
  expect(ids.sort((a, b) => a - b)).toEqual(share);
  expect(json).toMatchObject({ partial: true, shards: 2 });
  console.log(
    `workers-survive: worker 1 SIGKILLed mid-run; merged ${ids.length} of worker 0's ${share.length} records, exit ${code}`,
  );
}, 120_000);
