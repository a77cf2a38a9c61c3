/**
 * @module queue/redis-server — a throwaway `redis-server` on a free loopback port, without
 * persistence, for the BullMQ comparison. Resolves to undefined when Redis cannot run here.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { freePort } from "@switchboard/testkit";

/** A running Redis. */
export interface RedisServer {
  port: number;
  version: string;
  stop(): Promise<void>;
}

const INSTALL_HINT = "as root: apt-get update && apt-get install -y redis-server";

/** `redis-server --version`, installing Debian's package first when absent and we are root. */
function redisVersion(log: (line: string) => void): string | { skipped: string } {
  const probe = () => spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  let found = probe();
  if (
    (found.error || found.status !== 0) &&
    process.getuid?.() === 0 &&
    spawnSync("apt-get", ["--version"]).status === 0
  ) {
    log("queue-only: redis-server is missing; installing it with apt-get");
    const install = spawnSync(
      "sh",
      ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server"],
      {
        stdio: "ignore",
        timeout: 300_000,
      },
    );
    if (install.status !== 0) return { skipped: `apt-get could not install redis-server (${INSTALL_HINT})` };
    found = probe();
  }
  if (found.error || found.status !== 0) return { skipped: `redis-server is not installed (${INSTALL_HINT})` };
  return /v=([\d.]+)/.exec(found.stdout)?.[1] ?? "unknown";
}

/** Starts redis-server (installing it when absent and possible), or says why it could not. */
export async function startRedis(
  log: (line: string) => void = () => undefined,
): Promise<RedisServer | { skipped: string }> {
  const version = redisVersion(log);
  if (typeof version !== "string") return version;
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString("utf8").includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ready) {
    child.kill("SIGKILL");
    return { skipped: "redis-server did not start" };
  }
  return { port, version, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
