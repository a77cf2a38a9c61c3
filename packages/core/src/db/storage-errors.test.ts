import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { spawn } from "node:child_process";
import { once } from "node:events";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ChannelNetworkError } from "../errors.js";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, tempDbPath, TENANT_A, textMessage, type Stack } from "../test/stack.js";
import { openDatabase } from "./client.js";

let stack: Stack | undefined;
let other: BetterSqlite3.Database | undefined;
afterEach(async () => {
  if (other?.inTransaction) other.exec("ROLLBACK");
  other?.close();
  await stack?.close();
  stack = other = undefined;
});

const status = async (url: string) => (await fetch(url)).status;

async function expectUnavailable(res: Response): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get("retry-after")).toBe("5");
  expect(await res.json()).toEqual({ code: 503, message: "The database is busy or full; try again shortly" });
}

describe("storage errors", () => {
  it("another process holding the write lock: 503s and /readyz 503, the process lives, then everything recovers by itself", async () => {
    const echo = createEchoGateway();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let returned = 0;
    echo.behave(async (m) => {
      await gate;
      returned++;
      return `id-${m.queueId}`;
    });
    const s = (stack = await startStack(echo.definition));
    const { crm, gw } = s;
    expect((await crm.send(gw.url, TENANT_A, textMessage("before"))).status).toBe(202);
    await crm.waitFor(() => echo.calls.length === 1);

    other = new BetterSqlite3(s.dbPath);
    other.exec("BEGIN IMMEDIATE");
    await expectUnavailable(await crm.send(gw.url, TENANT_A, textMessage("refused")));
    expect(await status(`${gw.url}readyz`)).toBe(503);
    expect(await status(`${gw.url}healthz`)).toBe(200);
    const webhook = async () =>
      fetch(
        `${gw.url}echo/webhook/${(await gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.publicId}`,
        {
          method: "POST",
          body: JSON.stringify({ id: "in-1", from: "echo://ann", text: "hello while locked" }),
        },
      );
    await expectUnavailable(await webhook());
    // The send in flight finishes while the lock is held: its "sent" is kept until it can be written.
    open();
    await crm.waitFor(() => returned === 1);
    expect(await status(`${gw.url}readyz`)).toBe(503);
    expect(crm.statusesOf("before")).toEqual([]);

    other.exec("COMMIT");
    await crm.waitFor(async () => (await status(`${gw.url}readyz`)) === 200);
    await crm.waitFor(() => crm.statusesOf("before").length === 1);
    expect((await crm.send(gw.url, TENANT_A, textMessage("after"))).status).toBe(202);
    expect((await webhook()).status).toBe(200);
    await crm.waitFor(() => crm.statusesOf("after").length === 1 && crm.incoming.length === 1);
    expect(crm.statusesOf("before")).toEqual(["sent"]);
    expect(echo.calls.map((c) => c.message.id)).toEqual(["before", "after"]);
    expect(crm.incoming[0]!.body.message.content?.text).toBe("hello while locked");
  });

  it("the send worker waits out a locked database when a retry falls due, and sends it once the lock is gone", async () => {
    const echo = createEchoGateway();
    echo.behave(async (m) => {
      if (m.attempt === 1) throw new ChannelNetworkError("connection reset");
      return `id-${m.queueId}`;
    });
    const s = (stack = await startStack(echo.definition, {
      env: { SWITCHBOARD_RETRY_BASE_MS: "300", SWITCHBOARD_RETRY_MAX_MS: "300" },
    }));
    const { crm, gw } = s;
    expect((await crm.send(gw.url, TENANT_A, textMessage("retry-me"))).status).toBe(202);
    const lastError = () =>
      (gw.runtime.db.$client.prepare("SELECT last_error AS e FROM outgoing").get() as { e: string | null }).e;
    await crm.waitFor(() => lastError() !== null);
    other = new BetterSqlite3(s.dbPath);
    other.exec("BEGIN IMMEDIATE");
    // Nothing but the worker writes now: readiness drops when its claim of the due retry is refused.
    await crm.waitFor(async () => (await status(`${gw.url}readyz`)) === 503);
    expect(echo.calls).toHaveLength(1);
    other.exec("COMMIT");
    await crm.waitFor(() => crm.statusesOf("retry-me").length === 1);
    expect(crm.statusesOf("retry-me")).toEqual(["sent"]);
    expect(echo.calls.map((c) => c.attempt)).toEqual([1, 2]);
    expect(await status(`${gw.url}readyz`)).toBe(200);
  });

  it("a full database (page limit reached): 503 instead of an exit, nothing acknowledged is lost, recovery without a restart", async () => {
    const echo = createEchoGateway();
    const { crm, gw } = (stack = await startStack(echo.definition));
    const sqlite = gw.runtime.db.$client;
    const pages = sqlite.pragma("page_count", { simple: true }) as number;
    sqlite.pragma(`max_page_count = ${pages + 2}`);
    // Sends wait until the database has room again: a send finishing meanwhile would record its
    // small rows in free space and so bring readiness back before the check below.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    echo.behave(async (message) => {
      await held;
      return `echo-${message.queueId}`;
    });
    const accepted: string[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const res = await crm.send(gw.url, TENANT_A, textMessage(`big-${i}`, "x".repeat(4000)));
      if (res.status === 202) accepted.push(`big-${i}`);
      else refused = res;
    }
    expect(refused).toBeDefined();
    await expectUnavailable(refused!);
    expect(await status(`${gw.url}readyz`)).toBe(503);

    sqlite.pragma("max_page_count = 1073741823");
    release();
    await crm.waitFor(async () => (await status(`${gw.url}readyz`)) === 200);
    expect((await crm.send(gw.url, TENANT_A, textMessage("after-full"))).status).toBe(202);
    await crm.waitFor(() => [...accepted, "after-full"].every((id) => crm.statusesOf(id).length === 1), 30_000);
  }, 60_000);

  it("at start-up (nothing served yet) waits for a lock another process holds briefly, instead of failing", async () => {
    const path = tempDbPath();
    const script = `
      const db = new (require("better-sqlite3"))(process.argv[1]);
      db.pragma("journal_mode = WAL");
      db.exec("BEGIN IMMEDIATE");
      process.stdout.write("locked\\n");
      setTimeout(() => { db.exec("COMMIT"); db.close(); }, 500);`;
    const child = spawn(process.execPath, ["-e", script, path], { stdio: ["ignore", "pipe", "inherit"] });
    await once(child.stdout!, "data");
    const db = openDatabase(path);
    expect(db.$client.pragma("busy_timeout", { simple: true })).toBe(10);
    db.$client.close();
    await once(child, "exit");
  });
});
