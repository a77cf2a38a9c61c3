/**
 * The built CLI (`dist/cli.js`) as an operator runs it: a real child process with the gateway's
 * environment, beside a real running Telegram gateway (CRM simulator, fake Bot API) on a SQLite
 * file and on a real PostgreSQL; its exit codes, stdout and stderr. What it shows came through the
 * gateway (a failed send, a CRM refusing an incoming message); what it retries the running gateway
 * sends; migrate and secrets rotate wait for the gateway to stop on SQLite.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eq, sql } from "drizzle-orm";
import { runNodeScript, type ScriptResult } from "@switchboard/testkit";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { UpdateBuilder } from "@switchboard/testkit/telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coreTables } from "@switchboard/core/internal";
import {
  freshChat,
  nextId,
  startTelegramStack,
  tenantIdOf,
  TENANTS,
  TOKENS,
  type TelegramStack,
} from "../test/stack.js";

const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
const pg = await postgresTestDatabase();

const oldKey = randomBytes(32).toString("base64");
const newKey = randomBytes(32).toString("base64");
const updates = new UpdateBuilder();

/** What leaks nothing: no bot token, nor its secret half, nor a key. */
function expectNoSecrets(result: ScriptResult) {
  for (const text of [result.stdout, result.stderr]) {
    for (const token of TOKENS) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.slice(token.indexOf(":") + 1));
    }
    expect(text).not.toContain(oldKey);
    expect(text).not.toContain(newKey);
  }
}

const stores = [
  {
    name: "SQLite",
    store: () => ({ SWITCHBOARD_DB_PATH: join(mkdtempSync(join(tmpdir(), "tg-cli-")), "telegram.sqlite") }),
  },
  ...(pg ? [{ name: "PostgreSQL", store: () => ({ SWITCHBOARD_DATABASE_URL: pg.url }) }] : []),
];

