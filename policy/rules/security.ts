import { describeBreadth, tooBroad } from "../../charts/security/cidr";
import { clusters, nodeGroups } from "../aws";
import {
  describeObject,
  grafanaReleases,
  helmReleases,
  kubeObjects,
  opaque,
  policyDocument,
  SECRET,
  walk,
  containers,
  workloads,
  type Workload,
} from "../graph";
import { rule, type PolicyNode, type Rule } from "../types";
import { BENCH_NAME, isSimulator } from "./workload-ids";

export const secretsEncryption = rule({
  id: "secrets-encryption",
  description: "Every EKS cluster encrypts Kubernetes Secrets with a KMS key (envelope encryption).",
  severity: "critical",
  scope: "resource",
  check(graph, report) {
    for (const c of clusters(graph).filter(
      (c) =>
        !opaque(c.encryptionKeyArn) &&
        !(typeof c.encryptionKeyArn === "string" && /^arn:aws[a-z-]*:kms:/.test(c.encryptionKeyArn)),
    ))
      report(
        c.node,
        `EKS cluster ${c.node.name} has no KMS key ARN for Secrets encryption (encryptionConfigKeyArn is ${JSON.stringify(c.encryptionKeyArn)}): Secrets sit in etcd unencrypted by our key. Pass the aws.kms.Key's arn as encryptionConfigKeyArn.`,
      );
  },
});

export const imdsv2Required = rule({
  id: "imdsv2-required",
  description:
    "Every node group requires IMDSv2 (session tokens), so pods cannot read node credentials with a plain GET.",
  severity: "high",
  scope: "stack",
  check(graph, report) {
    for (const g of nodeGroups(graph).filter((g) => g.imdsv2 === false))
      report(
        g.node,
        `Node group ${g.node.name} does not require IMDSv2: set enableIMDSv2: true (or a launch template with metadataOptions.httpTokens: required).`,
      );
  },
});

/** Subnets that hand out public IPs or route to an internet gateway. */
function publicSubnetIds(graph: readonly PolicyNode[]): { known: Set<string> | undefined; public: Set<string> } {
  const subnets = graph.filter((n) => n.type === "aws:ec2/subnet:Subnet");
  const igws = new Set(
    graph
      .filter((n) => n.type === "aws:ec2/internetGateway:InternetGateway")
      .map((n) => n.id)
      .filter(Boolean),
  );
  const viaIgw = (route: any) =>
    typeof route?.gatewayId === "string" &&
    (igws.has(route.gatewayId) || route.gatewayId.startsWith("igw-")) &&
    (route.cidrBlock === "0.0.0.0/0" || route.ipv6CidrBlock === "::/0");
  const routeTables = graph.filter((n) => n.type === "aws:ec2/routeTable:RouteTable");
  const publicTables = new Set(routeTables.filter((t) => (t.inputs.routes ?? []).some(viaIgw)).map((t) => t.id));
  for (const r of graph)
    if (r.type === "aws:ec2/route:Route" && viaIgw(r.inputs)) publicTables.add(r.inputs.routeTableId);
  const pub = new Set<string>();
  for (const s of subnets) if (s.inputs.mapPublicIpOnLaunch === true) pub.add(s.id);
  for (const a of graph)
    if (a.type === "aws:ec2/routeTableAssociation:RouteTableAssociation" && publicTables.has(a.inputs.routeTableId))
      pub.add(a.inputs.subnetId);
  // Without every subnet's id (a preview before creation) membership cannot be judged.
  const judgeable = subnets.length > 0 && subnets.every((s) => s.id && !opaque(s.id));
  return { known: judgeable ? new Set(subnets.map((s) => s.id)) : undefined, public: pub };
}

