import ts from "typescript";
import { productRooms, roomOf, targetOf } from "./import-rules";

/**
 * DESIGN §2: "Only the config modules, the mapper, the program and the entry points see the whole
 * stack config." This reads every product module's imports with TypeScript's parser and reports
 * each use of `StackConfig` or of another type the config modules export.
 */

/** The config modules: the schema, its helpers and the Pulumi reader (repo paths without extension). */
export const isConfigModule = (target: string): boolean => /^infra\/(config(-[a-z]+)?|pulumi-config)$/.test(target);

/** Who may see the whole stack config: the config modules, the mapper, the program and the entry points. */
export function maySeeStackConfig(file: string): boolean {
  const module = file.replace(/\.[cm]?ts$/, "");
  return (
    isConfigModule(module) ||
    module.startsWith("infra/mapper/") ||
    module === "infra/program" ||
    module === "infra/index" ||
    module.startsWith("scripts/")
  );
}

/** Names of the types (interfaces, type aliases) the config modules export, read from their source. */
export function configTypeNames(sources: ReadonlyMap<string, string>): Set<string> {
  const names = new Set<string>(["StackConfig"]);
  for (const [file, text] of sources) {
    if (!isConfigModule(file.replace(/\.ts$/, ""))) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    for (const st of sf.statements) {
      if (!ts.isInterfaceDeclaration(st) && !ts.isTypeAliasDeclaration(st)) continue;
      if (st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) names.add(st.name.text);
    }
  }
  return names;
}

export interface ConfigTypeUse {
  file: string;
  /** The imported name (`*` for a namespace import). */
  name: string;
  from: string;
}

/** Every use of a config type by a product module outside the allowed ones. */
export function configTypeUses(sources: ReadonlyMap<string, string>, allowed = maySeeStackConfig): ConfigTypeUse[] {
  const typeNames = configTypeNames(sources);
  const out: ConfigTypeUse[] = [];
  for (const [file, text] of sources) {
    const room = roomOf(file);
    if (!room || !productRooms.includes(room) || allowed(file)) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const visit = (node: ts.Node) => {
      // import … from "…" and export … from "…"
      const isImportExport = ts.isImportDeclaration(node) || ts.isExportDeclaration(node);
      if (isImportExport && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const from = targetOf(file, node.moduleSpecifier.text);
        const fromConfig = isConfigModule(from);
        const clauseTypeOnly = ts.isImportDeclaration(node) ? !!node.importClause?.isTypeOnly : node.isTypeOnly;
        const bindings = ts.isImportDeclaration(node) ? node.importClause?.namedBindings : node.exportClause;
        if (bindings && (ts.isNamespaceImport(bindings) || ts.isNamespaceExport(bindings))) {
          if (fromConfig) out.push({ file, name: "*", from });
        } else if (bindings) {
          for (const el of bindings.elements) {
            const name = (el.propertyName ?? el.name).text;
            const isType = clauseTypeOnly || el.isTypeOnly || typeNames.has(name);
            if (name === "StackConfig" || (fromConfig && isType)) out.push({ file, name, from });
          }
        } else if (ts.isExportDeclaration(node) && fromConfig) {
          out.push({ file, name: "*", from }); // export * from a config module
        }
      }
      // import("…").StackConfig in a type position
      if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
        const spec = node.argument.literal;
        const from = ts.isStringLiteral(spec) ? targetOf(file, spec.text) : "";
        if (isConfigModule(from)) out.push({ file, name: node.qualifier ? node.qualifier.getText(sf) : "*", from });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}
