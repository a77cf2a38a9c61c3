import { fileURLToPath } from "node:url";
import { baseTestConfig } from "@switchboard/vitest-config";
import { defineProject, mergeConfig } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Core's end-to-end tests need CRM hosts (SalesRender's for the CRM simulator, Bitrix24's for the
// fake Bitrix24). The hosts depend on core, so they cannot be dependencies of core: the tests
// load their source, with core's own source standing in for `@switchboard/core` (one copy of each class).
export default mergeConfig(
  baseTestConfig,
  defineProject({
    resolve: {
      alias: [
        { find: /^@switchboard\/host-salesrender$/, replacement: source("../host-salesrender/src/index.ts") },
        { find: /^@switchboard\/host-bitrix24$/, replacement: source("../host-bitrix24/src/index.ts") },
        { find: /^@switchboard\/core\/internal$/, replacement: source("./src/internal.ts") },
        { find: /^@switchboard\/core$/, replacement: source("./src/index.ts") },
      ],
    },
  }),
);
