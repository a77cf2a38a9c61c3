import { defineProject, mergeConfig } from "vitest/config";
import { baseTestConfig } from "@switchboard/vitest-config";

// pnpm deploy and a gateway start per store take seconds each; the files run one after another so
// the bundles' processes do not compete with each other for the two cores.
export default mergeConfig(
  baseTestConfig,
  defineProject({ test: { testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false } }),
);
