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
