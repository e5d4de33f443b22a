// Alertmanager routing (monitoring/alertmanager.ts), the one definition the cluster and Compose use.
import { describe, expect, it } from "vitest";
import {
  alertmanagerRouting,
  NULL_RECEIVER,
  WEBHOOK_RECEIVER,
  type AlertmanagerRoute,
} from "../../monitoring/alertmanager";

const receiversIn = (r: AlertmanagerRoute): string[] => [r.receiver, ...r.routes.map((x) => x.receiver)];

describe("Alertmanager routing", () => {
  it("without a webhook, routes everything to the null receiver", () => {
    const c = alertmanagerRouting(undefined);
    expect(c.route.receiver).toBe(NULL_RECEIVER);
    expect(c.receivers).toEqual([{ name: NULL_RECEIVER }]);
  });

  it("with a webhook, sends to the URL read from its file, resolved alerts included", () => {
    const c = alertmanagerRouting({ urlFile: "/secrets/url" });
    expect(c.route.receiver).toBe(WEBHOOK_RECEIVER);
    expect(c.receivers.find((r) => r.name === WEBHOOK_RECEIVER)!.webhook_configs).toEqual([
      { url_file: "/secrets/url", send_resolved: true },
    ]);
  });

  it("names only receivers it defines, groups per alert and namespace and drops the Watchdog", () => {
    for (const c of [alertmanagerRouting(undefined), alertmanagerRouting({ urlFile: "/f" })]) {
      const defined = new Set(c.receivers.map((r) => r.name));
      for (const name of receiversIn(c.route)) expect(defined.has(name), name).toBe(true);
      expect(c.route.group_by).toEqual(["namespace", "alertname"]);
      expect(c.route.routes).toContainEqual({ receiver: NULL_RECEIVER, matchers: ['alertname = "Watchdog"'] });
    }
  });

  it("a critical alert mutes the warning and info alerts of the same name and namespace", () => {
    const [first] = alertmanagerRouting(undefined).inhibit_rules;
    expect(first).toEqual({
      source_matchers: ["severity = critical"],
      target_matchers: ["severity =~ warning|info"],
      equal: ["namespace", "alertname"],
    });
  });
});
