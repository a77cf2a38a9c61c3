import { defineProject, mergeConfig } from "vitest/config";
import { baseTestConfig } from "@switchboard/vitest-config";

// Unit tests of the bench's own helpers (the chaos harness's included); the chaos suite itself has
// its own config (vitest.chaos.config.ts).
export default mergeConfig(
  baseTestConfig,
  defineProject({ test: { exclude: ["src/chaos/**/*.chaos.test.ts", "node_modules/**", "dist/**"] } }),
);
