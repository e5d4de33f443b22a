import { PROMETHEUS_PODS } from "../../../charts/netpol";
import type { AddonDescriptor, AddonSettings } from "../../../infra/addons";
import { addonFlows } from "../../../infra/addons/connections";

// What every registry must satisfy, as one list of problems, so the real registry and a test one
// with a made-up add-on (fake-addon.test.ts) go through the same checks.

/**
 * Problems of a registry under `settings` (every add-on of it is switched on): duplicate keys or
 * releases, an add-on listed before one it waits for, a toggle without a description, and an add-on
 * whose metrics Prometheus cannot reach (it brings a ServiceMonitor, but no connection from
 * Prometheus to its pods, so its NetworkPolicy would drop every scrape).
 */
export function registryProblems(registry: readonly AddonDescriptor[], settings: AddonSettings): string[] {
  const problems: string[] = [];
  const dup = (what: string, xs: string[]) =>
    xs.filter((x, i) => xs.indexOf(x) !== i).forEach((x) => problems.push(`${what} ${x} is used twice`));
  dup(
    "key",
    registry.map((d) => d.key),
  );
  dup(
    "release",
    registry.map((d) => d.release),
  );
  const operators = registry.filter((d) => d.operator).map((d) => d.key);
  registry.forEach((d, i) => {
    const earlier = registry.slice(0, i).map((x) => x.key);
    for (const k of [...(d.after ?? []), ...(d.serviceMonitor ? operators : [])])
      if (!earlier.includes(k)) problems.push(`${d.key} waits for ${k}, which is not listed before it`);
    if (!d.toggle.description.trim()) problems.push(`${d.key}: its toggle has no description`);
  });
  if (operators.length === 0) return problems;
  const all: AddonSettings = { ...settings, enabled: Object.fromEntries(registry.map((d) => [d.key, true])) };
  const flows = addonFlows(all, registry);
  for (const d of registry.filter((x) => x.serviceMonitor)) {
    const mine = new Set((d.pods ?? []).map((p) => p.name));
    const ns = d.namespace(all);
    const scraped = flows.some(
      (f) =>
        f.from.kind === "pods" &&
        f.from.pods.name === PROMETHEUS_PODS.name &&
        f.to.namespace === ns &&
        mine.has(f.to.pods.name) &&
        f.ports.length > 0,
    );
    if (!scraped)
      problems.push(
        `${d.key} brings a ServiceMonitor but no connection from Prometheus to its pods: declare its pods and a scrape (scrapedBy, infra/addons/scrape.ts)`,
      );
  }
  return problems;
}
