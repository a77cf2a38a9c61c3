/**
 * @module util/system-program — tests that need a program of the machine (Chromium, later
 * PostgreSQL): on a developer's machine without it they are skipped with one line saying how to
 * enable them; on CI (`CI=true`) a missing program fails the run instead of hiding the tests.
 */
import { accessSync, constants } from "node:fs";
import { isAbsolute, join } from "node:path";
import { runningOnCi, searchPath } from "../env.js";

/** What a test needs and how to get it. */
export interface SystemProgram {
  /** How people call it: `Chromium`. */
  name: string;
  /** Absolute paths or names looked up in `PATH`, tried in order. */
  candidates: string[];
  /** Who needs it, for the message: `the sandbox browser test`. */
  neededBy: string;
  /** How to install it: `apt-get install chromium`. */
  install: string;
}

/** Thrown on CI when a program a test needs is missing. */
export class MissingSystemProgramError extends Error {
  override name = "MissingSystemProgramError";
}

/** Where the program is, or undefined. */
export function findSystemProgram(candidates: readonly string[], env?: NodeJS.ProcessEnv): string | undefined {
  for (const candidate of candidates) {
    const paths = isAbsolute(candidate) ? [candidate] : searchPath(env).map((dir) => join(dir, candidate));
    const found = paths.find(isExecutable);
    if (found) return found;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The program's path when the machine has it. When it does not: on CI, throws; elsewhere, prints
 * one line (`skipped: <who> needs <name> — <install>`) and returns undefined, for `describe.skipIf`.
 */
export function requireSystemProgram(program: SystemProgram, env?: NodeJS.ProcessEnv): string | undefined {
  const found = findSystemProgram(program.candidates, env);
  if (found) return found;
  if (runningOnCi(env)) {
    throw new MissingSystemProgramError(
      `${program.neededBy} needs ${program.name} (${program.candidates.join(", ")}), and CI=true does not skip it — ${program.install}`,
    );
  }
  console.warn(`skipped: ${program.neededBy} needs ${program.name} — ${program.install}`);
  return undefined;
}
