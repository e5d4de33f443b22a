// typescript-eslint's recommended type-checked rules over every TypeScript file (issue 16); CI runs it.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Code that walks resource inputs of any Pulumi/Kubernetes type (the graph recorder, its mocks and
// the policy rules) reads untyped JSON by design; tests poke at parsed output the same way. There the
// no-unsafe-* family would only demand casts that check nothing, so it is off; everywhere else it is on.
const untypedInputs = {
  "@typescript-eslint/no-explicit-any": "off",
  "@typescript-eslint/no-unsafe-member-access": "off",
  "@typescript-eslint/no-unsafe-assignment": "off",
  "@typescript-eslint/no-unsafe-call": "off",
  "@typescript-eslint/no-unsafe-argument": "off",
  "@typescript-eslint/no-unsafe-return": "off",
};

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "results/", "**/*.mjs", "**/*.cjs", "**/*.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  { files: ["policy/**/*.ts", "scripts/graph/**/*.ts", "test/**/*.ts"], rules: untypedInputs },
);
