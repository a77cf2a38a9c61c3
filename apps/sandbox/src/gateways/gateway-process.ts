/**
 * @module gateways/gateway-process — one gateway as a child process (`node apps/<name>/dist/main.js`):
 * started, awaited until `/readyz` answers, and stopped with SIGTERM like in production.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * Preloaded into every gateway: when the sandbox dies without stopping it (a crash, SIGKILL), the
 * gateway is re-parented, notices within half a second and shuts itself down instead of lingering
 * on its port. The timer is unref'd, so it never keeps a gateway alive by itself.
 */
const ORPHAN_GUARD =
  'data:text/javascript,const p=process.ppid;setInterval(()=>{if(process.ppid!==p)process.kill(process.pid,"SIGTERM")},500).unref()';

/** What to run. */
export interface GatewayProcessSpec {
  name: string;
  /** The gateway's `dist/main.js`. */
  entry: string;
  env: Record<string, string | undefined>;
  /** Its LV_PLUGIN_SELF_URI (trailing slash): readiness is checked at `<url>readyz`. */
  url: string;
  /** Gives up waiting for readiness after this long (default 30 s). */
  readyTimeoutMs?: number;
  /** Receives each line the process prints. */
  onOutput?: (line: string) => void;
}

/** A running gateway process. */
export interface GatewayProcess {
  readonly name: string;
  readonly url: string;
  readonly pid: number | undefined;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `timeoutMs` (default 15 s); resolves once the process is gone. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Spawns a gateway and resolves once it is ready; rejects (and kills it) when it exits or hangs first. */
export async function startGatewayProcess(spec: GatewayProcessSpec): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ["--enable-source-maps", "--import", ORPHAN_GUARD, spec.entry], {
    env: spec.env,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: Ctrl-C reaches the sandbox only, which then stops each gateway once.
    detached: true,
  });
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      spec.onOutput?.(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(null));
  });
  const handle: GatewayProcess = {
    name: spec.name,
    url: spec.url,
    pid: child.pid,
    exited,
    stop: (timeoutMs = 15_000) => stopChild(child, exited, timeoutMs),
  };
  try {
    await waitUntilReady(spec, exited, () => tail.join("\n"));
  } catch (error) {
    await handle.stop(2000);
    throw error;
  }
  return handle;
}

async function waitUntilReady(
  spec: GatewayProcessSpec,
  exited: Promise<number | null>,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 30_000);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`The ${spec.name} gateway exited (code ${exitCode}) before it was ready:\n${output()}`);
    }
    const ready = await fetch(`${spec.url}readyz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) return;
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  throw new Error(`The ${spec.name} gateway was not ready at ${spec.url}readyz within the time limit:\n${output()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  await exited;
  clearTimeout(timer);
}
