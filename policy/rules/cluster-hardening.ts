import { clusters, EKS_CLUSTER, nodeGroups, nodeGroupsWithTemplates } from "../aws";
import { grants, iamStatements, opaque, policyDocument, type IamStatement } from "../graph";
import { rule, type PolicyNode, type Rule } from "../types";

// AWS-side controls of the CIS Amazon EKS Benchmark and the EKS Best Practices Guide (security);
// docs/security.md maps each rule to its control.

const ADDON = "aws:eks/addon:Addon";

/** How a message names a launch template that is not ours. */
const OUTSIDE = "uses a launch template from outside the stack, whose settings no rule can check";

const clusterName = (n: PolicyNode) => String(n.inputs.name ?? n.name);
const isTrue = (v: unknown) => v === true || v === "true";

function addonConfig(n: PolicyNode): Record<string, unknown> | undefined {
  const v = n.inputs.configurationValues;
  if (typeof v !== "string" || opaque(v)) return v && typeof v === "object" ? v : undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

const vpcCniAddons = (graph: readonly PolicyNode[]) =>
  graph.filter((n) => n.type === ADDON && n.inputs.addonName === "vpc-cni");

export const vpcCniNetworkPolicy = rule({
  id: "vpc-cni-network-policy",
  description:
    "The VPC CNI of every EKS cluster runs its network policy agent (enableNetworkPolicy), so NetworkPolicy objects are enforced rather than decoration.",
  severity: "high",
  scope: "stack",
  check(graph, report) {
    for (const c of clusters(graph)) {
      const name = clusterName(c.node);
      const viaAddon = vpcCniAddons(graph).some(
        (a) => a.inputs.clusterName === name && isTrue(addonConfig(a)?.enableNetworkPolicy),
      );
      const viaComponent =
        c.node.type === EKS_CLUSTER &&
        c.node.inputs.useDefaultVpcCni !== true &&
        isTrue(c.node.inputs.vpcCniOptions?.enableNetworkPolicy);
      if (!viaAddon && !viaComponent)
        report(
          c.node,
          `EKS cluster ${c.node.name}: no vpc-cni add-on with enableNetworkPolicy "true" (the VPC CNI ignores NetworkPolicy by default). Configure the vpc-cni add-on with configurationValues {"enableNetworkPolicy": "true"}.`,
        );
    }
  },
});

export const imdsHopLimit = rule({
  id: "imds-hop-limit",
  description:
    "Every node group's launch template sets the IMDS response hop limit to 1, so pods (one hop further) cannot fetch an IMDSv2 token and the node role's credentials.",
  severity: "high",
  scope: "stack",
  check(graph, report) {
    for (const { group: g, template: lt } of nodeGroupsWithTemplates(graph)) {
      const hop = typeof lt === "object" ? lt.inputs.metadataOptions?.httpPutResponseHopLimit : undefined;
      if (hop !== 1)
        report(
          g.node,
          `Node group ${g.node.name} ${lt === "none" ? "has no launch template (pulumi-eks's enableIMDSv2 sets hop limit 2)" : lt === "outside" ? OUTSIDE : `has IMDS hop limit ${JSON.stringify(hop ?? null)}`}: pods can reach the node's credentials. Use a launch template with metadataOptions.httpPutResponseHopLimit: 1.`,
        );
    }
  },
});

export const nodeVolumesEncrypted = rule({
  id: "node-volumes-encrypted",
  description:
    "Every node group's launch template encrypts each EBS volume it maps, whatever the account's EBS-encryption-by-default setting.",
  severity: "high",
  scope: "stack",
  check(graph, report) {
    for (const { group: g, template: lt } of nodeGroupsWithTemplates(graph)) {
      const maps: any[] = typeof lt === "object" ? (lt.inputs.blockDeviceMappings ?? []) : [];
      const plain = maps.filter((m) => !isTrue(m?.ebs?.encrypted)).map((m) => m?.deviceName);
      if (maps.length === 0 || plain.length)
        report(
          g.node,
          `Node group ${g.node.name} ${lt === "outside" ? OUTSIDE : maps.length === 0 ? "maps no EBS volume in a launch template" : `leaves ${plain.join(", ")} unencrypted`}: its root volume is encrypted only if the account's EBS default says so. Map the root volume with ebs.encrypted: true.`,
        );
    }
  },
});

export const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export const controlPlaneLogs = rule({
  id: "control-plane-logs",
  description:
    "Every EKS cluster sends all five control-plane log types (api, audit, authenticator, controllerManager, scheduler) to CloudWatch.",
  severity: "medium",
  scope: "resource",
  check(graph, report) {
    for (const c of clusters(graph)) {
      // The same input name on the @pulumi/eks component and on its aws:eks/cluster child.
      const types = c.node.inputs.enabledClusterLogTypes;
      if (opaque(types)) continue;
      const missing = CONTROL_PLANE_LOGS.filter((t) => !(Array.isArray(types) && types.includes(t)));
      if (missing.length)
        report(
          c.node,
          `EKS cluster ${c.node.name} does not log ${missing.join(", ")}: audit trails of the control plane are incomplete. Set enabledClusterLogTypes to all five types.`,
        );
    }
  },
});

export const controlPlaneLogRetention = rule({
  id: "control-plane-log-retention",
  description:
    "Each EKS cluster's log group /aws/eks/<cluster>/cluster is created by the stack with a retention (EKS would create it with none).",
  severity: "low",
  scope: "stack",
  check(graph, report) {
    for (const c of clusters(graph)) {
      const want = `/aws/eks/${clusterName(c.node)}/cluster`;
      const group = graph.find((n) => n.type === "aws:cloudwatch/logGroup:LogGroup" && n.inputs.name === want);
      const days = group?.inputs.retentionInDays;
      if (!group || !(typeof days === "number" && days > 0))
        report(
          group ?? c.node,
          `EKS cluster ${c.node.name}: ${group ? `log group ${want} has retentionInDays ${JSON.stringify(days ?? null)}` : `no log group ${want} in the stack, so EKS creates one that never expires`}. Create it with retentionInDays (cluster.logRetentionDays).`,
        );
    }
  },
});

/** Using the key for data, or granting that use (a grant is key use by another name). */
const KEY_USE = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:CreateGrant",
];
/**
 * Conditions that only say "a principal of this account": with Principal "*" they still admit
 * every identity of the account, so they are no restriction.
 */
