import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { alertmanagerEntrypoint } from "../../compose/alertmanager";
import { writeTargetsScript } from "../../compose/prometheus";

// The scripts run under the images' busybox sh; /bin/sh here (dash) is another strict POSIX
// shell, so anything bash-only would fail here too.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "compose-sd-"));
const script = path.join(dir, "write-targets.sh");
fs.writeFileSync(script, writeTargetsScript());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(env: Record<string, string>) {
  const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync("sh", [script, out], { env: { PATH: process.env.PATH!, ...env }, encoding: "utf8" });
  return {
    status: r.status,
    stderr: r.stderr,
    json: fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, "utf8")) : undefined,
  };
}

describe("write-targets.sh (VLLM_TARGETS -> file_sd)", () => {
  it("defaults to the simulator service with namespace=docker", () => {
    expect(run({}).json).toEqual([{ targets: ["simulator:8000"], labels: { namespace: "docker" } }]);
  });

  it("splits a comma-separated list, trimming spaces and empty entries", () => {
    const r = run({ VLLM_TARGETS: " 10.0.0.5:8000, gpu-box.lan:8001,,", VLLM_NAMESPACE: "team-a" });
    expect(r.status).toBe(0);
    expect(r.json).toEqual([{ targets: ["10.0.0.5:8000", "gpu-box.lan:8001"], labels: { namespace: "team-a" } }]);
  });

  it.each([
    ["a host without a port", "vllm-host", /has no port: write it as vllm-host:8000/],
    ["a URL instead of host:port", "http://vllm:8000", /not host:port/],
    ["JSON-breaking characters", 'x",":1', /not host:port/],
    ["only commas", ",,", /VLLM_TARGETS is empty/],
  ])("rejects %s, naming VLLM_TARGETS", (_what, value, message) => {
    const r = run({ VLLM_TARGETS: value });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.json).toBeUndefined();
  });

  it("rejects a namespace that is not a label value", () => {
    const r = run({ VLLM_NAMESPACE: "a b" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/VLLM_NAMESPACE/);
  });
});

describe("alertmanager entrypoint", () => {
  const amDir = fs.mkdtempSync(path.join(dir, "am-"));
  const entry = path.join(amDir, "entrypoint.sh");
  fs.writeFileSync(entry, alertmanagerEntrypoint());
  // Stand-in for the alertmanager binary: prints the arguments it was started with.
  const fakeBin = path.join(amDir, "print-args");
  fs.writeFileSync(fakeBin, '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n', { mode: 0o755 });
  const start = (env: Record<string, string>) =>
    execFileSync("sh", [entry, "--storage.path=/x"], {
      env: { PATH: process.env.PATH!, ALERTMANAGER_BIN: fakeBin, SECRETS_DIR: amDir, ...env },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });

  it("writes ALERT_WEBHOOK_URL to the url_file (owner-only) and loads the webhook config", () => {
    const args = start({ ALERT_WEBHOOK_URL: "https://hooks.example.com/abc" }).trim().split("\n");
    expect(args).toEqual([`--config.file=${amDir}/alertmanager.yml`, "--storage.path=/x"]);
    expect(fs.readFileSync(path.join(amDir, "webhook-url"), "utf8")).toBe("https://hooks.example.com/abc");
    expect(fs.statSync(path.join(amDir, "webhook-url")).mode & 0o077).toBe(0);
  });

  it("falls back to the config without a receiver when ALERT_WEBHOOK_URL is unset", () => {
    expect(start({}).trim().split("\n")[0]).toBe(`--config.file=${amDir}/alertmanager-no-webhook.yml`);
  });

  it("rejects a webhook URL without a scheme", () => {
    expect(() => start({ ALERT_WEBHOOK_URL: "hooks.example.com" })).toThrow(/ALERT_WEBHOOK_URL must start with http/);
  });
});
