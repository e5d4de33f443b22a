import { appObjects, type AppProps } from "../../charts/app";
import { parseStackConfig } from "../../infra/config-load";
import { chartPropsFromConfig } from "../../infra/mapper";

export const EKS = { cluster: { publicAccessCidrs: ["203.0.113.10/32"] } };

/** Objects for a stack config (secrets assumed set), as `npm run synth` renders them. */
export function objectsFor(
  raw: Record<string, any> = EKS,
  ctx: { benchImage?: string } = {},
): Array<Record<string, any>> {
  return appObjects(propsFor(raw, ctx));
}

export function propsFor(raw: Record<string, any> = EKS, ctx: { benchImage?: string } = {}): AppProps {
  const cfg = parseStackConfig(raw, ["hfToken", "vllmApiKey", "grafanaAdminPassword", "alertmanagerWebhookUrl"]);
  return chartPropsFromConfig(cfg, { includeNamespace: true, pushgatewayUrl: "http://pg.monitoring.svc:9091", ...ctx });
}

export const find = (objs: Array<Record<string, any>>, kind: string, name?: string) => {
  const o = objs.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name));
  if (!o) throw new Error(`no ${kind} ${name ?? ""} among ${objs.map((x) => x.kind).join(", ")}`);
  return o;
};

/** The benchmark's pod spec, whether the chart renders a CronJob or (unscheduled) a Job. */
export function benchPod(objs: Array<Record<string, any>>): Record<string, any> {
  const cron = objs.find((o) => o.kind === "CronJob");
  if (cron) return cron.spec.jobTemplate.spec.template.spec;
  return find(objs, "Job").spec.template.spec;
}
