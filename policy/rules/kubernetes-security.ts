import { describeBreadth, tooBroad } from "../../charts/security/cidr";
import { flagName, SECRET_VALUE, SECRET_VLLM_FLAGS, vllmFlagProblem } from "../../charts/security/flags";
import {
  describeObject,
  grafanaReleases,
  kubeObjects,
  opaque,
  containers,
  workloads,
  type KubeObject,
  type Workload,
} from "../graph";
import { rule, type PolicyNode, type Rule } from "../types";
import { vllmDeployments } from "./workload-ids";

// In-cluster controls: Pod Security Standards, NetworkPolicy, secrets and RBAC, over the objects
// the stack itself declares (so in `existing` mode only what we create is judged). docs/security.md
// maps each rule to its CIS EKS / EKS Best Practices / PSS control.

const PSA = "pod-security.kubernetes.io/";
const LEVELS = ["privileged", "baseline", "restricted"] as const;
type Level = (typeof LEVELS)[number];

const namespaces = (graph: readonly PolicyNode[]) => kubeObjects(graph).filter((o) => o.kind === "Namespace");

export const namespacePsaLabels = rule({
  id: "namespace-psa-labels",
  description:
    "Every namespace the stack creates carries Pod Security admission labels: enforce, warn and audit, each a valid level.",
  severity: "high",
  scope: "resource",
  check(graph, report) {
    for (const ns of namespaces(graph)) {
      const labels = ns.body.metadata?.labels ?? {};
      if (opaque(labels)) continue;
      const bad = ["enforce", "warn", "audit"].filter(
        (m) => !(LEVELS as readonly string[]).includes(labels[`${PSA}${m}`]),
      );
      if (bad.length)
        report(
          ns.node,
          `${describeObject(ns)} has no valid ${bad.map((m) => `${PSA}${m}`).join(", ")} label: Pod Security admission does not guard it. Label it with the strictest level its pods meet.`,
        );
    }
  },
});

// Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards, v1.35).
const BASELINE_CAPS = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);
/** The sysctls the baseline level allows (the "safe" set; PSS v1.35). */
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);
const RESTRICTED_VOLUMES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
];