const ACCOUNT_ONLY = /^(kms:CallerAccount|aws:PrincipalAccount|aws:SourceAccount)$/i;
const restricts = (condition: Record<string, any> | undefined) =>
  !!condition && Object.values(condition).some((byKey) => Object.keys(byKey ?? {}).some((k) => !ACCOUNT_ONLY.test(k)));

export const kmsKeyPolicy = rule({
  id: "kms-key-policy",
  description:
    'Every KMS key has an explicit key policy that grants no one everything: no Allow to Principal "*" unless a condition narrows it beyond "this account" (kms:CallerAccount alone does not), no key use (encrypt, decrypt, grants) for the whole account (its root), and no administrator who may also use the key or grant its use; key rotation is on.',
  severity: "high",
  scope: "resource",
  check(graph, report) {
    for (const k of graph.filter((n) => n.type === "aws:kms/key:Key")) {
      if (k.inputs.enableKeyRotation !== true)
        report(k, `KMS key ${k.name} does not rotate its key material: set enableKeyRotation: true.`);
      if (opaque(k.inputs.policy)) continue;
      if (!policyDocument(k.inputs.policy)) {
        report(
          k,
          `KMS key ${k.name} has no explicit key policy, so AWS's default lets every IAM principal of the account with kms:* in IAM use it. Give it a policy naming its administrators and its one user.`,
        );
        continue;
      }
      const at = (s: IamStatement) => `KMS key ${k.name} policy${s.sid ? ` statement ${s.sid}` : ""}`;
      for (const s of iamStatements(k.inputs.policy).filter((x) => x.effect === "Allow")) {
        const use = grants(s, KEY_USE);
        if (s.principals.includes("*") && !restricts(s.condition))
          report(
            k,
            `${at(s)} allows Principal "*" ${s.condition ? "with only an account condition (every identity of the account)" : "without a condition"}. Name the principals.`,
          );
        else if (use.length && s.principals.some((p) => /:root$/.test(p)) && !restricts(s.condition))
          report(
            k,
            `${at(s)} lets the whole account (${s.principals.join(", ")}) ${use.join(", ")}: an administrator could use the key or grant itself its use. Grant key use to the cluster role only.`,
          );
      }
    }
  },
});

