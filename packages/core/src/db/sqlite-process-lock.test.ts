import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { salesrender } from "@switchboard/host-salesrender";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { startGateway, type GatewayHandle } from "../server/start-gateway.js";
import { createEchoGateway } from "../test/echo-gateway.js";
import { tempDbPath } from "../test/stack.js";
import { DatabaseInUseError, lockSqliteDatabase } from "./sqlite-process-lock.js";

const HOLDER = fileURLToPath(new URL("./test/hold-gateway.ts", import.meta.url));
const children: ChildProcess[] = [];
const gateways: GatewayHandle[] = [];
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all(gateways.splice(0).map((gw) => gw.stop({ timeoutMs: 100 })));
});

/** Starts a gateway in another process; resolves with it once it serves, or with its exit and stderr. */
async function otherProcess(dbPath: string) {
  const child = spawn(process.execPath, ["--import", "tsx", HOLDER, dbPath], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit").then(([code]) => ({ code: code as number | null, stderr }));
  const ready = once(createInterface({ input: child.stdout! }), "line").then(() => "ready" as const);
  const outcome = await Promise.race([ready, exited]);
  return { child, outcome, exited };
}

const startHere = (dbPath: string) =>
  startGateway(createEchoGateway().definition, {
    hosts: [salesrender],
    port: 0,
    env: { SWITCHBOARD_DB_PATH: dbPath, LOG_LEVEL: "silent" },
  });

describe("one process per SQLite database", () => {
  it("a second process on the same file is refused at start with a clear error; kill -9 of the first frees it", async () => {
    const dbPath = tempDbPath();
    const first = await otherProcess(dbPath);
    expect(first.outcome).toBe("ready");

    const second = await otherProcess(dbPath);
    expect(second.outcome).toMatchObject({ code: 1 });
    expect((second.outcome as { stderr: string }).stderr).toContain(
      `DatabaseInUseError: the database ${dbPath} is in use by another process (it holds ${dbPath}.lock)`,
    );
    const here = await startHere(dbPath).catch((e: Error) => e);
    expect(here).toBeInstanceOf(DatabaseInUseError);

    // The database file itself is not locked: other tools can read it while the gateway runs.
    const reader = new BetterSqlite3(dbPath, { readonly: true });
    expect(reader.prepare("SELECT count(*) AS n FROM tenants").get()).toEqual({ n: 0 });
    reader.close();

    first.child.kill("SIGKILL");
    await first.exited;
    gateways.push(await startHere(dbPath));
  }, 60_000);

  it("a gateway stopped gracefully lets the next process start", async () => {
    const dbPath = tempDbPath();
    const gw = await startHere(dbPath);
    expect((await otherProcess(dbPath)).outcome).toMatchObject({ code: 1 });
    await gw.stop();
    expect((await otherProcess(dbPath)).outcome).toBe("ready");
  }, 60_000);

  it("a start that fails after taking the lock gives it back", async () => {
    const dbPath = tempDbPath();
    const definition = createEchoGateway().definition;
    const failing = await startGateway(
      {
        ...definition,
        setup: () => {
          throw new Error("the gateway's setup failed");
        },
      },
      { hosts: [salesrender], port: 0, env: { SWITCHBOARD_DB_PATH: dbPath, LOG_LEVEL: "silent" } },
    ).catch((e: Error) => e);
    expect((failing as Error).message).toBe("the gateway's setup failed");
    expect((await otherProcess(dbPath)).outcome).toBe("ready");
  }, 60_000);

  it("within one process the lock is shared and counted (tests start a crashed gateway's next process in the same one)", () => {
    const dbPath = tempDbPath();
    const a = lockSqliteDatabase(dbPath);
    const b = lockSqliteDatabase(dbPath);
    a.release();
    a.release();
    const probe = new BetterSqlite3(`${dbPath}.lock`);
    probe.pragma("busy_timeout = 0");
    expect(() => probe.prepare("SELECT count(*) FROM holder").get()).toThrow(/locked/);
    b.release();
    expect(probe.prepare("SELECT pid FROM holder").get()).toEqual({ pid: process.pid });
    probe.close();
    expect(lockSqliteDatabase(":memory:").release()).toBeUndefined();
  });
});
