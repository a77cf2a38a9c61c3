import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Runs only the fixture beside it, as a child vitest of postgres.test.ts.
export default defineConfig({
  test: { include: ["*.fixture.ts"], root: dirname(fileURLToPath(import.meta.url)), pool: "forks" },
});
