import ipaddr from "ipaddr.js";
import { z } from "zod";
import { describeBreadth, tooBroad } from "../charts/security/cidr";
import { ipv4Cidr } from "./config-cidr";
import { imageApproved, imageNamespace, PINNED_IMAGE_REGISTRIES } from "../charts/security/registries";
import {
  ambiguousVllmFlag,
  MANAGED_VLLM_FLAGS,
  SECRET_VALUE,
  SECRET_VLLM_FLAGS,
  vllmFlagProblem,
} from "../charts/security/flags";

export { MANAGED_VLLM_FLAGS, SECRET_VLLM_FLAGS };

// The security knobs of the stack config and the checks that refuse insecure input before any
// resource exists. Kept apart from config.ts so the generic schema and these controls can change
// independently; config.ts spreads these fields into its sections and calls securityIssues().
// Each control is mapped to CIS EKS / EKS Best Practices / PSS in docs/security.md.

/**
 * Retention values CloudWatch Logs accepts for `retentionInDays` (PutRetentionPolicy API,
 * AWS CloudWatch Logs API reference; the same list is in @pulumi/aws `cloudwatch.LogGroup`).
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The five EKS control-plane log types (CIS EKS 2.1.1 asks for all of them). */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/**
 * The shortest control-plane log retention we accept: 90 days, the minimum the CIS Critical Security
 * Controls v8 set for audit logs (safeguard 8.10, "Retain audit logs across enterprise assets for a
 * minimum of 90 days"); CIS EKS v1.0.1 2.1.1 asks for the logs but names no period. AWS Security Hub's
 * CloudWatch.16 control defaults to 365 days; raise logRetentionDays where that applies.
 */
export const MIN_LOG_RETENTION_DAYS = 90;

/** A registry prefix: a host (with a `.` or a port, or localhost), optional path, ending in `/`. */
const registryPrefix = z.string().regex(/^(localhost|[a-z0-9-]+(\.[a-z0-9-]+)+)(:\d+)?(\/[a-z0-9._-]+)*\/$/, {
  error:
    "must be a registry prefix ending in / such as 123456789012.dkr.ecr.us-west-2.amazonaws.com/ or ghcr.io/my-org/",
});

/** Fields of `cluster.*`. */
export const clusterSecurityFields = {
  logRetentionDays: z
    .number()
    .int()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      error: `must be a CloudWatch Logs retention: one of ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .refine((d) => d >= MIN_LOG_RETENTION_DAYS, {
      error: `must be at least ${MIN_LOG_RETENTION_DAYS} days (the CIS Controls v8 minimum for audit logs, safeguard 8.10): use ${MIN_LOG_RETENTION_DAYS} or more`,
    })
    .default(90)
    .describe(
      "Days CloudWatch keeps the EKS control-plane logs (all five types are on: api, audit, authenticator, controllerManager, scheduler); at least 90.",
    ),
  approvedRegistries: z
    .array(registryPrefix)
    .default([])
    .describe(
      `Registry prefixes our pods may pull from, besides the defaults: the registries of the pinned images (${PINNED_IMAGE_REGISTRIES.join(", ")}) and, in \`eks\` mode, this account's ECR in \`cluster.region\`. Checked for \`benchmark.image\` by the config and for every pod in our namespaces by a ValidatingAdmissionPolicy.`,
    ),
};

/** Fields of `monitoring.*`. */
export const monitoringSecurityFields = {
  grafanaAllowedCidrs: z
    .array(ipv4Cidr)
    .default([])
    .describe(
      "With `grafanaServiceType: LoadBalancer`: the source CIDRs allowed to reach Grafana (`loadBalancerSourceRanges`); required, and must not cover the internet.",
    ),
  grafanaLoadBalancerScheme: z
    .enum(["internal", "internet-facing"])
    .default("internal")
    .describe(
      "With `grafanaServiceType: LoadBalancer`: `internal` keeps the load balancer inside the VPC; `internet-facing` puts it on a public address (still limited to `grafanaAllowedCidrs`; Grafana speaks plain HTTP).",
    ),
};

/** ipaddr.js range names of addresses an internal load balancer can see (RFC 1918, RFC 6598 shared, loopback, link-local). */
const INSIDE_RANGES = new Set(["private", "carrierGradeNat", "loopback", "linkLocal"]);

/** Ranges in a list that are not private/shared address space. */
export const publicRanges = (cidrs: readonly string[]) =>
  cidrs.filter((c) => ipaddr.IPv4.isValidCIDR(c) && !INSIDE_RANGES.has(ipaddr.IPv4.parseCIDR(c)[0].range()));

/** Problems with `model.extraArgs`, each naming the entry and the fix. */
export function extraArgsIssues(extraArgs: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of extraArgs) {
    const p = vllmFlagProblem(arg);
    const as = !p?.abbreviated
      ? p?.flag
      : p.ambiguous
        ? `${p.written} (an abbreviation of ${p.flag}, among others)`
        : `${p.written} (vLLM's parser reads it as ${p.flag})`;
    const ambiguous = ambiguousVllmFlag(arg);
    if (p?.kind === "secret")
      out.push(
        `${as} carries a secret and would be stored in plain text in the Deployment and the Pulumi state. Remove it: use serving.apiKeyEnabled with the secret config vllmApiKey (or hfToken for the Hugging Face token)`,
      );
    else if (p?.kind === "managed")
      out.push(
        `${as} is set by the chart from the stack config (it would override what the Service, probes and HPA assume). Remove it and use the matching model.* or serving.* key`,
      );
    else if (ambiguous)
      out.push(
        `${arg.split("=")[0]} is an ambiguous abbreviation (${ambiguous.slice(0, 4).join(", ")}${ambiguous.length > 4 ? ", …" : ""}), which vLLM refuses at start. Write the flag's full name`,
      );
    else if (SECRET_VALUE.test(arg))
      out.push(
        `"${arg.slice(0, 12)}…" looks like a credential. Remove it: secrets go in secret config keys (pulumi config set --secret), never in plain arguments`,
      );
  }
  return out;
}

