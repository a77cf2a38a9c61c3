import { defineProject } from "vitest/config";

// The chaos suite: real gateway processes killed, starved and flooded on loopback. Files run one
// at a time so no scenario competes with another for the two cores.
export default defineProject({
  test: {
    environment: "node",
    include: ["src/chaos/**/*.chaos.test.ts"],
    globalSetup: ["src/chaos/harness/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: { LOG_LEVEL: "silent" },
  },
});