/** What keeps a pod from a level (empty when it meets it). */
export function pssGaps(w: Workload, level: Level): string[] {
  if (level === "privileged") return [];
  const gaps: string[] = [];
  const pod = w.podSpec;
  const psc = pod.securityContext ?? {};
  for (const k of ["hostNetwork", "hostPID", "hostIPC"]) if (pod[k] === true) gaps.push(k);
  for (const v of pod.volumes ?? []) if (v.hostPath) gaps.push(`hostPath volume ${v.name}`);
  if (psc.seccompProfile?.type === "Unconfined") gaps.push("seccomp Unconfined");
  if (psc.appArmorProfile?.type === "Unconfined") gaps.push("AppArmor Unconfined");
  for (const sysctl of psc.sysctls ?? [])
    if (!SAFE_SYSCTLS.has(sysctl?.name)) gaps.push(`unsafe sysctl ${sysctl?.name}`);
  for (const [k, v] of Object.entries(w.podAnnotations ?? {}))
    if (k.startsWith("container.apparmor.security.beta.kubernetes.io/") && v === "unconfined")
      gaps.push(`AppArmor unconfined (${k})`);
  for (const c of w.containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged === true) gaps.push(`${c.name}: privileged`);
    if (sc.procMount !== undefined && sc.procMount !== "Default") gaps.push(`${c.name}: procMount ${sc.procMount}`);
    if (sc.appArmorProfile?.type === "Unconfined") gaps.push(`${c.name}: AppArmor Unconfined`);
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPS.has(cap)) gaps.push(`${c.name}: adds ${cap}`);
    for (const p of c.ports ?? []) if (p.hostPort) gaps.push(`${c.name}: hostPort ${p.hostPort}`);
    if (sc.seccompProfile?.type === "Unconfined") gaps.push(`${c.name}: seccomp Unconfined`);
  }
  if (level === "baseline") return gaps;
  for (const v of pod.volumes ?? [])
    if (!RESTRICTED_VOLUMES.some((t) => v[t] !== undefined)) gaps.push(`volume ${v.name} type`);
  for (const c of w.containers) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) gaps.push(`${c.name}: allowPrivilegeEscalation not false`);
    if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) gaps.push(`${c.name}: runAsNonRoot not true`);
    if ((sc.runAsUser ?? psc.runAsUser) === 0) gaps.push(`${c.name}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
      gaps.push(`${c.name}: seccompProfile not RuntimeDefault`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) gaps.push(`${c.name}: does not drop ALL capabilities`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== "NET_BIND_SERVICE") gaps.push(`${c.name}: adds ${cap}`);
  }
  return gaps;
}

export const workloadsMeetPsa = rule({
  id: "workloads-meet-psa",
  description:
    "Each of our pod templates meets the Pod Security Standards level its namespace enforces (baseline for vLLM, which runs as root; restricted for the simulator and benchmark where enforced).",
  severity: "high",
  scope: "stack",
  check(graph, report) {
    const levels = new Map(
      namespaces(graph).map((n) => [n.name, n.body.metadata?.labels?.[`${PSA}enforce`] as Level | undefined]),
    );
    for (const w of workloads(graph)) {
      const level = levels.get(w.object.namespace);
      if (!level || !(LEVELS as readonly string[]).includes(level)) continue;
      const gaps = pssGaps(w, level);
      if (gaps.length)
        report(
          w.object.node,
          `${describeObject(w.object)} breaks the ${level} Pod Security Standard its namespace enforces (${gaps.join("; ")}): admission would reject its pods. Fix its securityContext.`,
        );
    }
  },
});

const isDefaultDeny = (o: KubeObject) => {
  const s = o.body.spec ?? {};
  return (
    o.kind === "NetworkPolicy" &&
    s.podSelector &&
    Object.keys(s.podSelector).length === 0 &&
    (s.policyTypes ?? []).includes("Ingress") &&
    !(s.ingress ?? []).length
  );
};

export const defaultDenyIngress = rule({
  id: "default-deny-ingress",
  description:
    "Every namespace the stack creates has a NetworkPolicy selecting all its pods with no ingress rule, so only flows an allow policy names get in.",
  severity: "high",
  scope: "stack",
  check(graph, report) {
    const objs = kubeObjects(graph);
    for (const ns of namespaces(graph).filter((ns) => !objs.some((o) => o.namespace === ns.name && isDefaultDeny(o))))
      report(
        ns.node,
        `${describeObject(ns)} has no default-deny ingress NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules): any pod in the cluster may reach its pods. Add one (charts/netpol).`,
      );
  },
});

export const netpolNoOpenIngress = rule({
  id: "netpol-no-open-ingress",
  description:
    "No NetworkPolicy ingress rule admits everyone: no rule without sources and ports, no ipBlocks admitting more than a /16 of public addresses (all peers of the policy summed), no empty namespaceSelector without a podSelector. (A rule with no sources but explicit ports is the API-server exception, listed in docs/security.md.)",
  severity: "high",
  scope: "resource",
  check(graph, report) {
    for (const np of kubeObjects(graph).filter((o) => o.kind === "NetworkPolicy")) {
      const ingress: any[] = np.body.spec?.ingress ?? [];
      // Every ipBlock of the policy together: ten peers of a /8 each admit as much as one /4.
      const blocks = ingress.flatMap((r) => (r.from ?? []).map((p: any) => p.ipBlock?.cidr)).filter(Boolean);
      if (tooBroad(blocks))
        report(
          np.node,
          `${describeObject(np)} ingress ipBlocks ${JSON.stringify(blocks)} admit ${describeBreadth(blocks)}. Name the pods (namespaceSelector + podSelector) or the CIDRs that need it.`,
        );
      ingress.forEach((r: any, i: number) => {
        const from: any[] = r.from ?? [];
        const why =
          from.length === 0 && !(r.ports ?? []).length
            ? "admits every source on every port"
            : from.some((p) => p.namespaceSelector && Object.keys(p.namespaceSelector).length === 0 && !p.podSelector)
              ? "admits every pod of every namespace"
              : undefined;
        if (why)
          report(
            np.node,
            `${describeObject(np)} ingress rule ${i} ${why}. Name the pods (namespaceSelector + podSelector) or the CIDRs that need it.`,
          );
      });
    }
  },
});

export const grafanaExposure = rule({
  id: "grafana-exposure",
  description:
    "A Grafana LoadBalancer (plain HTTP) lists its allowed source ranges (loadBalancerSourceRanges), admitting no more than a /16 of public addresses.",
  severity: "high",
  scope: "resource",
  check(graph, report) {
    for (const { release: r, grafana } of grafanaReleases(graph)) {
      const svc = grafana?.service;
      if (svc?.type !== "LoadBalancer") continue;
      const ranges: string[] = Array.isArray(svc.loadBalancerSourceRanges) ? svc.loadBalancerSourceRanges : [];
      if (ranges.length === 0 || tooBroad(ranges))
        report(
          r.node,
          `Helm release ${r.name} exposes Grafana as a LoadBalancer to ${ranges.length ? `${JSON.stringify(ranges)} (${describeBreadth(ranges)})` : "every address"} over HTTP. Set monitoring.grafanaAllowedCidrs to the networks that need it.`,
        );
    }
  },
});

export const grafanaSidecarScoped = rule({
  id: "grafana-sidecar-scoped",
  description:
    "Grafana's sidecars search only named namespaces, under namespaced RBAC: no ClusterRole that reads every Secret in the cluster.",
  severity: "high",
  scope: "resource",
  check(graph, report) {
    for (const { release: r, grafana: g } of grafanaReleases(graph)) {
      if (!g || g.enabled === false) continue;
      // kube-prometheus-stack's own default is searchNamespace ALL; the grafana chart's is rbac.namespaced false.
      const search =
        g.sidecar?.dashboards?.searchNamespace ?? (r.chart === "kube-prometheus-stack" ? "ALL" : undefined);
      const all = [search].flat().some((s) => typeof s === "string" && s.split(",").includes("ALL"));
      if (all || g.rbac?.namespaced !== true)
        report(
          r.node,
          `Helm release ${r.name}: Grafana's sidecar ${all ? "searches ALL namespaces" : "is scoped"}${g.rbac?.namespaced !== true ? " and rbac.namespaced is not true, so the chart binds a ClusterRole that reads every Secret in the cluster" : ""}. Set sidecar.dashboards.searchNamespace to our namespaces and rbac.namespaced: true.`,
        );
    }
  },
});