describe.each(stores)("the telegram CLI on $name", { timeout: 120_000 }, ({ name, store }) => {
  const sqlite = name === "SQLite";
  let stack: TelegramStack;
  let storeEnv: Record<string, string>;
  /** The CLI's environment: what the gateway runs with. */
  let env: Record<string, string>;
  const cli = async (args: string[], extra: Record<string, string> = {}) => {
    const result = await runNodeScript(CLI, args, { ...env, ...extra });
    expectNoSecrets(result);
    return result;
  };
  const json = async (args: string[], extra: Record<string, string> = {}) => {
    const result = await cli([...args, "--json"], extra);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };
  /** A command the CLI must refuse: its exit status, and one line on stderr (nothing on stdout). */
  const refused = async (args: string[], code: number, extra: Record<string, string> = {}) => {
    const result = await cli(args, extra);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe("");
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^switchboard-telegram: /);
    return result.stderr;
  };

  beforeAll(async () => {
    storeEnv = store();
    const gatewayEnv = {
      ...storeEnv,
      SWITCHBOARD_SECRET_KEY: oldKey,
      // A failed CRM delivery waits an hour: only `outbox retry` makes it due again.
      SWITCHBOARD_RETRY_BASE_MS: "3600000",
      SWITCHBOARD_RETRY_MAX_MS: "3600000",
    };
    stack = await startTelegramStack({ env: gatewayEnv });
    env = {
      ...stack.crm.env,
      ...gatewayEnv,
      LV_PLUGIN_SELF_URI: stack.url,
      SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
      TELEGRAM_API_ROOT: stack.fake.url,
      LOG_LEVEL: "info",
    };
  });
  afterAll(() => stack?.close());

  it("helps on every level and refuses bad input with exit 2 and one line", async () => {
    const top = await cli(["--help"]);
    expect(top.code).toBe(0);
    for (const command of [
      "migrate",
      "queue list",
      "queue purge",
      "outbox retry",
      "tenants list",
      "secrets rotate",
      "webhook info",
      "webhook reset",
    ]) {
      expect(top.stdout).toContain(`  ${command} `);
    }
    const group = await cli(["queue", "--help"]);
    expect(group.code).toBe(0);
    expect(group.stdout).toContain("queue retry");
    const command = await cli(["queue", "list", "--help"]);
    expect(command.stdout).toMatch(/--state <state> +only messages in this state/);
    expect(command.stdout).toMatch(/--limit <n> +at most this many rows \(default 50\)/);

    expect(await refused(["bogus"], 2)).toContain('unknown command "bogus"');
    expect(await refused(["queue"], 2)).toContain("queue needs a command");
    expect(await refused(["queue", "list", "--state", "lost"], 2)).toContain("--state must be one of");
    expect(await refused(["queue", "list", "--frobnicate"], 2)).toContain("--frobnicate");
    expect(await refused(["queue", "list", "--limit", "0"], 2)).toContain("--limit");
    expect(await refused(["queue", "purge", "--older-than", "7 days"], 2)).toContain("30m, 12h or 7d");
    expect(await refused(["queue", "purge"], 2)).toContain("--older-than");
    expect(await refused(["queue", "stats", "--tenant", "no-such-tenant"], 2)).toContain('no tenant "no-such-tenant"');
    expect(await refused(["queue", "retry"], 2)).toContain("one message id, or --all-failed");
    expect(await refused(["queue", "retry", "999999"], 2)).toContain("no message 999999");
    expect(await refused(["webhook", "info"], 2)).toContain("--tenant");
  });

  it("lists the tenants the gateway registered, without their settings", async () => {
    const answer = (await json(["tenants", "list"])) as {
      tenants: { id: number; publicId: string; settingsSaved: boolean }[];
    };
    const ids = await Promise.all(TENANTS.map((ref) => tenantIdOf(stack, ref)));
    expect(answer.tenants.map((t) => t.id)).toEqual(ids);
    expect(answer.tenants.every((t) => t.settingsSaved)).toBe(true);
    const human = await cli(["tenants", "list"]);
    expect(human.code).toBe(0);
    const [header, first] = human.stdout.split("\n");
    expect(header).toMatch(/^ID +HOST +KEY +PUBLIC ID +COUNTRY +CREATED +SETTINGS +QUEUED +FAILED$/);
    // Aligned: each column starts where its header does.
    expect(first!.indexOf("salesrender")).toBe(header!.indexOf("HOST"));
    expect(first).toContain(answer.tenants[0]!.publicId);
  });

  it("shows a failed send, and the running gateway sends it once retried", async () => {
    const chat = freshChat();
    const id = nextId("cli");
    stack.fake.failNext(
      "sendMessage",
      { error_code: 403, description: "Forbidden: bot was blocked by the user" },
      { chatId: chat },
    );
    await stack.send(0, {
      chat: { id: null, contact: `tg://user?id=${chat}`, subject: null },
      message: { id, content: { text: "retried by the operator", format: "text" }, attachments: [] },
    });
    await stack.waitStatus(id, "error");
    const tenant = await tenantIdOf(stack, TENANTS[0]);

    const stats = (await json(["queue", "stats", "--tenant", String(tenant)])) as { states: Record<string, number> };
    expect(stats.states.failed).toBe(1);
    const human = await cli(["queue", "stats"]);
    expect(human.stdout).toMatch(/^STATE +MESSAGES +OLDEST\nqueued +0 +-\nleased +0 +-\nsent +\d+ /);
    const { messages } = (await json(["queue", "list", "--state", "failed"])) as {
      messages: { id: number; crmMessageId: string; tenantId: number; lastError: string }[];
    };
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ crmMessageId: id, tenantId: tenant });
    expect(messages[0]!.lastError).toContain("blocked by the user");
    const queueId = messages[0]!.id;
    expect(
      await refused(["queue", "retry", String(queueId), "--tenant", String(await tenantIdOf(stack, TENANTS[1]))], 2),
    ).toContain(`no message ${queueId}`);

    const retried = await json(["queue", "retry", String(queueId)]);
    expect(retried).toEqual({ retried: 1, ids: [queueId] });
    // The gateway that runs the tenant sends it (SQLite: its poll saw the write; PostgreSQL: NOTIFY).
    await stack.crm.waitFor(() => stack.crm.statusesOf(id).includes("sent"), 15_000);
    expect(stack.crm.statusesOf(id)).toEqual(["error", "sent"]);
    expect(stack.fake.messages.filter((m) => m.chatId === String(chat)).map((m) => m.text)).toEqual([
      "retried by the operator",
    ]);
    expect(await refused(["queue", "retry", String(queueId)], 2)).toContain(`message ${queueId} is sent, not failed`);
    expect(await json(["queue", "retry", "--all-failed"])).toEqual({ retried: 0, ids: [] });
  });

  it("purges finished messages older than the duration only", async () => {
    const id = nextId("old");
    const chat = freshChat();
    await stack.send(0, {
      chat: { id: null, contact: `tg://user?id=${chat}`, subject: null },
      message: { id, content: { text: "long ago", format: "text" }, attachments: [] },
    });
    await stack.waitStatus(id, "sent");
    expect(await json(["queue", "purge", "--older-than", "7d"])).toMatchObject({ purged: 0 });
    // Made eight days old in the store itself: the test cannot wait a week.
    const { outgoing } = coreTables.for(stack.gw.runtime.db);
    await stack.gw.runtime.db
      .update(outgoing)
      .set({ finishedAt: Date.now() - 8 * 86_400_000 })
      .where(eq(outgoing.crmMessageId, id));
    const before = (await json(["queue", "stats"])) as { states: Record<string, number> };
    expect(await json(["queue", "purge", "--older-than", "7d"])).toMatchObject({ purged: 1 });
    const after = (await json(["queue", "stats"])) as { states: Record<string, number> };
    expect(after.states.sent).toBe(before.states.sent! - 1);
    const [left] = await stack.gw.runtime.db
      .select({ n: sql<number>`count(*)` })
      .from(outgoing)
      .where(eq(outgoing.crmMessageId, id));
    expect(Number(left!.n)).toBe(0);
  });

  it("shows a request the CRM refused in the outbox, and the gateway delivers it once retried", async () => {
    stack.crm.fail({ status: 503, only: "incoming" });
    const chat = freshChat();
    expect((await stack.fake.deliverUpdate(TOKENS[0], updates.text({ id: chat }, "words for the CRM"))).status).toBe(
      200,
    );
    const { crmOutbox } = coreTables.for(stack.gw.runtime.db);
    await stack.crm.waitFor(async () => {
      const [row] = await stack.gw.runtime.db.select({ attempts: crmOutbox.attempts }).from(crmOutbox).limit(1);
      return (row?.attempts ?? 0) > 0;
    });
    await stack.crm.recover();
    const stats = (await json(["outbox", "stats"])) as { kinds: { incoming: { requests: number; failing: number } } };
    expect(stats.kinds.incoming).toMatchObject({ requests: 1, failing: 1 });
    const listed = await cli(["outbox", "list", "--failing"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /^ID +TENANT +KIND +ATTEMPTS +CREATED +NEXT ATTEMPT +EXPIRES +LAST ERROR\n\d+ +\d+ +incoming +1 /,
    );
    // The customer's words stay out of the listing.
    expect(listed.stdout).not.toContain("words for the CRM");
    expect(stack.crm.incoming.some((r) => r.body.message.content?.text === "words for the CRM")).toBe(false);

    expect(await json(["outbox", "retry", "--all"])).toMatchObject({ retried: 1 });
    await stack.crm.waitFor(
      () => stack.crm.incoming.some((r) => r.body.message.content?.text === "words for the CRM"),
      15_000,
    );
    await stack.crm.waitFor(async () => ((await json(["outbox", "stats"])) as { total: number }).total === 0);
    expect(await refused(["outbox", "retry", "987654"], 2)).toContain("no request 987654");
  });

  it("asks Telegram about a tenant's webhook and points it here again", async () => {
    const tenant = await tenantIdOf(stack, TENANTS[0]);
    const publicId = (
      (await json(["tenants", "list"])) as { tenants: { id: number; publicId: string }[] }
    ).tenants.find((t) => t.id === tenant)!.publicId;
    stack.fake.setWebhookHealth(TOKENS[0], {
      pendingUpdateCount: 3,
      lastErrorMessage: "Connection timed out",
      lastErrorDate: 1_700_000_000,
    });
    // `--tenant=<id>`: a public id may start with "-".
    const info = await json(["webhook", "info", `--tenant=${publicId}`]);
    expect(info).toMatchObject({
      tenant,
      bot: "company_0_bot",
      url: `${stack.url}telegram/webhook/${publicId}`,
      pointsHere: true,
      secretStored: true,
      pendingUpdates: 3,
      lastError: "Connection timed out",
    });
    const human = await cli(["webhook", "info", "--tenant", String(tenant)]);
    expect(human.stdout).toMatch(/^tenant: +\d+\nbot: +@company_0_bot\n/);
    expect(human.stdout).toMatch(/\npoints here: +yes\n/);

    const secretBefore = stack.fake.webhook(TOKENS[0])!.secretToken;
    const reset = await json(["webhook", "reset", "--tenant", String(tenant)]);
    expect(reset).toEqual({ tenant, url: `${stack.url}telegram/webhook/${publicId}` });
    const secretAfter = stack.fake.webhook(TOKENS[0])!.secretToken;
    expect(secretAfter).not.toBe(secretBefore);
    // The running gateway takes updates with the new secret and refuses the old one.
    expect((await stack.fake.deliverUpdate(TOKENS[0], updates.text({ id: freshChat() }, "after reset"))).status).toBe(
      200,
    );
    expect(
      (
        await stack.fake.deliverUpdate(TOKENS[0], updates.text({ id: freshChat() }, "old"), {
          secretToken: secretBefore!,
        })
      ).status,
    ).toBe(401);
    await stack.crm.waitFor(() => stack.crm.incoming.some((r) => r.body.message.content?.text === "after reset"));

    stack.fake.failNext("setWebhook", {
      error_code: 400,
      description: "Bad Request: bad webhook: HTTPS url must be provided for webhook",
    });
    const failed = await refused(["webhook", "reset", "--tenant", String(tenant)], 1);
    expect(failed).toContain("Telegram refused setWebhook: Bad Request: bad webhook");
    expect(stack.fake.webhook(TOKENS[0])!.secretToken).toBe(secretAfter);
    expect(await refused(["webhook", "reset", "--tenant", "nobody"], 2)).toContain('no tenant "nobody"');
  });

  it("refuses an unreachable or missing database with one line", async () => {
    if (sqlite) {
      const missing = join(mkdtempSync(join(tmpdir(), "tg-cli-none-")), "none.sqlite");
      expect(await refused(["queue", "stats"], 1, { SWITCHBOARD_DB_PATH: missing })).toContain("does not exist");
    } else {
      const down = await refused(["queue", "stats"], 1, {
        SWITCHBOARD_DATABASE_URL: "postgres://operator:hunter2pw@127.0.0.1:1/switchboard",
      });
      expect(down).toContain("cannot be reached");
      expect(down).not.toContain("hunter2pw");
    }
  });

  it(
    sqlite
      ? "refuses migrate and secrets rotate while the gateway runs, and runs them once it stopped"
      : "migrates beside the running gateway, and rotates the secret key",
    async () => {
      const rotating = { SWITCHBOARD_SECRET_KEY: newKey, SWITCHBOARD_SECRET_KEYS_OLD: oldKey };
      if (sqlite) {
        expect(await refused(["migrate"], 1)).toContain("in use by a running gateway");
        expect(await refused(["secrets", "rotate"], 1, rotating)).toContain("in use by a running gateway");
      } else {
        const migrated = (await json(["migrate"])) as {
          ran: number;
          packages: { name: string; applied: number; total: number }[];
        };
        expect(migrated.ran).toBe(0);
        expect(migrated.packages.map((p) => p.name)).toEqual(expect.arrayContaining(["core", "gateway telegram"]));
        expect(migrated.packages.every((p) => p.applied === p.total && p.total > 0)).toBe(true);
      }
      const tenant = String(await tenantIdOf(stack, TENANTS[0]));
      await stack.gw.stop({ timeoutMs: 1000 });
      if (sqlite) expect(await json(["migrate"])).toMatchObject({ ran: 0 });
      // With the new key alone, the stored secrets cannot be opened yet: one line, no secret.
      expect(await refused(["webhook", "info", "--tenant", tenant], 1, { SWITCHBOARD_SECRET_KEY: newKey })).toMatch(
        /sealed with key \S+, which is neither/,
      );
      const rotated = (await json(["secrets", "rotate"], rotating)) as { resealed: number; key: string };
      // Each tenant's registration HPT, settings and webhook secret, and the file-link key.
      expect(rotated.resealed).toBeGreaterThanOrEqual(2 * 3 + 1);
      expect(await json(["secrets", "rotate"], rotating)).toEqual({ resealed: 0, key: rotated.key });
      // Now the new key alone opens everything; the old one alone nothing.
      expect(await json(["webhook", "info", "--tenant", tenant], { SWITCHBOARD_SECRET_KEY: newKey })).toMatchObject({
        secretStored: true,
      });
      expect(await refused(["webhook", "info", "--tenant", tenant], 1, { SWITCHBOARD_SECRET_KEY: oldKey })).toContain(
        "sealed with key",
      );
      // Without a key to seal with: the configuration's fault (exit 1) on both stores, as any bad variable.
      expect(await refused(["secrets", "rotate"], 1, { SWITCHBOARD_SECRET_KEY: "" })).toContain(
        "SWITCHBOARD_SECRET_KEY",
      );
    },
  );
});