export const nodesInPrivateSubnets = rule({
  id: "nodes-private-subnets",
  description:
    "Every node group uses only private subnets of this stack (no public IP on launch, no route to an internet gateway) and the cluster gives nodes no public IP.",
  severity: "high",
  scope: "stack",
  check(graph, report) {
    const { known, public: pub } = publicSubnetIds(graph);
    for (const g of nodeGroups(graph)) {
      for (const id of g.subnetIds) {
        if (opaque(id)) continue;
        if (typeof id !== "string" || (known && !known.has(id)))
          report(
            g.node,
            `Node group ${g.node.name} uses subnet ${JSON.stringify(id)}, which is not a subnet of this stack, so it cannot be shown to be private. Use the VPC's private subnet ids.`,
          );
        else if (pub.has(id))
          report(
            g.node,
            `Node group ${g.node.name} uses public subnet ${id} (public IP on launch or a route to an internet gateway): nodes would be reachable from the internet. Use the private subnets.`,
          );
      }
    }
    for (const c of clusters(graph))
      if (c.nodeAssociatePublicIpAddress === true)
        report(
          c.node,
          `EKS cluster ${c.node.name} sets nodeAssociatePublicIpAddress: true. Set it to false; nodes reach the internet through NAT.`,
        );
  },
});

export const apiEndpointRestricted = rule({
  id: "api-endpoint-restricted",
  description:
    "The public Kubernetes API endpoint admits known addresses only: not 0.0.0.0/0, no list admitting more than a /16 of public addresses however it is split (charts/security/cidr.ts says why), no missing list (AWS reads it as 0.0.0.0/0), unless cluster.allowPublicApiFromAnywhere is set.",
  severity: "high",
  scope: "resource",
  uses: ["allowPublicApiFromAnywhere"],
  check(graph, report, ctx) {
    if (ctx.allowPublicApiFromAnywhere) return;
    for (const c of clusters(graph)) {
      if (!c.endpointPublicAccess || opaque(c.publicAccessCidrs)) continue;
      const cidrs = Array.isArray(c.publicAccessCidrs) ? c.publicAccessCidrs : [];
      if (
        cidrs.length === 0 ||
        cidrs.some((x) => x === "0.0.0.0/0" || x === "::/0") ||
        tooBroad(cidrs.filter((x): x is string => typeof x === "string"))
      )
        report(
          c.node,
          `EKS cluster ${c.node.name} exposes its public API endpoint beyond known addresses (publicAccessCidrs ${JSON.stringify(c.publicAccessCidrs ?? null)}${cidrs.length ? `: ${describeBreadth(cidrs.filter((x): x is string => typeof x === "string"))}` : ""}). Set cluster.publicAccessCidrs to your egress CIDR, turn off cluster.endpointPublicAccess, or accept it with cluster.allowPublicApiFromAnywhere: true.`,
        );
    }
  },
});

/** Auto Scaling actions that change capacity or instances. */
const MUTATING_AUTOSCALING =
  /^autoscaling:(\*|Set|Terminate|Update|Create|Delete|Put|Attach|Detach|Suspend|Resume|Enter|Exit|Complete|Execute|Record|Start|Cancel)/i;
