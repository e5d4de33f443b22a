// The Compose Alertmanager configs are the shared routing (monitoring/alertmanager.ts), with the
// webhook URL read from the tmpfs file the entrypoint writes.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { composeBundle } from "../../compose/bundle";
import { monitoringContent } from "../../compose/content";
import { alertmanagerLayout as am } from "../../compose/layout";
import { alertmanagerRouting } from "../../monitoring/alertmanager";

const files = composeBundle(monitoringContent());
const config = (name: string) => parse(files[`${am.bundleDir}/${name}`]);

describe("Compose Alertmanager config", () => {
  it("routes as the cluster does, with the webhook URL from the entrypoint's secret file", () => {
    expect(config(am.webhookConfig)).toEqual(alertmanagerRouting({ urlFile: `${am.secretsDir}/${am.webhookUrlFile}` }));
    expect(files[`${am.bundleDir}/entrypoint.sh`]).toContain(`${am.secretsDir}}/${am.webhookUrlFile}`);
  });

  it("without ALERT_WEBHOOK_URL sends nothing anywhere", () => {
    const c = config(am.noWebhookConfig);
    expect(c).toEqual(alertmanagerRouting(undefined));
    expect(JSON.stringify(c)).not.toContain("webhook_configs");
  });
});
