// `run --workers 2` when one worker thread dies mid-run of its own heap cap (the runaway the cap is
// there to contain: it must die alone, before the pod's memory limit brings the kernel's OOM killer
// onto the whole process): the other's records are all kept and merged, the run is partial
// (exit 3), and the output names the missing share and shows the dead worker's last lines.
//
// The runaway is real: a server whose answers to worker 1's requests (odd request indexes) carry one
// SSE event of a few MB that parses into millions of objects, far above the 32 MB heap cap the run
// is given (env BENCH_WORKER_HEAP_MB), while worker 0's answers are ordinary short streams.
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { resultsFiles, runCli } from "./helpers";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-workers-survive-"));
const HEAP_MB = 32;
let server: http.Server;
let url: string;

const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const chunk = (content: string) => ({ choices: [{ index: 0, delta: { content } }] });

beforeAll(async () => {
  // 1.4 M empty objects: a 4 MB event, well over 32 MB of heap once parsed.
  const giant = `data: {"choices":[{"index":0,"delta":{"content":"x"}}],"pad":[${"{},".repeat(1_400_000)}{}]}\n\n`;
  server = http.createServer((req, res) => {
    res.on("error", () => undefined);
    if (req.url === "/v1/models")
      return res.end(JSON.stringify({ object: "list", data: [{ id: "fake", max_model_len: 4096 }] }));
    if (req.url === "/health") return res.end();
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") return res.writeHead(404).end();
    req.resume();
    const index = Number(/-req-(\d+)$/.exec(String(req.headers["x-request-id"]))?.[1]);
    res.writeHead(200, { "content-type": "text/event-stream" });
    if (index % 2 === 1) return res.end(giant);
    let sent = 0;
    const tick = setInterval(() => {
      if (sent < 4) res.write(sse(chunk(`t${sent++} `)));
      else {
        clearInterval(tick);
        res.end(
          sse({ choices: [], usage: { prompt_tokens: 32, completion_tokens: 4, total_tokens: 36 } }) +
            "data: [DONE]\n\n",
        );
      }
    }, 20);
    res.on("close", () => clearInterval(tick));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  fs.rmSync(tmp, { recursive: true, force: true });
});

it("one worker dies of its heap cap mid-run: every record of the other is merged, exit 3, the missing share named", async () => {
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
          request_rate: 20,
          max_concurrency: 8,
          random_input_len: 32,
          random_output_len: 4,
        },
      ],
    }),
  );
  const out = path.join(tmp, "results");
  const r = await runCli(
    ["run", "--base-url", url, "--config", cfg, "--output-dir", out, "--workers", "2"],
    { BENCH_WORKER_HEAP_MB: String(HEAP_MB) },
    120_000,
  );
  const all = r.stdout + r.stderr;

  expect(r.code, all).toBe(3);
  expect(r.stdout).toMatch(/heap cap 32 MB each/);
  const why = `worker 1 ran out of its ${HEAP_MB} MB heap \\(ERR_WORKER_OUT_OF_MEMORY\\)`;
  // The dead worker's last lines follow the warning.
  expect(r.stdout).toMatch(new RegExp(`warning: ${why}; the other workers go on.*\\n\\[worker 1\\] `));
  expect(r.stdout).toMatch(
    new RegExp(`shard 1 of 2 is missing \\(${why}\\): its share of every scenario \\(requests i with i mod 2 = 1\\)`),
  );
  expect(all).not.toMatch(/worker 0 (ran out|failed|exit)/);
  const file = resultsFiles(out).get("steady");
  expect(file, all).toBeDefined();
  const json = JSON.parse(fs.readFileSync(file!, "utf8"));
  const ids = (json.requests as { request_id: string }[]).map((x) => Number(/-req-(\d+)$/.exec(x.request_id)![1]));
  // Worker 0's share of the seeded plan is requests 0, 2, 4, …: every one of them is in the merge.
  const share = Array.from({ length: N }, (_, i) => i).filter((i) => i % 2 === 0);
  expect(ids.sort((a, b) => a - b)).toEqual(share);
  expect((json.requests as { success: boolean }[]).every((x) => x.success)).toBe(true);
  expect(json).toMatchObject({ partial: true, shards: 2 });
  console.log(
    `workers-survive: worker 1 died of its ${HEAP_MB} MB heap cap mid-run; merged ${ids.length} of worker 0's ${share.length} records, exit ${r.code}`,
  );
}, 150_000);
