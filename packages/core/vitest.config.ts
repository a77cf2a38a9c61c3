import { fileURLToPath } from "node:url";
import { baseTestConfig } from "@switchboard/vitest-config";
import { defineProject, mergeConfig } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Core's end-to-end tests need a CRM host, and the only one the CRM simulator speaks is
// SalesRender's. host-salesrender depends on core, so it cannot be a dependency of core: the tests
// load its source, with core's own source standing in for `@switchboard/core` (one copy of each class).
export default mergeConfig(
  baseTestConfig,
  defineProject({
    resolve: {
      alias: [
        { find: /^@switchboard\/host-salesrender$/, replacement: source("../host-salesrender/src/index.ts") },
        { find: /^@switchboard\/core\/internal$/, replacement: source("./src/internal.ts") },
        { find: /^@switchboard\/core$/, replacement: source("./src/index.ts") },
      ],
    },
  }),
);
