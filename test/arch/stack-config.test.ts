import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { configTypeUses } from "./config-imports";
import { repoSources } from "./import-rules";

const root = fileURLToPath(new URL("../..", import.meta.url));
const sources = repoSources(root);

/** Modules that may still read a type off the config module (none left; the list may only stay empty). */
const pending: readonly string[] = [];

describe("only the config modules, the mapper, the program and the entry points see StackConfig (DESIGN §2)", () => {
  const uses = configTypeUses(sources);

  it("reads the real imports: with nobody allowed, the mapper, the program's reader and the CLIs show up", () => {
    const everyone = configTypeUses(sources, () => false).map((u) => `${u.file}: ${u.name}`);
    expect(everyone).toEqual(
      expect.arrayContaining([
        "infra/mapper/workloads.ts: StackConfig",
        "infra/pulumi-config.ts: StackConfig",
        "scripts/policy.ts: SecretKey",
      ]),
    );
  });

  it("no other product module imports StackConfig or a config type", () => {
    const found = uses.filter((u) => !pending.includes(u.file));
    expect(found.map((u) => `${u.file} imports ${u.name} from ${u.from}`)).toEqual([]);
  });

  it("fails on a forbidden import, in every form, and lets the allowed ones pass", () => {
    const fed = new Map([
      ["infra/config.ts", 'export interface StackConfig { a: 1 }\nexport type SecretKey = "k";\nexport const P = "p";'],
      ["infra/cluster/bad.ts", 'import type { StackConfig } from "../config";'],
      ["infra/workloads/bad.ts", 'import { P, type SecretKey } from "../config";'],
      ["infra/images/bad.ts", 'let c: import("../config").StackConfig;'],
      ["charts/vllm/bad.ts", 'export type { StackConfig } from "../../infra/config";'],
      ["policy/bad.ts", 'import * as config from "../infra/config";'],
      ["infra/addons/bad.ts", 'import { StackConfig } from "../mapper/reexport";'],
      ["infra/cluster/fine.ts", 'import { LOG_TYPES } from "../config-security";\nimport { P } from "../config";'],
      ["infra/mapper/fine.ts", 'import type { StackConfig } from "../config";'],
      ["infra/program.ts", 'import type { StackConfig } from "./config";'],
      ["scripts/fine.ts", 'import type { SecretKey } from "../infra/config";'],
      ["test/fine.ts", 'import type { StackConfig } from "../infra/config";'],
    ]);
    expect(configTypeUses(fed).map((u) => `${u.file}: ${u.name}`)).toEqual([
      "infra/cluster/bad.ts: StackConfig",
      "infra/workloads/bad.ts: SecretKey",
      "infra/images/bad.ts: StackConfig",
      "charts/vllm/bad.ts: StackConfig",
      "policy/bad.ts: *",
      "infra/addons/bad.ts: StackConfig",
    ]);
  });
});