// Names that carry a credential, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN included.
const SECRET_ENV = /(TOKEN|PASSWORD|SECRET|API_KEY|APIKEY|SECRET_ACCESS_KEY|CREDENTIALS?)$/i;

export const noPlainSecretArgs = rule({
  id: "no-plain-secret-args",
  description:
    "No container of ours carries a credential in plain text: no secret flag (--api-key, --hf-token, …) or credential-like value in command/args/env, and env vars named *TOKEN/*PASSWORD/*SECRET/*API_KEY come from a Secret.",
  severity: "critical",
  scope: "resource",
  check(graph, report) {
    for (const { workload: w, container: c } of containers(graph)) {
      const words: string[] = [...(c.command ?? []), ...(c.args ?? [])].filter(
        (a: unknown): a is string => typeof a === "string",
      );
      for (const a of words) {
        // vLLM's parser also takes abbreviations; other programs get the exact names only.
        const vllmSecret = c.name === "vllm" && vllmFlagProblem(a)?.kind === "secret";
        const flag = flagName(a);
        if (vllmSecret || (flag && (SECRET_VLLM_FLAGS as readonly string[]).includes(flag)) || SECRET_VALUE.test(a))
          report(
            w.object.node,
            `${describeObject(w.object)} container ${c.name} has a credential in its arguments (${flag ?? "a key-like value"}): it is stored in plain text in the object and the state. Read it from a Secret through an env var instead.`,
          );
      }
      for (const e of c.env ?? [])
        if (
          (SECRET_ENV.test(e.name) && e.value !== undefined) ||
          (typeof e.value === "string" && SECRET_VALUE.test(e.value))
        )
          report(
            w.object.node,
            `${describeObject(w.object)} container ${c.name} sets env ${e.name} as a plain value. Use valueFrom.secretKeyRef.`,
          );
    }
  },
});