/** The slice of the parsed config the security checks read. */
export interface SecurityConfigView {
  cluster: {
    mode: "eks" | "existing";
    region: string;
    endpointPrivateAccess: boolean;
    endpointPublicAccess: boolean;
    approvedRegistries: string[];
    publicAccessCidrs: string[];
    allowPublicApiFromAnywhere: boolean;
  };
  model: { extraArgs: string[] };
  benchmark: { image?: string };
  monitoring: {
    grafanaServiceType: "ClusterIP" | "LoadBalancer";
    grafanaAllowedCidrs: string[];
    grafanaLoadBalancerScheme: "internal" | "internet-facing";
  };
}

/**
 * Approved registry prefixes as the config can know them: the pinned images' registries, the user's
 * list and, in eks mode, ECR in the cluster's region. The account id is unknown until the program
 * runs, so the config accepts any account's ECR there; the admission policy the program deploys
 * names this account's (infra/workloads).
 */
export function configApprovedRegistries(c: SecurityConfigView["cluster"]): string[] {
  const ecr = c.mode === "eks" ? [`<account>.dkr.ecr.${c.region}.amazonaws.com/`] : [];
  return [...PINNED_IMAGE_REGISTRIES, ...c.approvedRegistries, ...ecr];
}

/** Cross-field security checks; each names the key and the fix. */
export function securityIssues(c: SecurityConfigView): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });

  const api = c.cluster.publicAccessCidrs;
  // CIS EKS 5.4.1 / EKS Best Practices: the public endpoint admits known addresses only.
  if (!api.includes("0.0.0.0/0") && tooBroad(api) && !c.cluster.allowPublicApiFromAnywhere)
    add(
      "cluster.publicAccessCidrs",
      `${JSON.stringify(api)} admit ${describeBreadth(api)}: the public API endpoint should admit only your known egress addresses. List only your egress CIDRs, or set cluster.allowPublicApiFromAnywhere: true to accept it`,
    );

  // CIS EKS v1.0.1 5.4.2: the private endpoint keeps node and pod traffic to the API inside the VPC.
  if (c.cluster.mode === "eks" && !c.cluster.endpointPrivateAccess)
    add(
      "cluster.endpointPrivateAccess",
      "false sends the nodes' and pods' API traffic over the internet and leaves no way in when the public endpoint is off. Remove the key (it defaults to true)",
    );

  for (const m of extraArgsIssues(c.model.extraArgs)) add("model.extraArgs", m);

  const image = c.benchmark.image;
  const anyAccountEcr = new RegExp(`^\\d{12}\\.dkr\\.ecr\\.${c.cluster.region}\\.amazonaws\\.com/`);
  const inEcr = c.cluster.mode === "eks" && image !== undefined && anyAccountEcr.test(image);
  if (image && !inEcr && !imageApproved(image, configApprovedRegistries(c.cluster)))
    add(
      "benchmark.image",
      `${imageNamespace(image)} is not an approved registry (${configApprovedRegistries(c.cluster).join(", ")}), so the cluster's admission policy would refuse the pod. Push the image to one of them, or add the registry to cluster.approvedRegistries`,
    );

  const g = c.monitoring;
  if (g.grafanaServiceType === "LoadBalancer") {
    if (g.grafanaAllowedCidrs.length === 0)
      add(
        "monitoring.grafanaAllowedCidrs",
        'Grafana as a LoadBalancer needs the source CIDRs that may reach it (e.g. ["10.0.0.0/8"] or your VPN\'s egress). Set them, or keep grafanaServiceType: ClusterIP and use kubectl port-forward',
      );
    else if (tooBroad(g.grafanaAllowedCidrs))
      add(
        "monitoring.grafanaAllowedCidrs",
        `${JSON.stringify(g.grafanaAllowedCidrs)} admit ${describeBreadth(g.grafanaAllowedCidrs)}, and Grafana speaks plain HTTP. List only the networks that need it`,
      );
    if (g.grafanaLoadBalancerScheme === "internal" && publicRanges(g.grafanaAllowedCidrs).length > 0)
      add(
        "monitoring.grafanaAllowedCidrs",
        `${publicRanges(g.grafanaAllowedCidrs).join(", ")} are public addresses, which an internal load balancer never sees. Use VPC/VPN ranges, or set monitoring.grafanaLoadBalancerScheme: internet-facing`,
      );
  } else if (g.grafanaAllowedCidrs.length > 0)
    add(
      "monitoring.grafanaAllowedCidrs",
      "only applies with grafanaServiceType: LoadBalancer. Remove it or set grafanaServiceType: LoadBalancer",
    );
  return issues;
}