const hasTagCondition = (condition: any) =>
  condition &&
  typeof condition === "object" &&
  Object.values(condition).some(
    (op: any) =>
      op &&
      typeof op === "object" &&
      Object.keys(op).some((k) => /^(aws:ResourceTag|autoscaling:ResourceTag)\//i.test(k)),
  );

export const autoscalerIamScoped = rule({
  id: "autoscaler-iam-scoped",
  description:
    "IAM policies allow mutating Auto Scaling actions (SetDesiredCapacity, TerminateInstanceInAutoScalingGroup, …) only on specific groups or with a resource-tag condition; no AutoScalingFullAccess.",
  severity: "high",
  scope: "resource",
  check(graph, report) {
    for (const n of graph) {
      if (
        n.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
        typeof n.inputs.policyArn === "string" &&
        /policy\/AutoScalingFullAccess$/.test(n.inputs.policyArn)
      )
        report(
          n,
          `Role policy attachment ${n.name} grants AutoScalingFullAccess: cluster-autoscaler could resize any group in the account. Use a policy scoped by the cluster's tag instead.`,
        );
      if (
        !/^aws:iam\/(rolePolicy:RolePolicy|policy:Policy|userPolicy:UserPolicy|groupPolicy:GroupPolicy)$/.test(n.type)
      )
        continue;
      const doc = policyDocument(n.inputs.policy);
      for (const s of [doc?.Statement ?? []].flat()) {
        if (!s || s.Effect !== "Allow") continue;
        const actions = [s.Action ?? []].flat().filter((a: unknown): a is string => typeof a === "string");
        const mutating = actions.filter((a) => MUTATING_AUTOSCALING.test(a) || a === "*");
        if (mutating.length === 0) continue;
        const resources = [s.Resource ?? []].flat();
        if (resources.includes("*") && !hasTagCondition(s.Condition))
          report(
            n,
            `IAM policy ${n.name} allows ${mutating.join(", ")} on Resource "*" without a resource-tag condition${s.Sid ? ` (statement ${s.Sid})` : ""}: it could scale or terminate any Auto Scaling group. Add Condition StringEquals aws:ResourceTag/k8s.io/cluster-autoscaler/<cluster>: owned.`,
          );
      }
    }
  },
});

const PASSWORD_KEY = /pass(word|wd)$/i;

export const grafanaPasswordSecret = rule({
  id: "grafana-password-secret",
  description:
    "The Grafana admin password is only ever a Pulumi secret: kube-prometheus-stack reads it from an existing Kubernetes Secret, and no plain input anywhere holds a password.",
  severity: "critical",
  scope: "resource",
  uses: ["secretsVisible"],
  check(graph, report, ctx) {
    for (const { release: r, grafana } of grafanaReleases(graph)) {
      if (grafana?.enabled === false) continue;
      const plain = grafana?.adminPassword;
      // The policy engine unwraps secrets, so there only "not set at all" can be checked.
      if (plain !== undefined && (!ctx.secretsVisible || plain !== SECRET))
        report(
          r.node,
          `Helm release ${r.name} sets grafana.adminPassword in its values${ctx.secretsVisible ? " as plain text" : ""}: it lands in the release's stored values. Put it in a Kubernetes Secret from a Pulumi secret and set grafana.admin.existingSecret.`,
        );
      if (!grafana?.admin?.existingSecret)
        report(
          r.node,
          `Helm release ${r.name} does not set grafana.admin.existingSecret: the chart would make up or default the admin password outside Pulumi's secrets. Point it at the Secret holding the Pulumi secret.`,
        );
    }
    if (!ctx.secretsVisible) return;
    for (const n of graph) {
      walk(n.inputs, (path, key, value) => {
        if (
          PASSWORD_KEY.test(key) &&
          typeof value === "string" &&
          value !== "" &&
          !opaque(value) &&
          !n.secretInputs.some((s) => path === s || path.startsWith(`${s}.`))
        )
          report(
            n,
            `${n.type} ${n.name} has a plain-text password at ${path}: wrap it in pulumi.secret() (or take it from a secret config key).`,
          );
      });
    }
    for (const o of kubeObjects(graph)) {
      if (o.kind !== "Secret" || !/grafana/i.test(o.name)) continue;
      for (const field of ["data", "stringData"] as const) {
        const v = o.body[field];
        if (v === undefined || v === SECRET) continue;
        if (o.node.type === "kubernetes:yaml/v2:ConfigGroup" || !o.node.secretInputs.includes(field))
          report(
            o.node,
            `${describeObject(o)} holds the Grafana password in plain ${field}: build it from pulumi.secret() so it is encrypted in the state.`,
          );
      }
    }
  },
});

/** `repo/name:tag`, `repo/name@sha256:…`; a registry port is not a tag. */
export function imageProblem(ref: unknown): string | undefined {
  if (typeof ref !== "string" || opaque(ref)) return undefined;
  if (/@sha256:[a-f0-9]{64}$/.test(ref)) return undefined;
  const last = ref.split("/").pop() ?? "";
  const tag = last.includes(":") ? last.slice(last.lastIndexOf(":") + 1) : "";
  if (!tag) return "has no tag (defaults to latest)";
  if (tag === "latest") return "uses the latest tag";
  return undefined;
}

/** Exact chart versions only: no ranges, no empty version (Helm would take the newest). */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const pinnedVersions = rule({
  id: "pinned-versions",
  description:
    "No container image uses `latest` or no tag (objects and Helm values), and every Helm chart has an exact version.",
  severity: "high",
  scope: "resource",
  check(graph, report) {
    for (const { workload: w, container: c } of containers(graph)) {
      const p = imageProblem(c.image);
      if (p || (!c.image && !opaque(c.image)))
        report(
          w.object.node,
          `${describeObject(w.object)} container ${c.name} image ${JSON.stringify(c.image ?? null)} ${p ?? "is missing"}: pin a version tag or digest.`,
        );
    }
    for (const r of helmReleases(graph)) {
      if (!opaque(r.version) && !(typeof r.version === "string" && EXACT_VERSION.test(r.version)))
        report(
          r.node,
          `Helm release ${r.name} (chart ${r.chart}) has version ${JSON.stringify(r.version ?? null)}: pin an exact chart version (infra/addons/versions.ts).`,
        );
      walk(r.values, (path, key, value) => {
        if (key === "image" && typeof value === "string") {
          const p = imageProblem(value);
          if (p)
            report(r.node, `Helm release ${r.name} values.${path} image ${value} ${p}: pin a version tag or digest.`);
        } else if (
          key === "tag" &&
          /(^|\.)image$/.test(path.slice(0, -".tag".length)) &&
          (value === "latest" || value === "")
        )
          report(
            r.node,
            `Helm release ${r.name} values.${path} is ${JSON.stringify(value)}: pin a version tag (or leave it unset for the chart's own pinned appVersion).`,
          );
      });
    }
  },
});

const hasAll = (o: any, keys: string[]) => keys.every((k) => o && o[k] !== undefined && o[k] !== null && o[k] !== "");

export const containerResources = rule({
  id: "container-resources",
  description:
    "Every container (init containers too) sets cpu and memory requests and a memory limit. (A CPU limit is not required: it throttles latency-sensitive servers without protecting neighbours.)",
  severity: "medium",
  scope: "resource",
  check(graph, report) {
    for (const { workload: w, container: c } of containers(graph)) {
      const missing = [
        ...["cpu", "memory"].filter((k) => !hasAll(c.resources?.requests, [k])).map((k) => `requests.${k}`),
        ...(hasAll(c.resources?.limits, ["memory"]) ? [] : ["limits.memory"]),
      ];
      if (missing.length)
        report(
          w.object.node,
          `${describeObject(w.object)} container ${c.name} has no resources.${missing.join(", resources.")}: the scheduler cannot place it sensibly and it can starve its node. Set them.`,
        );
    }
  },
});

const isBenchmark = (w: Workload) =>
  w.object.body.metadata?.labels?.["app.kubernetes.io/name"] === BENCH_NAME ||
  w.podLabels["app.kubernetes.io/name"] === BENCH_NAME;

export const benchAndSimulatorNonRoot = rule({
  id: "bench-simulator-non-root",
  description:
    "The benchmark and simulator pods run as a non-root user (runAsNonRoot, no runAsUser 0) for every container.",
  severity: "high",
  scope: "resource",
  check(graph, report) {
    for (const w of workloads(graph)) {
      if (!isBenchmark(w) && !isSimulator(w)) continue;
      const pod = w.podSpec.securityContext ?? {};
      for (const c of w.containers) {
        const sc = c.securityContext ?? {};
        const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
        const user = sc.runAsUser ?? pod.runAsUser;
        if (nonRoot !== true || user === 0)
          report(
            w.object.node,
            `${describeObject(w.object)} container ${c.name} may run as root (runAsNonRoot ${JSON.stringify(nonRoot ?? null)}, runAsUser ${JSON.stringify(user ?? null)}): set securityContext.runAsNonRoot: true and a non-zero runAsUser (the image's user is 1000).`,
          );
      }
    }
  },
});

export const securityRules: Rule[] = [
  secretsEncryption,
  imdsv2Required,
  nodesInPrivateSubnets,
  apiEndpointRestricted,
  autoscalerIamScoped,
  grafanaPasswordSecret,
  pinnedVersions,
  containerResources,
  benchAndSimulatorNonRoot,
];
