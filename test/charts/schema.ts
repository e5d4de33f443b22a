// Validates Kubernetes objects two ways: the JSON schemas of kubernetes-models and
// @kubernetes-models/prometheus-operator (types, required fields, enums), and a strict
// unknown-field walk over @kubernetes/client-node's generated model metadata (the schemas accept
// unknown fields, so a `spec.replica` typo would pass them; the API server would drop it silently).
// KEDA's ScaledObject has no kubernetes-models package: it is validated against its CRD's
// openAPIV3Schema, a committed fixture generated from the pinned chart (test/fixtures/crds/README.md).
import * as fs from "node:fs";
import Ajv from "ajv";
import * as models from "@kubernetes/client-node/dist/gen/models/all.js";

interface OpenApiSchema {
  type?: string;
  properties?: Record<string, OpenApiSchema>;
  items?: OpenApiSchema;
  additionalProperties?: OpenApiSchema | boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
}
const crdSchema = (file: string) =>
  JSON.parse(fs.readFileSync(new URL(`../fixtures/crds/${file}`, import.meta.url), "utf8")) as OpenApiSchema;
/** CRD schemas by apiVersion and kind. */
const CRD_SCHEMAS: Record<string, OpenApiSchema> = {
  "keda.sh/v1alpha1/ScaledObject": crdSchema("keda-scaledobject.schema.json"),
};
// OpenAPI v3 as Kubernetes writes it: int32/int64 formats and x-kubernetes-* keywords are not JSON Schema.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

function validateCrd(obj: object, schema: OpenApiSchema, where: string): void {
  const validate = ajv.compile(schema);
  if (!validate(obj)) throw new Error(`${where}: ${ajv.errorsText(validate.errors)}`);
}

/** Fields the CRD's structural schema does not declare (the API server prunes them silently). */
function unknownCrdFields(value: unknown, schema: OpenApiSchema, path: string): string[] {
  if (value === null || typeof value !== "object" || schema["x-kubernetes-preserve-unknown-fields"]) return [];
  if (Array.isArray(value))
    return schema.items ? value.flatMap((v, i) => unknownCrdFields(v, schema.items!, `${path}[${i}]`)) : [];
  if (schema.properties)
    return Object.entries(value).flatMap(([k, v]) => {
      const sub = schema.properties![k];
      // metadata is ObjectMeta, which the CRD schema leaves open.
      if (!sub) return path === "" && k === "metadata" ? [] : [`${path}.${k}: unknown field`];
      return unknownCrdFields(v, sub, `${path}.${k}`);
    });
  if (typeof schema.additionalProperties === "object")
    return Object.entries(value).flatMap(([k, v]) =>
      unknownCrdFields(v, schema.additionalProperties as OpenApiSchema, `${path}.${k}`),
    );
  return [];
}

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
  const crd = CRD_SCHEMAS[`${obj.apiVersion}/${obj.kind}`];
  if (crd) return validateCrd(obj, crd, where);
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
  const crd = CRD_SCHEMAS[`${obj.apiVersion}/${obj.kind}`];
  if (crd) return unknownCrdFields(obj, crd, obj.kind);
  if (obj.apiVersion.includes(".coreos.com")) return [];
  const version = obj.apiVersion.split("/").pop()!;
  const type = `V${version.slice(1)}${obj.kind}`;
  if (!registry[type]) return [`no client model ${type}`];
  const errors: string[] = [];
  walk(obj, type, obj.kind, errors);
  return errors;
}
