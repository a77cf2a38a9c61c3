/**
 * @module chaos/harness/build — runs the build the chaos suite depends on and refuses to go on when
 * it fails: the suite starts gateways from dist/, and an older dist/ would test code that is gone.
 */
import { spawnSync } from "node:child_process";

/** A build to run, in a folder. */
export interface BuildCommand {
  command: string;
  args: string[];
  cwd: string;
}

/** Thrown when the build cannot start or fails; the suite then runs nothing. */
export class ChaosBuildError extends Error {
  override name = "ChaosBuildError";
}

/** Runs the build with its output shown; throws unless it exits 0. */
export function buildOrThrow(build: BuildCommand): void {
  const result = spawnSync(build.command, build.args, { cwd: build.cwd, stdio: "inherit" });
  const what = `${build.command} ${build.args.join(" ")}`;
  if (result.error) {
    throw new ChaosBuildError(`chaos: could not start "${what}" (${result.error.message}); nothing was run`);
  }
  if (result.status !== 0) {
    const how = result.status === null ? `signal ${result.signal}` : `exit code ${result.status}`;
    throw new ChaosBuildError(`chaos: "${what}" failed (${how}); the suite never runs against an older dist/`);
  }
}
