/**
 * @module bundle-process — a deployed bundle running as an operator runs it: `node dist/main.js`
 * in the bundle's folder, with the environment given and nothing else (not even the test's own).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { waitFor } from "@switchboard/testkit";

/** How long a bundle may take from spawn to `/readyz` 200 (migrations on PostgreSQL included). */
const READY_TIMEOUT_MS = 30_000;

/** A running bundle. */
export class BundleProcess {
  private output = "";
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    /** Its base URL (`LV_PLUGIN_SELF_URI`). */
    readonly url: string,
  ) {
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString("utf8")).slice(-16_000));
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
  }

  /**
   * Starts `node dist/main.js` in `dir` with exactly `env` (the process inherits no variable from
   * the test) and waits until `/readyz` answers 200.
   */
  static async start(dir: string, url: string, env: Record<string, string>): Promise<BundleProcess> {
    const child = spawn(process.execPath, ["dist/main.js"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    const bundle = new BundleProcess(child, url);
    try {
      await waitFor(async () => {
        if (child.exitCode !== null) return true;
        const res = await fetch(`${url}readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
        await res?.body?.cancel();
        return res?.status === 200;
      }, READY_TIMEOUT_MS);
      if (child.exitCode !== null) throw new Error(`the bundle exited with ${child.exitCode}`);
    } catch (error) {
      await bundle.stop();
      throw new Error(`${(error as Error).message}\n--- the bundle printed:\n${bundle.output}`);
    }
    return bundle;
  }

  /** What the process printed last (for failure messages). */
  get recentOutput(): string {
    return this.output;
  }

  /** The files the process has mapped (Linux `/proc/<pid>/maps`): native addons show here. */
  mappedFiles(): string[] {
    const maps = readFileSync(`/proc/${this.child.pid}/maps`, "utf8");
    return [...new Set(maps.split("\n").flatMap((line) => /\s(\/\S.*)$/.exec(line)?.[1] ?? []))];
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM (the graceful stop an orchestrator sends), SIGKILL if it has not ended in 15 s. */
  async stop(): Promise<void> {
    if (this.running) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** What `node dist/cli.js <args>` printed and its exit status, run in the bundle with exactly `env`. */
export function runBundleCli(dir: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ["dist/cli.js", ...args], {
    cwd: dir,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
