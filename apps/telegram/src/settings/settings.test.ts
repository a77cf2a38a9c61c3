import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelegramStack, tenantIdOf, TENANTS, TOKENS, type TelegramStack } from "../test/stack.js";

let stack: TelegramStack;

beforeAll(async () => {
  stack = await startTelegramStack({ configure: false });
});
afterAll(() => stack.close());

async function preview(tenant: 0 | 1): Promise<string> {
  const res = await stack.crm.request(stack.url, TENANTS[tenant], "GET", "protected/preview/markdown/connection");
  expect(res.status).toBe(200);
  return ((await res.json()) as { markdown: string }).markdown;
}

describe("settings", () => {
  it("describes the form with the exact field names the CRM uses", async () => {
    const res = await stack.crm.getSettingsForm(stack.url, TENANTS[0]);
    const form = (await res.json()) as {
      groups: { main: { fields: Record<string, { definition: string; default: unknown }> } };
    };
    expect(form.groups.main.fields.botToken?.definition).toBe("password");
    expect(form.groups.main.fields.allowGroups).toMatchObject({ definition: "boolean", default: false });
    expect(form.groups.main.fields.status?.definition).toBe("markdownPreview");
  });

  it("shows 'not connected' before a token is saved", async () => {
    expect(await preview(0)).toContain("Not connected");
  });

  it("rejects a wrong token with a field error, saves nothing and never echoes the token", async () => {
    const wrong = "999999:ZZwrong-token-never-issued";
    const calls = stack.fake.calls.length;
    const res = await stack.crm.putSettings(stack.url, TENANTS[0], { main: { botToken: wrong } });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ main: { botToken: [expect.stringContaining("@BotFather")] } });
    expect(text).not.toContain("ZZwrong");
    const newCalls = stack.fake.calls.slice(calls);
    expect(newCalls.map((c) => [c.method, c.ok])).toEqual([["getMe", false]]);
    const saved = await stack.crm.getSettings(stack.url, TENANTS[0]);
    // Core masks passwords: `false` means no token is stored.
    expect(await saved.json()).toEqual({ main: { botToken: false } });
  });

  it("rejects a value that is not shaped like a token before asking Telegram", async () => {
    const calls = stack.fake.calls.length;
    const res = await stack.crm.putSettings(stack.url, TENANTS[0], { main: { botToken: "hello there" } });
    expect(res.status).toBe(400);
    expect(stack.fake.calls.length).toBe(calls);
  });

  it("checks the token with getMe, then sets a secret webhook under LV_PLUGIN_SELF_URI", async () => {
    const calls = stack.fake.calls.length;
    const res = await stack.crm.putSettings(stack.url, TENANTS[0], {
      main: { botToken: TOKENS[0], allowGroups: true },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ main: { botToken: true, allowGroups: true } });
    const made = stack.fake.calls.slice(calls);
    expect(made.map((c) => c.method)).toEqual(["getMe", "setWebhook"]);
    const hook = stack.fake.webhook(TOKENS[0])!;
    expect(hook.url.startsWith(stack.url)).toBe(true);
    // The URL names the tenant by an opaque id: no company id, no token.
    expect(hook.url).not.toContain(TOKENS[0]);
    expect(hook.url).not.toContain("111111");
    expect(hook.url).not.toMatch(/\/101(\/|$)/);
    // 32 random bytes, base64url: within Telegram's 1-256 characters of A-Z a-z 0-9 _ -.
    expect(hook.secretToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hook.allowedUpdates).toEqual(["message", "edited_message"]);
    // The secret Telegram got is the one stored for the tenant and this bot.
    expect(await stack.gw.instance.webhookSecrets.find(await tenantIdOf(stack, TENANTS[0]), "111111")).toBe(
      hook.secretToken,
    );
  });

  it("keeps the stored token when the CRM re-saves masked settings", async () => {
    const res = await stack.crm.putSettings(stack.url, TENANTS[0], { main: { allowGroups: false } });
    expect(res.status).toBe(200);
    expect(stack.fake.callsTo("getMe").at(-1)?.token).toBe(TOKENS[0]);
  });

  it("refuses a bot that another plugin instance already uses", async () => {
    const res = await stack.crm.putSettings(stack.url, TENANTS[1], { main: { botToken: TOKENS[0] } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("already connected");
    expect(stack.fake.webhook(TOKENS[0])?.url).toContain("/telegram/webhook/");
  });

  it("shows the connection state: bot, webhook, pending updates, last error", async () => {
    let text = await preview(0);
    expect(text).toContain("@company\\_0\\_bot");
    expect(text).toContain("Webhook points to this plugin");
    expect(text).toContain("Updates waiting for delivery:** 0");
    expect(text).not.toContain(TOKENS[0]);

    stack.fake.setWebhookHealth(TOKENS[0], {
      pendingUpdateCount: 7,
      lastErrorDate: Math.floor(Date.parse("2030-01-02T03:04:00Z") / 1000),
      lastErrorMessage: "Wrong response from the webhook: 403 Forbidden",
    });
    text = await preview(0);
    expect(text).toContain("Updates waiting for delivery:** 7");
    expect(text).toContain("2030-01-02 03:04 UTC — Wrong response from the webhook: 403 Forbidden");

    // Someone pointed the bot elsewhere: the preview says so and saving again repairs it.
    await fetch(`${stack.fake.url}/bot${TOKENS[0]}/setWebhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: "https://elsewhere.example/hook" }),
    });
    expect(await preview(0)).toContain("Webhook points elsewhere");
    expect((await stack.crm.putSettings(stack.url, TENANTS[0], { main: { allowGroups: false } })).status).toBe(200);
    expect(await preview(0)).toContain("Webhook points to this plugin");

    // A revoked token is explained, not a crash.
    stack.fake.removeBot(TOKENS[0]);
    try {
      expect(await preview(0)).toContain("rejects the saved bot token");
    } finally {
      stack.fake.addBot(TOKENS[0], { username: "company_0_bot" });
      expect((await stack.crm.putSettings(stack.url, TENANTS[0], { main: {} })).status).toBe(200);
    }
  });

  it("answers in Russian when the CRM asks for it", async () => {
    const token = stack.crm.pluginToken(stack.url, TENANTS[0], { settings: true });
    const res = await fetch(`${stack.url}protected/preview/markdown/connection`, {
      headers: { "x-plugin-token": token, "accept-language": "ru-RU" },
    });
    expect(((await res.json()) as { markdown: string }).markdown).toContain("Вебхук указывает на этот плагин");
  });

  it("refuses a wrong token in Russian when the CRM asks for it", async () => {
    const token = stack.crm.pluginToken(stack.url, TENANTS[1], { settings: true });
    const res = await fetch(`${stack.url}protected/data/settings`, {
      method: "PUT",
      headers: { "x-plugin-token": token, "accept-language": "ru-RU", "content-type": "application/json" },
      body: JSON.stringify({ main: { botToken: "999999:ZZwrong-token-never-issued" } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      main: {
        botToken: ["Telegram не принимает этот токен бота (401 Unauthorized): скопируйте его из @BotFather ещё раз"],
      },
    });
  });

  it("moving a tenant to a new bot releases the old bot's webhook", async () => {
    const third = "333333:CCthird-token-for-switching";
    stack.fake.addBot(third);
    const before = stack.fake.webhook(TOKENS[0])!.secretToken;
    const res = await stack.crm.putSettings(stack.url, TENANTS[0], { main: { botToken: third } });
    expect(res.status).toBe(200);
    expect(stack.fake.webhook(third)?.url).toContain("/telegram/webhook/");
    expect(stack.fake.webhook(TOKENS[0])).toBeUndefined();
    expect(stack.fake.webhook(third)?.secretToken).not.toBe(before);
    // The stored secret now belongs to the new bot only.
    const secrets = stack.gw.instance.webhookSecrets;
    expect(await secrets.find(await tenantIdOf(stack, TENANTS[0]), "333333")).toBe(
      stack.fake.webhook(third)?.secretToken,
    );
    expect(await secrets.find(await tenantIdOf(stack, TENANTS[0]), "111111")).toBeUndefined();
  });
});
