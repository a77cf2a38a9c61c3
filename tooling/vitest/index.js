// @ts-check
/** Shared vitest defaults: node environment, explicit imports, generous timeouts for real servers. */
import { defineProject } from "vitest/config";

export const baseTestConfig = defineProject({
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    env: { LOG_LEVEL: "silent" },
  },
});

export default baseTestConfig;
