import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { AddonSettings } from "../../infra/addons";
import { parseStackConfig } from "../../infra/config-load";
import { addonSettings } from "../../infra/mapper";
import { exampleGraph } from "../graphs/read";
import type { GraphNode } from "../../policy/model";
import { kubeObjects } from "../../policy/graph";
import { reachability, reachRows, type CataloguePod } from "../../policy/netpol";
import { catalogue as ourAndAddonPods } from "./connections";
import { clone } from "./helpers";

// The flow test: from the NetworkPolicies in the default eks graph, compute which pod may reach
// which port, and check it equals docs/security.md's flow table, nothing more and nothing less.

const DOC = new URL("../../docs/security.md", import.meta.url);
const BEGIN = "<!-- flows:begin -->";
const END = "<!-- flows:end -->";

/** The table rows between the markers, as `from | to | ports`. */
function docRows(): string[] {
  const text = fs.readFileSync(DOC, "utf8");
  const body = text.slice(text.indexOf(BEGIN) + BEGIN.length, text.indexOf(END));
  return body
    .split("\n")
    .filter((l) => l.startsWith("|") && !/^\|\s*-/.test(l) && !/^\|\s*from\s*\|/.test(l))
    .map((l) =>
      l
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim().replace(/`/g, ""))
        .slice(0, 3)
        .join(" | "),
    )
    .sort();
}

/** Our pods and the installed add-ons' (their descriptors' labels), and a stranger. */
function catalogue(graph: readonly GraphNode[]): CataloguePod[] {
  const stranger = {
    namespace: "default",
    name: "stranger",
    labels: { "app.kubernetes.io/name": "prometheus" },
    ports: [8080],
  };
  return [...ourAndAddonPods(graph, settings), stranger];
}

let graph: GraphNode[];
let settings: AddonSettings;
beforeAll(async () => {
  const example = await exampleGraph("eks");
  graph = example.nodes;
  const input = example.input;
  settings = addonSettings(parseStackConfig(input.config, Object.keys(input.secrets ?? {}) as any));
});

/** Flows into our namespaces (the stranger is only ever a source). */
const rows = (g: readonly GraphNode[]) =>
  reachRows(reachability(kubeObjects(g), catalogue(g)).filter((r) => !r.to.startsWith("default/")));

describe("NetworkPolicy flows (eks stack)", () => {
  it("equal the flow table in docs/security.md, nothing more and nothing less", () => {
    expect(rows(graph)).toEqual(docRows());
  });

  it("every namespace we create has a default-deny ingress policy", () => {
    const namespaces = kubeObjects(graph)
      .filter((o) => o.kind === "Namespace")
      .map((o) => o.name);
    expect(namespaces.sort()).toEqual(["monitoring", "vllm"]);
    for (const ns of namespaces) {
      const deny = kubeObjects(graph).filter(
        (o) => o.kind === "NetworkPolicy" && o.namespace === ns && o.name === "default-deny-ingress",
      );
      expect(deny, ns).toHaveLength(1);
      expect(deny[0].body.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
    }
  });

  it("would show a pod the default-deny no longer covers (the test can fail)", () => {
    const g = clone(graph);
    const group = g.find((n) => n.type === "kubernetes:yaml/v2:ConfigGroup" && n.name === "workloads")!;
    group.inputs.objs = group.inputs.objs.filter(
      (o: any) => !(o.kind === "NetworkPolicy" && o.metadata.name === "default-deny-ingress"),
    );
    expect(rows(g)).toContain("any source | vllm/vllm-bench | any");
  });

  it("would show a stranger reaching Prometheus through a too-wide selector", () => {
    const g = clone(graph);
    const group = g.find((n) => n.name === "monitoring-network-policies")!;
    const np = group.inputs.objs.find((o: any) => o.metadata.name === "allow-to-prometheus");
    delete np.spec.ingress[0].from[0].namespaceSelector;
    np.spec.ingress[0].from[0].namespaceSelector = {};
    expect(rows(g)).toContain("default/stranger | monitoring/prometheus | 8080, 9090");
  });
});

describe("docs/security.md", () => {
  it("names, for every control it marks met, a rule that exists or a test file that exists", async () => {
    const { rules } = await import("../../policy/rules");
    const ids = new Set(rules.map((r) => r.id));
    const doc = fs.readFileSync(DOC, "utf8");
    const section = doc.slice(doc.indexOf("## Controls"), doc.indexOf("## Private-only API endpoint"));
    const rows = section
      .split("\n")
      .filter((l) => l.startsWith("| ") && !l.startsWith("| control") && !l.startsWith("| ---"))
      .map((l) => l.split("|").map((c) => c.trim()));
    expect(rows.length).toBeGreaterThanOrEqual(35);
    const testFiles = fs
      .readdirSync(new URL("../", import.meta.url), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".test.ts"));
    let previous: string[] = [];
    const problems: string[] = [];
    for (const [, control, , , rule, test] of rows) {
      const named = [...rule.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]);
      const tests = test
        .split(/,\s*/)
        .map((t) => t.replace(/\s*\(.*$/, "").trim())
        .flatMap((t) => (t === "same" ? previous : t ? [t] : []));
      previous = tests;
      for (const id of named) if (!ids.has(id)) problems.push(`${control}: no rule ${id}`);
      for (const t of tests)
        if (!testFiles.some((f) => f === t.replace(/^test\//, "") || f.endsWith(`/${t}`) || f === t))
          problems.push(`${control}: no test file ${t}`);
      if (named.length + tests.length === 0) problems.push(`${control}: names neither a rule nor a test`);
    }
    expect(problems).toEqual([]);
  });

  it("names every policy rule", async () => {
    const { rules } = await import("../../policy/rules");
    const doc = fs.readFileSync(DOC, "utf8");
    expect(rules.length).toBeGreaterThanOrEqual(35);
    expect(rules.map((r) => r.id).filter((id) => !doc.includes(`\`${id}\``))).toEqual([]);
  });
});
