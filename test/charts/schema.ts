// Validates Kubernetes objects two ways: the JSON schemas of kubernetes-models and
// @kubernetes-models/prometheus-operator (types, required fields, enums), and a strict
// unknown-field walk over @kubernetes/client-node's generated model metadata (the schemas accept
// unknown fields, so a `spec.replica` typo would pass them; the API server would drop it silently).
import * as models from "@kubernetes/client-node/dist/gen/models/all.js";

type Model = { getAttributeTypeMap(): Array<{ baseName: string; type: string }> };
const registry = models as unknown as Record<string, Model | undefined>;

const modulePath: Record<string, string> = {
  v1: "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "batch/v1": "kubernetes-models/batch/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "storage.k8s.io/v1": "kubernetes-models/storage.k8s.io/v1",
  "rbac.authorization.k8s.io/v1": "kubernetes-models/rbac.authorization.k8s.io/v1",
  "admissionregistration.k8s.io/v1": "kubernetes-models/admissionregistration.k8s.io/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

/** Schema validation; throws naming the object and the failing field. */
export async function validateSchema(obj: {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
}): Promise<void> {
  const where = `${obj.kind} ${obj.metadata?.name}`;
  const mod = modulePath[obj.apiVersion];
  if (!mod) throw new Error(`${where}: no schema for apiVersion ${obj.apiVersion}`);
  const Cls = (await import(mod))[obj.kind] as (new (o: unknown) => { validate(): void }) | undefined;
  if (!Cls) throw new Error(`${where}: no schema for kind ${obj.kind} in ${obj.apiVersion}`);
  try {
    new Cls(obj).validate();
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
  }
}

const leaf = new Set(["string", "number", "boolean", "Date", "any", "object", "IntOrString", "RawExtension"]);

function walk(value: unknown, type: string, path: string, errors: string[]): void {
  if (value === null || value === undefined || leaf.has(type)) return;
  const array = type.match(/^Array<(.+)>$/);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, array[1], `${path}[${i}]`, errors));
    return;
  }
  const map = type.match(/^\{ \[key: string\]: (.+); \}$/);
  if (map) {
    for (const [k, v] of Object.entries(value)) walk(v, map[1], `${path}.${k}`, errors);
    return;
  }
  const model = registry[type];
  if (!model || typeof value !== "object") return;
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    const t = fields.get(k);
    if (!t) errors.push(`${path}.${k}: unknown field (${type} has ${[...fields.keys()].join(", ")})`);
    else walk(v, t, `${path}.${k}`, errors);
  }
}

/** Unknown fields of a built-in object (CRDs are skipped: the client has no models for them). */
export function unknownFields(obj: { apiVersion: string; kind: string }): string[] {
  if (obj.apiVersion.includes(".coreos.com")) return [];
  const version = obj.apiVersion.split("/").pop()!;
  const type = `V${version.slice(1)}${obj.kind}`;
  if (!registry[type]) return [`no client model ${type}`];
  const errors: string[] = [];
  walk(obj, type, obj.kind, errors);
  return errors;
}
