// The autoscaling rehearsal (a scenario with a rate_profile) notes when each vLLM pod was created,
// scheduled, started and ready (bench/fleet/kube-api.ts). It reads them from the Kubernetes API with
// the benchmark's own ServiceAccount, and only then: a Role that can get, list and watch pods in the
// serving namespace and nothing else, and a short-lived token projected into the rehearsal's pod alone
// at the standard path. The pod keeps automountServiceAccountToken: false (no other pod of this
// ServiceAccount gets a token), and our NetworkPolicies restrict ingress only, so the call to the API
// server needs no rule of ours.
import type { ICronJob, IJob } from "kubernetes-models/batch/v1";
import type { IConfigMap } from "kubernetes-models/v1";
import type { IRole, IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { BENCH_NAME } from "./objects";
import { PART_OF } from "../part-of";

export const POD_READER = `${BENCH_NAME}-pod-reader`;
/** Where Kubernetes mounts a ServiceAccount's token, CA and namespace (bench/fleet/kube-api.ts reads it there). */
const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
/** The kubelet renews a projected token at 80 % of its life; the client re-reads it for every request. */
const TOKEN_SECONDS = 3600;

const rehearses = (configMap: IConfigMap) =>
  (JSON.parse(configMap.data!["scenario.json"]) as { scenarios: { rate_profile?: unknown }[] }).scenarios.some(
    (s) => s.rate_profile !== undefined,
  );

/** With a rehearsal scenario: the pod-reading Role, its binding, and the token in the benchmark's pod. */
export function withPodReader(
  namespace: string,
  objs: [IConfigMap, ICronJob | IJob],
): { objs: [IConfigMap, ICronJob | IJob]; rbac: (IRole | IRoleBinding)[] } {
  if (!rehearses(objs[0])) return { objs, rbac: [] };
  const [configMap, runner] = structuredClone(objs);
  const spec = runner.kind === "CronJob" ? runner.spec.jobTemplate.spec! : runner.spec!;
  const pod = spec.template.spec!;
  pod.volumes = [
    ...(pod.volumes ?? []),
    {
      name: "kube-api-access",
      projected: {
        sources: [
          { serviceAccountToken: { path: "token", expirationSeconds: TOKEN_SECONDS } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
          { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } },
        ],
      },
    },
  ];
  const c = pod.containers[0];
  c.volumeMounts = [
    ...(c.volumeMounts ?? []),
    { name: "kube-api-access", mountPath: SERVICE_ACCOUNT_DIR, readOnly: true },
  ];
  const metadata = { name: POD_READER, namespace, labels: { "app.kubernetes.io/name": BENCH_NAME, ...PART_OF } };
  const role: IRole = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata,
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
  };
  const binding: IRoleBinding = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: POD_READER },
    subjects: [{ kind: "ServiceAccount", name: BENCH_NAME, namespace }],
  };
  return { objs: [configMap, runner], rbac: [role, binding] };
}