export const vllmManagedFlags = rule({
  id: "vllm-managed-flags",
  description:
    "The vLLM container sets each flag the chart manages (--port, --host, --tensor-parallel-size, …) once: a repeated flag silently overrides what the Service, probes and HPA assume.",
  severity: "medium",
  scope: "resource",
  check(graph, report) {
    for (const d of vllmDeployments(graph)) {
      const c = (d.body.spec?.template?.spec?.containers ?? []).find((x: any) => x.name === "vllm");
      // Each argument as vLLM's parser reads it (abbreviations and `_` spellings resolved).
      const flags = (c?.args ?? [])
        .map((a: unknown) => (typeof a === "string" ? vllmFlagProblem(a) : undefined))
        .filter((p: ReturnType<typeof vllmFlagProblem>) => p?.kind === "managed")
        .map((p: { flag: string }) => p.flag);
      const repeated = [...new Set(flags.filter((f: string, i: number) => flags.indexOf(f) !== i))];
      if (repeated.length)
        report(
          d.node,
          `${describeObject(d)} repeats ${repeated.join(", ")} in the vLLM arguments (model.extraArgs?): the last one wins and the Service, probes or GPU limit no longer match. Remove the duplicate.`,
        );
    }
  },
});

export const noServiceAccountToken = rule({
  id: "no-sa-token-automount",
  description:
    "Our pods do not mount a Kubernetes API token (automountServiceAccountToken: false): only the rehearsal pod reads pods, through a projected token of its own.",
  severity: "medium",
  scope: "resource",
  check(graph, report) {
    for (const w of workloads(graph).filter((w) => w.podSpec.automountServiceAccountToken !== false))
      report(
        w.object.node,
        `${describeObject(w.object)} mounts a service account token: a compromised container could call the Kubernetes API. Set automountServiceAccountToken: false.`,
      );
  },
});

const CLUSTER_SCOPED = new Set([
  "Namespace",
  "StorageClass",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "PriorityClass",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "PersistentVolume",
]);

export const noDefaultNamespace = rule({
  id: "no-default-namespace",
  description: "Nothing of ours lands in the `default` namespace (or in no namespace, which kubectl reads as default).",
  severity: "low",
  scope: "resource",
  check(graph, report) {
    for (const o of kubeObjects(graph).filter(
      (o) =>
        !CLUSTER_SCOPED.has(o.kind) &&
        (o.namespace === "default" || o.namespace === "") &&
        !opaque(o.body.metadata?.namespace),
    ))
      report(
        o.node,
        `${describeObject(o)} is ${o.namespace ? "in the default namespace" : "without a namespace (default)"}: it gets none of our namespaces' admission labels and NetworkPolicies. Put it in the serving or monitoring namespace.`,
      );
  },
});

const EBS_PROVISIONER = /ebs\.csi\.aws\.com|kubernetes\.io\/aws-ebs/;
const EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem";

/**
 * Why an EFS class's volumes are not encrypted, or undefined when they are. EFS encrypts the file
 * system, not the class: the class passes only when the file system it names is in the stack and
 * encrypted. While the id is unknown (a preview before the file system exists), every file system
 * of the stack must be.
 */
function efsUnencrypted(fileSystemId: unknown, graph: readonly PolicyNode[]): string | undefined {
  const systems = graph.filter((n) => n.type === EFS_FILE_SYSTEM);
  const named = typeof fileSystemId === "string" && systems.some((n) => n.id === fileSystemId);
  const candidates = named ? systems.filter((n) => n.id === fileSystemId) : systems;
  if (candidates.length === 0) return `names file system ${String(fileSystemId)}, which this stack does not create`;
  const plain = candidates.filter((n) => n.inputs.encrypted !== true);
  if (plain.length > 0)
    return `stores on EFS file system ${plain.map((n) => n.name).join(", ")}, which is not encrypted`;
  return undefined;
}

