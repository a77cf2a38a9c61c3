import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keyring, SecretKey } from "@switchboard/core/internal";
import { databaseBytes, secretsOnDisk } from "@switchboard/testkit";
import { UpdateBuilder } from "@switchboard/testkit/telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshChat, startTelegramStack, TENANTS, TOKENS, type TelegramStack } from "./test/stack.js";

const dbPath = join(mkdtempSync(join(tmpdir(), "telegram-at-rest-")), "telegram.sqlite");
const oldKey = randomBytes(32).toString("base64");
const newKey = randomBytes(32).toString("hex");
const updates = new UpdateBuilder();

let stack: TelegramStack;
beforeAll(async () => {
  stack = await startTelegramStack({ env: { SWITCHBOARD_DB_PATH: dbPath, SWITCHBOARD_SECRET_KEY: oldKey } });
});
afterAll(() => stack.close());

/** What must never be on disk in plain text: both bot tokens and both webhook secrets. */
function secrets(): string[] {
  return [...TOKENS, ...TOKENS.map((token) => stack.fake.webhook(token)!.secretToken!)];
}

describe("Telegram secrets at rest", () => {
  it("keeps bot tokens and webhook secrets out of the database files", () => {
    expect(secrets().every((s) => s.length > 10)).toBe(true);
    expect(secretsOnDisk(dbPath, secrets())).toEqual([]);
    // The bot id (the public half of a token) is stored, so the scan does look at the right file.
    expect(databaseBytes(dbPath).includes("111111")).toBe(true);
  });

  it("serves the webhook after the key is rotated into SWITCHBOARD_SECRET_KEYS_OLD, re-encrypted", async () => {
    const restarted = await stack.restart({
      SWITCHBOARD_DB_PATH: dbPath,
      SWITCHBOARD_SECRET_KEY: newKey,
      SWITCHBOARD_SECRET_KEYS_OLD: oldKey,
    });

    const res = await stack.fake.deliverUpdate(TOKENS[0], updates.text({ id: freshChat() }, "after the rotation"));
    expect(res.status).toBe(200);
    await stack.crm.waitFor(() =>
      stack.crm.incoming.some(
        (r) => r.body.message.content?.text === "after the rotation" && r.ref.companyId === TENANTS[0].companyId,
      ),
    );
    expect(secretsOnDisk(dbPath, secrets())).toEqual([]);
    const sqlite = restarted.runtime.db.$client;
    const stored = [
      ...sqlite.prepare(`SELECT secret AS v FROM telegram_webhooks`).all(),
      ...sqlite.prepare(`SELECT data AS v FROM settings`).all(),
    ].map((r) => (r as { v: string }).v);
    expect(stored).toHaveLength(4);
    const current = new Keyring(SecretKey.parse(newKey)!);
    for (const value of stored) expect(current.isCurrent(value)).toBe(true);
  });
});