export const kmsDeletionWindow = rule({
  id: "kms-deletion-window",
  description:
    "KMS keys wait the longest deletion window (30 days) before deletion, leaving time to undo a mistaken delete that would make every encrypted Secret unreadable.",
  severity: "low",
  scope: "resource",
  check(graph, report) {
    for (const k of graph.filter(
      (n) =>
        n.type === "aws:kms/key:Key" && !opaque(n.inputs.deletionWindowInDays) && n.inputs.deletionWindowInDays !== 30,
    ))
      report(
        k,
        `KMS key ${k.name} has deletionWindowInDays ${JSON.stringify(k.inputs.deletionWindowInDays ?? null)} (AWS default 30, minimum 7). Set 30.`,
      );
  },
});

const trustsService = (role: PolicyNode, service: string) =>
  iamStatements(role.inputs.assumeRolePolicy).some((s) => s.services.includes(service));
const CNI_POLICY = /policy\/AmazonEKS_CNI_Policy$/;

export const cniIrsa = rule({
  id: "cni-irsa",
  description:
    "The VPC CNI's ENI permissions (AmazonEKS_CNI_Policy) sit on its own IRSA role, never on the node role, and the vpc-cni add-on is given that role.",
  severity: "high",
  scope: "stack",
  check(graph, report) {
    const roles = graph.filter((n) => n.type === "aws:iam/role:Role");
    for (const a of graph.filter(
      (n) =>
        n.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
        typeof n.inputs.policyArn === "string" &&
        CNI_POLICY.test(n.inputs.policyArn),
    )) {
      const role = roles.find(
        (r) => r.inputs.name === a.inputs.role || r.id === a.inputs.role || a.dependencies.includes(r.name),
      );
      if (!role || trustsService(role, "ec2.amazonaws.com"))
        report(
          a,
          `${a.name} attaches AmazonEKS_CNI_Policy to ${role ? `node role ${role.name}` : `a role outside the stack`}: every pod that reaches the node's credentials may create and attach ENIs. Give the aws-node service account its own IRSA role.`,
        );
    }
    // The same policy listed on a role itself (managedPolicyArns) rather than through an attachment.
    for (const r of roles.filter((x) =>
      [x.inputs.managedPolicyArns ?? []].flat().some((a: unknown) => typeof a === "string" && CNI_POLICY.test(a)),
    ))
      if (trustsService(r, "ec2.amazonaws.com"))
        report(
          r,
          `Node role ${r.name} lists AmazonEKS_CNI_Policy in managedPolicyArns: every pod that reaches the node's credentials may create and attach ENIs. Give the aws-node service account its own IRSA role.`,
        );
    if (clusters(graph).length)
      for (const addon of vpcCniAddons(graph).filter((n) => !n.inputs.serviceAccountRoleArn))
        report(
          addon,
          `vpc-cni add-on ${addon.name} has no serviceAccountRoleArn, so aws-node falls back to the node role. Pass the CNI's IRSA role.`,
        );
  },
});

