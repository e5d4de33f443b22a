import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseComposeOptions } from "../../compose/options";
import { prometheusFiles } from "../../compose/prometheus";
import { writeFiles } from "./bundle-files";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "compose-promtool-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("generated prometheus.yml", () => {
  it("passes `promtool check config` with the rule files laid out beside it", () => {
    writeFiles(dir, prometheusFiles(parseComposeOptions(), {}));
    const r = spawnSync("promtool", ["check", "config", path.join(dir, "prometheus.yml")], { encoding: "utf8" });
    expect(r.error).toBeUndefined();
    expect(`${r.stdout}${r.stderr}`).toMatch(/SUCCESS/);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
