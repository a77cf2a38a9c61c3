// @ts-check
/** Shared flat config: recommended JS + TypeScript rules, and process.env only in env files. */
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export const baseConfig = tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".turbo/**", "drizzle/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "separate-type-imports" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
      eqeqeq: ["error", "smart"],
    },
  },
  {
    // Tests read arbitrary JSON answers; typing every one adds noise, not safety.
    files: ["**/*.test.ts", "**/test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);

/** Secrets and settings come through one module per app, so process.env is read nowhere else. */
export const restrictEnvAccess = tseslint.config({
  files: ["**/*.ts"],
  ignores: ["**/env.ts", "**/*.test.ts", "**/test/**", "**/bench/**", "**/scripts/**"],
  rules: {
    "no-restricted-properties": [
      "error",
      { object: "process", property: "env", message: "Read configuration in env.ts only." },
    ],
  },
});

export default [...baseConfig, ...restrictEnvAccess];