export const irsaTrustScoped = rule({
  id: "irsa-trust-scoped",
  description:
    "Every IRSA role trusts exactly one Kubernetes service account: StringEquals on the OIDC provider's :sub (system:serviceaccount:<ns>:<name>, no wildcard) and :aud sts.amazonaws.com.",
  severity: "high",
  scope: "resource",
  check(graph, report) {
    for (const r of graph.filter((n) => n.type === "aws:iam/role:Role")) {
      for (const s of iamStatements(r.inputs.assumeRolePolicy)) {
        // sts:*, sts:AssumeRole* and * cover web-identity assumption as well.
        if (s.effect !== "Allow" || !grants(s, ["sts:AssumeRoleWithWebIdentity"]).length) continue;
        const eq = s.condition?.StringEquals ?? {};
        const sub = Object.entries(eq).find(([k]) => k.endsWith(":sub"))?.[1];
        const aud = Object.entries(eq).find(([k]) => k.endsWith(":aud"))?.[1];
        if (
          typeof sub !== "string" ||
          !/^system:serviceaccount:[a-z0-9-]+:[a-z0-9-.]+$/.test(sub) ||
          aud !== "sts.amazonaws.com"
        )
          report(
            r,
            `IAM role ${r.name} can be assumed through the OIDC provider by ${sub === undefined ? "any service account" : JSON.stringify(sub)} (aud ${JSON.stringify(aud ?? null)}): scope it with StringEquals <issuer>:sub = system:serviceaccount:<namespace>:<name> and <issuer>:aud = sts.amazonaws.com.`,
          );
      }
    }
  },
});

export const accessEntriesApi = rule({
  id: "access-entries-api",
  description:
    "EKS clusters authenticate through access entries only (authenticationMode API), not the aws-auth ConfigMap.",
  severity: "medium",
  scope: "resource",
  check(graph, report) {
    for (const c of clusters(graph)
      .filter((c) => c.node.type === EKS_CLUSTER)
      .filter((c) => !opaque(c.node.inputs.authenticationMode) && c.node.inputs.authenticationMode !== "API"))
      report(
        c.node,
        `EKS cluster ${c.node.name} has authenticationMode ${JSON.stringify(c.node.inputs.authenticationMode ?? null)}: the aws-auth ConfigMap stays a second, unaudited way in. Set authenticationMode: API and grant access with access entries.`,
      );
  },
});

export const nodeNoRemoteAccess = rule({
  id: "node-no-remote-access",
  description: "No node group opens SSH (remoteAccess); nodes are reached through SSM or not at all.",
  severity: "medium",
  scope: "resource",
  check(graph, report) {
    for (const g of nodeGroups(graph).filter((g) => g.node.inputs.remoteAccess))
      report(
        g.node,
        `Node group ${g.node.name} sets remoteAccess (SSH to the nodes). Remove it; use SSM Session Manager when a node must be inspected.`,
      );
  },
});

export const privateEndpoint = rule({
  id: "private-endpoint",
  description:
    "The EKS API has its private endpoint on (nodes and in-VPC tools stay off the internet path); the public one is optional and CIDR-restricted (api-endpoint-restricted).",
  severity: "medium",
  scope: "resource",
  check(graph, report) {
    for (const c of clusters(graph)) {
      const priv =
        c.node.type === EKS_CLUSTER
          ? c.node.inputs.endpointPrivateAccess
          : c.node.inputs.vpcConfig?.endpointPrivateAccess;
      if (priv !== true && !opaque(priv))
        report(
          c.node,
          `EKS cluster ${c.node.name} has endpointPrivateAccess ${JSON.stringify(priv ?? null)}: nodes reach the API over the internet. Set cluster.endpointPrivateAccess: true.`,
        );
    }
  },
});

export const clusterHardeningRules: Rule[] = [
  vpcCniNetworkPolicy,
  imdsHopLimit,
  nodeVolumesEncrypted,
  controlPlaneLogs,
  controlPlaneLogRetention,
  kmsKeyPolicy,
  kmsDeletionWindow,
  cniIrsa,
  irsaTrustScoped,
  accessEntriesApi,
  nodeNoRemoteAccess,
  privateEndpoint,
];
