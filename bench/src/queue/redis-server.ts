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

/** Starts redis-server, or says why it could not. */
export async function startRedis(): Promise<RedisServer | { skipped: string }> {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    return { skipped: "redis-server is not installed (as root: apt-get update && apt-get install -y redis-server)" };
  }
  const version = /v=([\d.]+)/.exec(probe.stdout)?.[1] ?? "unknown";
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
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
