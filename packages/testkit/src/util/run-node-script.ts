/**
 * @module util/run-node-script — runs a built script (an app's `dist/cli.js`) as a real child
 * process of this Node, with exactly the environment given, and answers its exit status and output.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

/** What a finished script answered. */
export interface ScriptResult {
  /** The exit status (a signal counts as 128 + its number's stand-in, -1). */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <script> ...args` with `env` as its whole environment (nothing of this process's
 * leaks in) and resolves once it exited; a script that is not built fails at once, saying so.
 */
export function runNodeScript(
  script: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  options: { timeoutMs?: number } = {},
): Promise<ScriptResult> {
  if (!existsSync(script)) return Promise.reject(new Error(`${script} is not built: run the package's build first`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs ?? 60_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
