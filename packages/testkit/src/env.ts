/**
 * @module env — the only place the testkit reads the environment.
 */

/** Whether the tests run on CI (`CI=true`), where a missing system program fails instead of skipping. */
export function runningOnCi(env?: NodeJS.ProcessEnv): boolean {
  return (env ?? process.env).CI === "true";
}

/** The directories of `PATH`, in order. */
export function searchPath(env?: NodeJS.ProcessEnv): string[] {
  return ((env ?? process.env).PATH ?? "").split(":").filter((dir) => dir !== "");
}

/** `SWITCHBOARD_TEST_DATABASE_URL`: an existing PostgreSQL server for the PostgreSQL tests, or undefined. */
export function testDatabaseUrl(env?: NodeJS.ProcessEnv): string | undefined {
  const url = (env ?? process.env).SWITCHBOARD_TEST_DATABASE_URL?.trim();
  return url ? url : undefined;
}
