import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { unknownFields, validateSchema } from "../charts/schema";
import { loadScenarioFile } from "../../bench/client/scenario";
import { parseScenarioFile } from "../../bench/contract";
import { QUICK } from "../../bench/plan/modes";
import { CONFIRM_RUNS, CONFIRMATIONS } from "../../bench/plan/search";
import { ALERTMANAGER_WEBHOOK_SECRET, GRAFANA_ADMIN_SECRET } from "../../infra/addons/kube-prometheus-stack";
import { secretKeys } from "../../infra/config";
import { parseStackConfig, splitStackFileConfig } from "../../infra/config-load";
import { API_KEY_SECRET, HF_TOKEN_SECRET } from "../../infra/mapper";
import { policies } from "../../policy/pack/policies";
import { classify, KNOWN_BROKEN, NOT_PATHS, ON_THIS_MACHINE, RUN_TIME_CLAIMS } from "./catalog";
import {
  commandsIn,
  fencedBlocks,
  inlineCode,
  listDocs,
  matches,
  ROOT,
  runTimeClaims,
  stackOutputsNamed,
  where,
  type Doc,
} from "./extract";

// The docs are part of the product: what README.md and docs/*.md promise is extracted and checked
// here (names, examples, which commands can run offline) and in docs.slow.test.ts (the commands
// themselves, and the run times they quote). Every failure names the doc file and line.

const docs = listDocs();
const counts = { commands: 0, commandsRun: 0, commandsSkipped: 0, examples: 0, names: 0, runTimeClaims: 0 };
afterAll(() => console.log(`docs suite: ${docs.length} docs; ${JSON.stringify(counts)}`));

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const tracked = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);

describe("docs: commands", () => {
  it("every command in a shell block or inline command is either run offline (slow suite) or listed with why it cannot be", () => {
    const unknown: string[] = [];
    for (const d of docs)
      for (const c of commandsIn(d)) {
        counts.commands++;
        const v = classify(c.cmd);
        if (!v)
          unknown.push(
            `${where(c)}: \`${c.cmd}\` is neither run by the docs suite nor listed in test/docs/catalog.ts with a reason`,
          );
        else if (v.run) counts.commandsRun++;
        else counts.commandsSkipped++;
      }
    expect(unknown).toEqual([]);
    expect(counts.commandsRun).toBeGreaterThan(5);
  });

  it("every npm script the docs name exists in package.json", () => {
    const missing: string[] = [];
    for (const d of docs)
      for (const m of [
        ...matches(d, /npm run(?:-script)?\s+(?:(?:-s|--silent)\s+)?([a-z][\w:.-]*)/g),
        ...matches(d, /\bnpm (start|test)\b/g),
      ]) {
        counts.names++;
        if (!(m.name in pkg.scripts)) missing.push(`${where(m)}: npm script \`${m.name}\` is not in package.json`);
      }
    expect(missing).toEqual([]);
  });
});

/** A repository path the docs name: relative, with a slash, no glob, not generated output. */
function isRepoPath(p: string): boolean {
  return /^[\w.-]+(\/[\w.-]+)*\/[\w.-]*$/.test(p) && !/^(dist|results|out|node_modules)(\/|$)/.test(p);
}
const looksLikeHostOrImage = (s: string) => /^[\w-]+(\.[\w-]+)+\//.test(s) || /:/.test(s) || /^\w+\/\w+:/.test(s);

