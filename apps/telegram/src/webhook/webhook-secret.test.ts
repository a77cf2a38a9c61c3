import { createLogger } from "@switchboard/core/internal";
import { UpdateBuilder } from "@switchboard/testkit/telegram";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { telegramWebhooks } from "../db/schema.js";
import { WebhookSecrets } from "../db/webhook-secrets.js";
import { freshChat, startTelegramStack, tenantIdOf, TENANTS, TOKENS, type TelegramStack } from "../test/stack.js";

const lines: string[] = [];
const updates = new UpdateBuilder();
let stack: TelegramStack;

beforeAll(async () => {
  const logger = createLogger({ level: "trace", name: "telegram" }, { write: (line: string) => void lines.push(line) });
  stack = await startTelegramStack({ logger });
});
afterAll(() => stack.close());

const BOT_IDS = ["111111", "222222"] as const;

function hookSecret(tenant: 0 | 1): string {
  const secret = stack.fake.webhook(TOKENS[tenant])?.secretToken;
  if (!secret) throw new Error(`bot ${tenant} has no webhook secret`);
  return secret;
}

async function storedSecret(tenant: 0 | 1): Promise<string | undefined> {
  return stack.gw.instance.webhookSecrets.find(await tenantIdOf(stack, TENANTS[tenant]), BOT_IDS[tenant]);
}

/** Every secret the gateway ever gave Telegram. */
function allSecretsSet(): string[] {
  return stack.fake.callsTo("setWebhook").map((c) => String(c.params.secret_token));
}

async function save(tenant: 0 | 1): Promise<void> {
  const res = await stack.crm.putSettings(stack.url, TENANTS[tenant], { main: { allowGroups: false } });
  expect(res.status).toBe(200);
}

/** Delivers a text update with `secretToken` (undefined: the one Telegram holds); returns the status. */
async function deliverText(tenant: 0 | 1, text: string, secretToken?: string | null): Promise<number> {
  const res = await stack.fake.deliverUpdate(
    TOKENS[tenant],
    updates.text({ id: freshChat() }, text),
    secretToken === undefined ? {} : { secretToken },
  );
  return res.status;
}

function forwardedTexts(): (string | undefined)[] {
  return stack.crm.incoming.map((r) => r.body.message.content?.text);
}

async function waitForwarded(text: string): Promise<void> {
  await stack.crm.waitFor(() => forwardedTexts().includes(text), 10_000);
}

