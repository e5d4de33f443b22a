// Strict unknown-field check for custom resources (ServiceMonitor, PrometheusRule). The
// prometheus-operator JSON validators accept unknown fields, and no npm package ships the CRD
// schemas themselves; the TypeScript interfaces of @kubernetes-models/prometheus-operator are
// generated from those schemas and have no index signatures, so the TypeScript compiler's
// excess-property check on an object literal rejects any field the CRD does not declare.
import * as path from "node:path";
import ts from "typescript";

const root = path.resolve(import.meta.dirname, "../..");
const crdModule: Record<string, string> = {
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

type Obj = { apiVersion: string; kind: string; metadata?: { name?: string } };

export const isCustomResource = (o: Obj) => o.apiVersion in crdModule;

/** For each object, the fields its CRD type does not declare (or mistyped), as compiler messages. */
export function crdUnknownFields(objs: Obj[]): Map<Obj, string[]> {
  const file = path.join(root, "test/charts/__crd-check__.ts");
  const lines: string[] = [];
  const lineOf: Obj[] = [];
  objs.forEach((o, i) => {
    const mod = crdModule[o.apiVersion];
    if (!mod) throw new Error(`${o.kind} ${o.metadata?.name}: no CRD types for ${o.apiVersion}`);
    // One object per line, so a diagnostic's line names the object.
    lines.push(`import type { I${o.kind} as T${i} } from "${mod}"; export const o${i}: T${i} = ${JSON.stringify(o)};`);
    lineOf.push(o);
  });
  const source = lines.join("\n");
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    path.resolve(name) === file ? ts.createSourceFile(name, source, lang, true) : read(name, lang, ...rest);
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === file || exists(name);
  const program = ts.createProgram([file], options, host);
  const sf = program.getSourceFile(file)!;
  const result = new Map<Obj, string[]>(objs.map((o) => [o, []]));
  for (const d of program.getSemanticDiagnostics(sf)) {
    const { line } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
    const o = lineOf[line];
    result
      .get(o)!
      .push(`${o.kind}${fieldPath(sf, d.start ?? 0)}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
  }
  return result;
}

/** `.spec.endpoints[0].intervall` for the property at `pos` in the object literal. */
function fieldPath(sf: ts.SourceFile, pos: number): string {
  let node: ts.Node | undefined = findDeepest(sf, pos);
  const parts: string[] = [];
  for (; node && !ts.isVariableDeclaration(node); node = node.parent) {
    const parent: ts.Node | undefined = node.parent;
    if (ts.isPropertyAssignment(node)) parts.unshift(`.${(node.name as ts.StringLiteral).text}`);
    else if (parent && ts.isArrayLiteralExpression(parent))
      parts.unshift(`[${parent.elements.indexOf(node as ts.Expression)}]`);
  }
  return parts.join("");
}

function findDeepest(node: ts.Node, pos: number): ts.Node {
  const child = node.getChildren().find((c) => c.getStart() <= pos && pos < c.getEnd());
  return child ? findDeepest(child, pos) : node;
}