describe("docs: names", () => {
  it("every file or folder path the docs name exists (at the root, or as the end of a tracked path)", () => {
    const missing: string[] = [];
    for (const d of docs)
      for (const c of inlineCode(d)) {
        const p = c.text.trim().replace(/^\.\//, "");
        if (!isRepoPath(p) || looksLikeHostOrImage(p) || p.startsWith("/") || p in NOT_PATHS) continue;
        // Kubernetes kinds and API groups ("apps/v1", "svc/name", "job/vllm-bench-…") are not files.
        if (/^(svc|job|cronjob|deployment|pod|release|apps|v1|autoscaling|monitoring\.coreos\.com)\//.test(p)) continue;
        counts.names++;
        const bare = p.replace(/\/$/, "");
        const exists =
          fs.existsSync(path.join(ROOT, bare)) ||
          tracked.some(
            (t) => t === bare || t.endsWith(`/${bare}`) || t.startsWith(`${bare}/`) || t.includes(`/${bare}/`),
          );
        if (!exists) missing.push(`${where(c)}: \`${c.text}\` does not exist in the repository`);
      }
    expect(missing).toEqual([]);
  });

  it("every Kubernetes Secret and secret config key the docs name is one the project creates or reads", () => {
    const secrets = new Set<string>([
      HF_TOKEN_SECRET.name,
      API_KEY_SECRET.name,
      GRAFANA_ADMIN_SECRET.name,
      ALERTMANAGER_WEBHOOK_SECRET.name,
    ]);
    const bad: string[] = [];
    for (const d of docs) {
      for (const m of [
        ...matches(d, /Secret `([a-z0-9][a-z0-9.-]*)`/g),
        ...matches(d, /`([a-z0-9][a-z0-9.-]*)` Secret/g),
        ...matches(d, /create secret generic ([a-z0-9][a-z0-9.-]*)/g),
      ]) {
        counts.names++;
        if (!secrets.has(m.name))
          bad.push(
            `${where(m)}: Secret \`${m.name}\` is not created by the project (known: ${[...secrets].join(", ")})`,
          );
      }
      for (const m of matches(d, /pulumi config set --secret\s+([a-z]\w*)/g)) {
        counts.names++;
        if (!(m.name in secretKeys))
          bad.push(`${where(m)}: secret config key \`${m.name}\` is not one of ${Object.keys(secretKeys).join(", ")}`);
      }
    }
    expect(bad).toEqual([]);
    // The README's secret table is generated from secretKeys: its Secret names are checked above.
    expect(docs.find((d) => d.file === "README.md")!.text).toContain(`Secret \`${HF_TOKEN_SECRET.name}\``);
  });

  it("every stack output the docs name is a field of StackOutputs (test/infra/outputs.test.ts runs the real program)", () => {
    const program = fs.readFileSync(path.join(ROOT, "infra/program.ts"), "utf8");
    const body = /export interface StackOutputs \{([\s\S]*?)\n\}/.exec(program)![1];
    const fields = new Set([...body.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]));
    const bad = stackOutputsNamed(docs)
      .filter((n) => {
        counts.names++;
        return !fields.has(n.name);
      })
      .map((n) => `${where(n)}: stack output \`${n.name}\` is not in StackOutputs`);
    expect(fields.size).toBeGreaterThan(5);
    expect(bad).toEqual([]);
  });
});

async function loadExample(d: Doc, lang: string, code: string): Promise<string | undefined> {
  if (lang === "json") {
    const value = JSON.parse(code);
    if (value && typeof value === "object" && "scenarios" in value) {
      parseScenarioFile(value, "example");
      return "scenario file (bench scenario loader)";
    }
    if (value?.$schema === "https://json-schema.org/draft/2020-12/schema") {
      // A published JSON Schema: a draft 2020-12 validator in strict mode must compile it.
      new Ajv2020({ strict: true }).compile(value);
      return "JSON Schema (ajv compiles it)";
    }
    const ids = new Set(policies.map((p) => p.name));
    if (Object.keys(value).every((k) => ids.has(k))) {
      // A policy pack config: each policy's own config schema must accept it.
      const ajv = new Ajv({ strict: false });
      for (const [id, cfg] of Object.entries(value)) {
        const schema = policies.find((p) => p.name === id)!.configSchema;
        expect(schema, `${d.file}: policy ${id} takes no config`).toBeDefined();
        const ok = ajv.validate({ type: "object", additionalProperties: false, ...schema }, cfg);
        expect(ok, `${d.file}: ${id}: ${ajv.errorsText()}`).toBe(true);
      }
      return "policy pack config (each policy's configSchema)";
    }
    return undefined;
  }
  if (lang === "yaml" || lang === "yml") {
    const docsIn = parseAllDocuments(code).map((x) => x.toJS() as Record<string, unknown>);
    const isK8sObject = (o: Record<string, unknown>): o is { apiVersion: string; kind: string } =>
      o && typeof o.apiVersion === "string" && typeof o.kind === "string";
    if (docsIn.length > 0 && docsIn.every(isK8sObject)) {
      // Kubernetes objects: the same schema and unknown-field checks our charts get.
      for (const o of docsIn) {
        await validateSchema(o);
        expect(unknownFields(o), `${d.file}: ${o.kind}`).toEqual([]);
      }
      return "Kubernetes objects (test/charts/schema.ts)";
    }
    const value = parseYaml(code) as Record<string, unknown>;
    // A whole Pulumi.<stack>.yaml (`config:`) or a snippet of its config keys.
    const config =
      value && typeof value === "object" && "config" in value ? (value.config as Record<string, unknown>) : value;
    if (config && typeof config === "object" && Object.keys(config).some((k) => k.startsWith("vllm-k8s:"))) {
      const { raw, secrets } = splitStackFileConfig(config);
      parseStackConfig({ cluster: { mode: "existing" }, ...raw }, secrets.keys());
      return "stack config (infra config loader)";
    }
    return undefined;
  }
  return undefined;
}

describe("docs: examples", () => {
  it("every JSON and YAML example loads through the project's own loader", async () => {
    const bad: string[] = [];
    for (const d of docs)
      for (const b of fencedBlocks(d).filter((x) => ["json", "yaml", "yml"].includes(x.lang))) {
        counts.examples++;
        const known = KNOWN_BROKEN.find((k) => k.file === d.file && k.text.test(b.code));
        let error: string | undefined;
        try {
          if (!(await loadExample(d, b.lang, b.code)))
            error = `a ${b.lang} example of no known kind (scenario file, stack config, policy config, Kubernetes objects): add its loader to test/docs/docs.test.ts`;
        } catch (e) {
          error = (e as Error).message.split("\n").slice(0, 4).join(" ");
        }
        if (known && !error)
          bad.push(`${where(b)}: loads now; remove its KNOWN_BROKEN entry (${known.owner}) from test/docs/catalog.ts`);
        else if (error && !known) bad.push(`${where(b)}: ${error}`);
      }
    expect(counts.examples).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });
});

describe("docs: run-time numbers", () => {
  it("every run time the docs quote is checked by a test (catalog.ts) or said to hold on this machine", () => {
    const bad: string[] = [];
    for (const d of docs)
      for (const c of runTimeClaims(d)) {
        counts.runTimeClaims++;
        const paragraph = d.lines.slice(Math.max(0, c.line - 4), c.line).join(" ");
        if (ON_THIS_MACHINE.test(paragraph)) continue;
        const entry = RUN_TIME_CLAIMS.find(
          (e) => e.file === d.file && (c.text.match(e.text)?.[0] ?? "").includes(c.claim),
        );
        if (!entry)
          bad.push(
            `${where(c)}: "${c.claim}" is a run time no test checks: measure it (test/docs/catalog.ts) or say "on this machine"`,
          );
      }
    expect(bad).toEqual([]);
  });

  // Fewest: two short points and the answer's pair of long runs; most: every short point, then
  // every confirmation rate with its third run. Planned durations only, as for the presets.
  it("the quick plan's run time quoted in the docs spans its mode's fewest to most planned seconds", () => {
    const long = QUICK.confirm!.pointDurationS;
    const fewest = 2 * QUICK.pointDurationS + CONFIRM_RUNS * long;
    const most = QUICK.maxPoints * QUICK.pointDurationS + CONFIRMATIONS * (CONFIRM_RUNS + 1) * long;
    const claims = RUN_TIME_CLAIMS.flatMap(({ file, check }) => (check.kind === "quick-plan" ? [{ file, check }] : []));
    expect(claims.length).toBeGreaterThan(0);
    for (const { file, check } of claims) {
      const range = `${file}: the docs say ${check.fromSeconds}–${check.toSeconds} s, the mode plans ${fewest}–${most} s`;
      expect(check.fromSeconds, range).toBeLessThanOrEqual(fewest);
      expect(check.fromSeconds, range).toBeGreaterThan(fewest * 0.75);
      expect(check.toSeconds, range).toBeGreaterThanOrEqual(most);
      expect(check.toSeconds, range).toBeLessThan(most * 1.25);
    }
  });

  it("preset run times quoted in the docs match the presets' own plans (durations and pauses)", () => {
    for (const { file, check } of RUN_TIME_CLAIMS) {
      if (check.kind !== "plan" && check.kind !== "preset-setting") continue;
      const preset = loadScenarioFile(check.preset);
      const durations = preset.scenarios.map((s) => (s as { duration?: number }).duration ?? NaN);
      const pauses = preset.scenarios.map((s) => (s as { pause_after_s?: number }).pause_after_s ?? 0);
      if (check.kind === "preset-setting") {
        expect(
          durations.every((d) => d === check.seconds),
          `${file}: every ${check.preset} scenario lasts ${check.seconds} s`,
        ).toBe(true);
        continue;
      }
      const planned = durations.reduce((a, b) => a + b, 0) + pauses.reduce((a, b) => a + b, 0);
      if (check.bound === "at most")
        expect(planned, `${file}: ${check.preset} plan`).toBeLessThanOrEqual(check.seconds);
      else
        expect(
          Math.abs(planned - check.seconds) / check.seconds,
          `${file}: ${check.preset} plans ${planned} s, the docs say about ${check.seconds} s`,
        ).toBeLessThan(0.15);
    }
  });
});
