import type {
  IValidatingAdmissionPolicy,
  IValidatingAdmissionPolicyBinding,
} from "kubernetes-models/admissionregistration.k8s.io/v1";
import { PART_OF } from "../part-of";
import { admissionPrefixes } from "./registries";

// The in-cluster half of the approved-registry control (CIS EKS v1.0.1 5.1.4, "minimize container
// registries to only those approved"): a ValidatingAdmissionPolicy, built into Kubernetes
// (admissionregistration.k8s.io/v1, GA in 1.30), so no policy engine runs in the cluster. It
// refuses a pod in our namespaces whose image is outside the approved prefixes or not pinned the
// way our own images are (charts/security/registries.ts holds both rules; the config applies
// them to benchmark.image before any resource).

export const ADMISSION_POLICY_NAME = "vllm-k8s-approved-images";

export interface AdmissionProps {
  /** Namespaces whose pods the policy judges (ours: serving, benchmark). */
  namespaces: string[];
  /** Approved registry prefixes, each ending in `/`. */
  registries: string[];
}

/** Every container of the pod: regular, init and ephemeral. */
export const CONTAINERS_CEL =
  "object.spec.containers" +
  " + (has(object.spec.initContainers) ? object.spec.initContainers : [])" +
  " + (has(object.spec.ephemeralContainers) ? object.spec.ephemeralContainers : [])";

const celString = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** CEL: every container image starts with an approved prefix (as pod specs may spell it). */
export const approvedImagesCel = (registries: readonly string[]) =>
  `variables.containers.all(c, [${admissionPrefixes(registries).map(celString).join(", ")}].exists(p, c.image.startsWith(p)))`;

/**
 * CEL: every image is pinned by digest, or by a tag other than `latest` (the tag is what follows
 * the last `:` when no `/` comes after it; without one the runtime pulls `latest`).
 */
export const PINNED_IMAGES_CEL =
  "variables.containers.all(c, c.image.matches('@sha256:[a-f0-9]{64}$')" +
  " || (c.image.matches('^[^@]+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$') && !c.image.endsWith(':latest')))";

export function admissionObjects(p: AdmissionProps): [IValidatingAdmissionPolicy, IValidatingAdmissionPolicyBinding] {
  const metadata = { name: ADMISSION_POLICY_NAME, labels: { ...PART_OF } };
  return [
    {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata,
      spec: {
        failurePolicy: "Fail",
        matchConstraints: {
          resourceRules: [
            { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] },
          ],
        },
        variables: [{ name: "containers", expression: CONTAINERS_CEL }],
        validations: [
          {
            expression: approvedImagesCel(p.registries),
            message: `every container image must come from an approved registry (${p.registries.join(", ")}); add one with cluster.approvedRegistries`,
            reason: "Forbidden",
          },
          {
            expression: PINNED_IMAGES_CEL,
            message: "every container image must be pinned by a digest or a tag other than latest",
            reason: "Forbidden",
          },
        ],
      },
    },
    {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata,
      spec: {
        policyName: ADMISSION_POLICY_NAME,
        validationActions: ["Deny"],
        matchResources: {
          namespaceSelector: {
            matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...p.namespaces] }],
          },
        },
      },
    },
  ];
}
