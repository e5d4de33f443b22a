import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export interface GrafanaReaderArgs {
  /** Where our dashboard ConfigMaps live (the serving namespace). */
  namespace: string;
  /** Grafana's namespace and service account (kube-prometheus-stack values). */
  grafana: { namespace: string; serviceAccount: string };
}

/**
 * Lets Grafana's dashboard sidecar read ConfigMaps in the serving namespace, and nothing else:
 * the chart's namespaced Role would also grant Secrets (grafana-community/helm-charts
 * charts/grafana templates/role.yaml), and this namespace holds the HF token and the API key.
 */
export function grafanaDashboardReader(args: GrafanaReaderArgs, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
  const name = "grafana-dashboard-reader";
  const role = new k8s.rbac.v1.Role(
    name,
    {
      metadata: { name, namespace: args.namespace },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }],
    },
    opts,
  );
  const binding = new k8s.rbac.v1.RoleBinding(
    name,
    {
      metadata: { name, namespace: args.namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name: args.grafana.serviceAccount, namespace: args.grafana.namespace }],
    },
    opts,
  );
  return [role, binding];
}