describe("the webhook secret", () => {
  it("refuses a wrong secret with 401 {code, message} and a body that is not an update with 400", async () => {
    await save(0);
    const url = stack.fake.webhook(TOKENS[0])!.url;
    const wrong = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "nope" },
      body: JSON.stringify(updates.text({ id: 1 }, "x")),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ code: 401, message: "Missing or wrong secret token" });
    for (const body of ["null", "0", "[]", "{}", "{oops"]) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": hookSecret(0) },
        body,
      });
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { code: number }).code).toBe(400);
    }
  });

  it("is random and new on every save, even for the same bot; the previous one then gets 401", async () => {
    const seen = [hookSecret(0)];
    for (let i = 0; i < 3; i += 1) {
      await save(0);
      seen.push(hookSecret(0));
      expect(await storedSecret(0)).toBe(hookSecret(0));
    }
    // Same token, same tenant, four different secrets: nothing about it comes from the token.
    expect(new Set(seen).size).toBe(4);
    for (const secret of seen) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(secret).not.toContain(BOT_IDS[0]);
      expect(secret).not.toContain(TOKENS[0].split(":")[1]!);
    }
    expect(await deliverText(0, "with an old secret", seen[2])).toBe(401);
    expect(await deliverText(0, "with the current secret")).toBe(200);
    await waitForwarded("with the current secret");
    expect(forwardedTexts()).not.toContain("with an old secret");
  });

  it("differs between tenants, and one tenant's secret does not open the other's webhook", async () => {
    expect(hookSecret(0)).not.toBe(hookSecret(1));
    expect(await deliverText(1, "crossed secrets", hookSecret(0))).toBe(401);
    expect(forwardedTexts()).not.toContain("crossed secrets");
  });

  it("keeps the current secret when Telegram refuses the new webhook", async () => {
    const before = hookSecret(0);
    stack.fake.failNext(
      "setWebhook",
      { error_code: 400, description: "Bad Request: bad webhook: Failed to resolve host" },
      { token: TOKENS[0] },
    );
    const res = await stack.crm.putSettings(stack.url, TENANTS[0], { main: { allowGroups: false } });
    expect(res.status).toBe(400);
    expect(await storedSecret(0)).toBe(before);
    expect(await deliverText(0, "after a refused save")).toBe(200);
    await waitForwarded("after a refused save");
  });

  it("lets nothing in while the tenant has no stored secret, until the settings are saved again", async () => {
    const ref = TENANTS[1];
    const current = hookSecret(1);
    await stack.gw.runtime.db
      .delete(telegramWebhooks)
      .where(eq(telegramWebhooks.tenantId, await tenantIdOf(stack, ref)));
    const statuses = [
      await deliverText(1, "no secret stored 1"),
      await deliverText(1, "no secret stored 2", null),
      await deliverText(1, "no secret stored 3", ""),
    ];
    expect(statuses).toEqual([401, 401, 401]);
    const preview = await stack.crm.request(stack.url, ref, "GET", "protected/preview/markdown/connection");
    expect(((await preview.json()) as { markdown: string }).markdown).toContain("secret is not stored here");

    // A secret stored for another bot opens nothing either.
    await stack.gw.instance.webhookSecrets.save(await tenantIdOf(stack, ref), "999999", current);
    expect(await deliverText(1, "secret of another bot", current)).toBe(401);

    await save(1);
    expect(hookSecret(1)).not.toBe(current);
    expect(await deliverText(1, "reconnected")).toBe(200);
    await waitForwarded("reconnected");
    expect(forwardedTexts().filter((t) => t?.startsWith("no secret stored") || t === "secret of another bot")).toEqual(
      [],
    );
  });

  it("is decrypted once per stored value on the hot path, and a newly saved one at once", async () => {
    const box = stack.gw.runtime.secrets;
    let opened = 0;
    // Its own store over the same table, to count what it decrypts.
    const store = new WebhookSecrets({
      db: stack.gw.runtime.db,
      secrets: { seal: (text) => box.seal(text), open: (sealed) => (opened++, box.open(sealed)) },
    });
    const ref = 909;
    await store.save(ref, "909090", "first-secret");
    const found = [await store.find(ref, "909090"), await store.find(ref, "909090"), await store.find(ref, "909090")];
    expect(found).toEqual(["first-secret", "first-secret", "first-secret"]);
    expect(opened).toBe(1);
    await store.save(ref, "909090", "second-secret");
    expect(await store.find(ref, "909090")).toBe("second-secret");
    expect(await store.find(ref, "111111")).toBeUndefined();
    expect(opened).toBe(2);
  });

  it("never appears in logs or in the settings data and previews the CRM sees", async () => {
    await save(0);
    expect(await deliverText(0, "leak check")).toBe(200);
    await waitForwarded("leak check");
    const answers: string[] = [];
    for (const tenant of [0, 1] as const) {
      answers.push(await (await stack.crm.getSettings(stack.url, TENANTS[tenant])).text());
      answers.push(
        await (
          await stack.crm.request(stack.url, TENANTS[tenant], "GET", "protected/preview/markdown/connection")
        ).text(),
      );
    }
    expect(answers[0]).toBe(JSON.stringify({ main: { botToken: true, allowGroups: false } }));
    const everything = [
      ...lines,
      ...answers,
      JSON.stringify(stack.crm.events),
      JSON.stringify(stack.crm.incoming),
    ].join("\n");
    // The log did record the saves and updates this file made.
    expect(lines.some((l) => l.includes("telegram webhook set"))).toBe(true);
    // Every secret of this file: current, replaced, refused by Telegram.
    const secrets = allSecretsSet();
    expect(secrets).toEqual(expect.arrayContaining([hookSecret(0), hookSecret(1)]));
    expect(new Set(secrets).size).toBe(secrets.length);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
