import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { summary, type PlanFile } from "../../bench/plan/plan";
import { QUICK, tradedAway } from "../../bench/plan/modes";
import { recommend } from "../../bench/plan/recommend";

// docs/serving.md's `vllm-bench plan` example: the search lines and the sustainable rate are a
// measurement of one machine at one time (the simulator runs in real time), so the doc must say
// which machine and when; everything the planner derives from that rate is recomputed here with
// the planner's own code and must match the doc line for line.

const DOC = fs.readFileSync(new URL("../../docs/serving.md", import.meta.url), "utf8");
const COMMAND = "$ npx vllm-bench plan --quick --peak-rps 30";

/** The example's console block (after its command) and the paragraph that introduces it. */
function example(doc: string): { intro: string; lines: string[] } {
  const at = doc.indexOf(COMMAND);
  if (at < 0) throw new Error(`docs/serving.md: no console block starting with ${COMMAND}`);
  const fence = doc.lastIndexOf("```console", at);
  const intro = doc.slice(doc.lastIndexOf("\n\n", fence - 3) + 2, fence);
  const body = doc.slice(at + COMMAND.length + 1, doc.indexOf("\n```", at));
  return { intro, lines: body.split("\n").filter((l) => l !== "...") };
}

/** The planner's summary for the rate, knee and fleet settings the example shows. */
function recomputed(lines: string[]): string[] {
  const row = (name: string) => lines.find((l) => l.startsWith(name)) ?? "";
  const num = (re: RegExp, text: string) => Number(text.match(re)?.[1]);
  const sustainable = row("sustainable rate (1 replica)");
  const sustainableRps = num(/(\d+(?:\.\d+)?) req\/s/, sustainable);
  const knee = num(/; (\d+(?:\.\d+)?) req\/s surely missed one/, sustainable);
  const stop = sustainable.match(/\((\w[\w-]*)\)$/)?.[1] as PlanFile["plan"]["stop"];
  const nodes = row("gpuNodes.maxSize").match(/per (\S+) \(TP (\d+), (\d+) GPU\/node\)/)!;
  const fleet = {
    peakRps: num(/peak (\d+(?:\.\d+)?) req\/s/, row("autoscaling.maxReplicas")),
    headroom: num(/(\d+(?:\.\d+)?) × sustainable/, row("autoscaling.targetRequestsPerSecond")),
    alertFraction: num(/(\d+(?:\.\d+)?) × sustainable/, row("monitoring.alerts.requestsPerSecondPerPod")),
    instanceType: nodes[1],
    tensorParallelSize: Number(nodes[2]),
    gpusPerNode: Number(nodes[3]),
  };
  const meanOutputTokens = num(/(\d+) output tokens per request/, row("cost per million output tokens"));
  const rec = recommend({ ...fleet, sustainableRps, meanOutputTokens });
  const plan = {
    plan: {
      sustainable_rps: sustainableRps,
      knee_rps: knee,
      stop,
      fleet: { headroom: fleet.headroom, peak_rps: fleet.peakRps, alert_fraction: fleet.alertFraction },
      mean_output_tokens: meanOutputTokens,
      // The example runs --quick with its defaults: the lines on what it traded away follow from them.
      mode: { quick: true, traded_away: tradedAway(QUICK) },
    },
  } as unknown as PlanFile;
  return summary(plan, rec).split("\n");
}

describe("docs/serving.md: the capacity-plan example", () => {
  it("is labelled as an example from a named machine and date", () => {
    const { intro } = example(DOC);
    expect(intro).toMatch(/^Example run, recorded \d{4}-\d{2}-\d{2} on [^,]*\bVM\b \(\d+ vCPUs, Node \d+/);
    expect(intro).toMatch(/measurements of this machine at that time/);
  });

  it("shows exactly what the planner derives from the sustainable rate it shows", () => {
    const { lines } = example(DOC);
    const shown = lines.slice(lines.findIndex((l) => l.startsWith("=")));
    expect(shown.length).toBeGreaterThan(15);
    expect(recomputed(lines).slice(0, shown.length)).toEqual(shown);
  });

  it("would catch a derived number that does not follow from the rate (the check can fail)", () => {
    const { lines } = example(DOC);
    const edited = lines.map((l) => l.replace(/^(sustainable rate \(1 replica\)\s+)7\.86/, "$19.43"));
    const shown = edited.slice(edited.findIndex((l) => l.startsWith("=")));
    expect(recomputed(edited).slice(0, shown.length)).not.toEqual(shown);
  });
});