export const storageClassEncrypted = rule({
  id: "storage-class-encrypted",
  description:
    'Every StorageClass we create encrypts its volumes: EBS classes set parameters.encrypted "true"; an EFS class names an encrypted file system of the stack.',
  severity: "medium",
  scope: "stack",
  check(graph, report) {
    const classes = kubeObjects(graph).filter((o) => o.kind === "StorageClass");
    for (const o of classes) {
      if (EBS_PROVISIONER.test(String(o.body.provisioner)) && o.body.parameters?.encrypted !== "true")
        report(
          o.node,
          `${describeObject(o)} provisions unencrypted EBS volumes (Prometheus' TSDB, model caches). Set parameters.encrypted: "true".`,
        );
    }
    for (const o of classes) {
      if (String(o.body.provisioner) !== "efs.csi.aws.com") continue;
      const why = efsUnencrypted(o.body.parameters?.fileSystemId, graph);
      if (why) report(o.node, `${describeObject(o)} ${why}. Create the aws.efs.FileSystem with encrypted: true.`);
    }
  },
});

const RBAC = "rbac.authorization.k8s.io";
/** Subjects that mean "everyone" (CIS EKS 4.1.x: no binding to them). */
const EVERYONE = new Set(["system:anonymous", "system:unauthenticated", "system:authenticated"]);

export const rbacLeastPrivilege = rule({
  id: "rbac-least-privilege",
  description:
    "Every Role, ClusterRole and binding the stack creates is least-privilege: no binding to cluster-admin or to everyone (system:anonymous, system:unauthenticated, system:authenticated), no rule with a wildcard verb, resource or API group.",
  severity: "high",
  scope: "resource",
  check(graph, report) {
    for (const o of kubeObjects(graph).filter((x) => x.apiVersion.startsWith(`${RBAC}/`))) {
      const b = o.body;
      if (o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding") {
        const everyone = (b.subjects ?? []).filter((s: any) => EVERYONE.has(s?.name)).map((s: any) => s.name);
        if (b.roleRef?.name === "cluster-admin" || everyone.length)
          report(
            o.node,
            `${describeObject(o)} binds ${b.roleRef?.name === "cluster-admin" ? "cluster-admin" : `${b.roleRef?.name} to ${everyone.join(", ")}`}: bind a Role with only the verbs and resources its subject needs.`,
          );
      }
      if (o.kind === "Role" || o.kind === "ClusterRole")
        (b.rules ?? []).forEach((r: any, i: number) => {
          const wild = (["verbs", "resources", "apiGroups"] as const).filter((k) => (r?.[k] ?? []).includes("*"));
          if (wild.length)
            report(
              o.node,
              `${describeObject(o)} rule ${i} has a wildcard in ${wild.join(", ")}: list the verbs, resources and API groups it needs.`,
            );
        });
    }
  },
});

export const workloadServiceAccount = rule({
  id: "workload-service-account",
  description:
    "Each of our pods runs under its own ServiceAccount, never its namespace's `default` (CIS EKS 4.1.5), and each ServiceAccount we create mounts no token by default.",
  severity: "medium",
  scope: "resource",
  check(graph, report) {
    for (const w of workloads(graph)) {
      const sa = w.podSpec.serviceAccountName ?? w.podSpec.serviceAccount;
      if (sa === undefined || sa === "default")
        report(
          w.object.node,
          `${describeObject(w.object)} runs as its namespace's default ServiceAccount: any pod of the namespace shares its identity and RBAC. Give it its own ServiceAccount (serviceAccountName).`,
        );
    }
    for (const sa of kubeObjects(graph).filter((o) => o.kind === "ServiceAccount"))
      if (sa.body.automountServiceAccountToken !== false)
        report(
          sa.node,
          `${describeObject(sa)} mounts its token into every pod that uses it: set automountServiceAccountToken: false (a pod that calls the API opts in).`,
        );
  },
});

export const kubernetesSecurityRules: Rule[] = [
  namespacePsaLabels,
  workloadsMeetPsa,
  defaultDenyIngress,
  netpolNoOpenIngress,
  grafanaExposure,
  grafanaSidecarScoped,
  noPlainSecretArgs,
  vllmManagedFlags,
  noServiceAccountToken,
  noDefaultNamespace,
  storageClassEncrypted,
  rbacLeastPrivilege,
  workloadServiceAccount,
];
