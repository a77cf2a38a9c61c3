import { CrmRefusedError } from "@switchboard/core";
import { afterEach, describe, expect, it } from "vitest";
import { bitrix24Portals } from "../db/schema.js";
import { NeedsReauthorisationError } from "../oauth/errors.js";
import { OperatorFileLinkError, PortalUninstalledError } from "../delivery/delivery-errors.js";
import { openOperatorFile } from "../files/operator-files.js";
import { startHostHarness, type HostHarness } from "../test/host-harness.js";

let harness: HostHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function installed(options: Parameters<typeof startHostHarness>[0] = {}) {
  harness = await startHostHarness(options);
  const h = harness;
  const install = await h.fake.portal.install({ install: `${h.self}bitrix24/install` });
  expect(install.event.status).toBe(200);
  return { h, install };
}

function hiddenToken(html: string): string {
  const match = /name="sb_form" value="([^"]+)"/.exec(html);
  if (!match) throw new Error("the page has no form token");
  return match[1]!.replace(/&amp;/g, "&");
}

const goodSettings = { "settings[main][apiKey]": "key-1", "settings[main][webhookSecret]": "hook-1" };

async function connectLine(h: HostHarness, line = 1) {
  const page = await h.fake.portal.openSettings(line);
  expect(page.status).toBe(200);
  const saved = await h.fake.portal.openSettings(line, {
    sb_form: hiddenToken(page.html),
    sb_lang: "en_US",
    ...goodSettings,
  });
  expect(saved.status).toBe(200);
  return saved;
}

describe("install", () => {
  it("stores the portal's tokens sealed, registers the connector and binds the events to bitrix24/events", async () => {
    const { h, install } = await installed();
    // The install was proven by spending its refresh token at the OAuth server: the new pair is kept.
    expect(h.fake.tokenRequests.map((r) => [r.grantType, r.status])).toEqual([["refresh_token", 200]]);
    const row = (await h.host.context.portals.load(h.fake.portal.memberId))!;
    expect(row.refreshToken).not.toBe(install.tokens.refreshToken);
    const raw = JSON.stringify(await h.host.context.portals["db"].select().from(bitrix24Portals));
    expect(raw).not.toContain(row.refreshToken);
    expect(raw).not.toContain(row.accessToken);
    expect(raw).not.toContain(install.applicationToken);

    const connector = h.fake.portal.state.connectors.get("switchboard_echo")!;
    // The portal installed in Russian: the connector is named in it.
    expect(connector.name).toBe("Эхо");
    expect(connector.placementHandler).toBe(`${h.self}bitrix24/settings`);
    const icon = (connector.icon as Record<string, string>).DATA_IMAGE!;
    expect(icon.startsWith("data:image/svg+xml,")).toBe(true);
    expect(decodeURIComponent(icon)).toContain("<svg");
    expect(
      h.fake.portal
        .bindings()
        .map((b) => [b.event, b.handler])
        .sort(),
    ).toEqual(
      [
        "ONAPPUNINSTALL",
        "ONIMCONNECTORLINEDELETE",
        "ONIMCONNECTORMESSAGEADD",
        "ONIMCONNECTORMESSAGEDELETE",
        "ONIMCONNECTORMESSAGEUPDATE",
        "ONIMCONNECTORSTATUSDELETE",
      ].map((e) => [e, `${h.self}bitrix24/events`]),
    );
  });

  it("installs again over an existing install (bindings kept, new tokens stored)", async () => {
    const { h } = await installed();
    const first = (await h.host.context.portals.load(h.fake.portal.memberId))!.refreshToken;
    const again = await h.fake.portal.install({ install: `${h.self}bitrix24/install` });
    expect(again.event.status).toBe(200);
    expect((await h.host.context.portals.load(h.fake.portal.memberId))!.refreshToken).not.toBe(first);
    expect(h.fake.portal.bindings()).toHaveLength(6);
  });

  it("takes a local app's placement-style install form (AUTH_ID, REFRESH_ID, the portal in DOMAIN)", async () => {
    const { h, install } = await installed();
    const domain = new URL(h.fake.url).host;
    // A user's fresh tokens, as the portal gives them to an app's page.
    const code = h.fake.portal.authorize().code!;
    const grant = new URLSearchParams({
      grant_type: "authorization_code",
      client_id: h.fake.clientId,
      client_secret: h.fake.clientSecret,
      code,
    });
    const tokens = (await (await fetch(`${h.fake.url}/oauth/token/?${grant}`)).json()) as Record<string, string>;
    const res = await fetch(`${h.self}bitrix24/install?DOMAIN=${domain}&PROTOCOL=0&LANG=en&APP_SID=x`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        AUTH_ID: tokens.access_token!,
        AUTH_EXPIRES: "3600",
        REFRESH_ID: tokens.refresh_token!,
        member_id: h.fake.portal.memberId,
        APPLICATION_TOKEN: install.applicationToken,
        PLACEMENT: "DEFAULT",
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ installed: true, connector: "switchboard_echo" });
    expect((await h.host.context.portals.load(h.fake.portal.memberId))?.clientEndpoint).toBe(`${h.fake.url}/rest/`);
    expect(h.fake.calls("imconnector.register")).toHaveLength(2);
  });

  it("answers 502 {code, message} when the portal refuses the connector, and keeps the tokens", async () => {
    harness = await startHostHarness();
    const h = harness;
    h.fake.failNext({
      method: "imconnector.register",
      status: 400,
      error: "ERROR_ARGUMENT",
      description: "Argument 'ID' is null or empty",
    });
    const install = await h.fake.portal.install({ install: `${h.self}bitrix24/install` });
    expect(install.event.status).toBe(502);
    expect(JSON.parse(install.event.answer!)).toMatchObject({ code: "portal_refused" });
    expect(JSON.parse(install.event.answer!).message).toContain("ERROR_ARGUMENT");
    expect((await h.host.context.portals.info(h.fake.portal.memberId))?.lastError).toContain("ERROR_ARGUMENT");
    expect(await h.host.context.portals.load(h.fake.portal.memberId)).toBeDefined();
  });

  it("refuses a forged ONAPPINSTALL for an installed portal with 401, replacing nothing", async () => {
    const { h, install } = await installed();
    const before = (await h.host.context.portals.load(h.fake.portal.memberId))!;
    const forged = new URLSearchParams({
      event: "ONAPPINSTALL",
      "data[LANGUAGE_ID]": "en",
      "auth[access_token]": "attacker-access",
      "auth[refresh_token]": "attacker-refresh",
      "auth[expires_in]": "3600",
      "auth[domain]": "evil.example",
      "auth[client_endpoint]": "https://evil.example/rest/",
      "auth[member_id]": h.fake.portal.memberId,
      "auth[application_token]": "attacker-app-token",
    });
    const res = await fetch(`${h.self}bitrix24/install`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: forged,
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "unauthorized" });
    expect(await h.host.context.portals.load(h.fake.portal.memberId)).toEqual(before);
    expect(await h.host.context.portals.applicationTokenMatches(h.fake.portal.memberId, "attacker-app-token")).toBe(
      false,
    );
    expect(await h.host.context.portals.applicationTokenMatches(h.fake.portal.memberId, install.applicationToken)).toBe(
      true,
    );
  });

  it("refuses a body that is no install with 400 {code, message}", async () => {
    harness = await startHostHarness();
    for (const body of ["", "event=ONAPPINSTALL", "a[b][c][d][e][f][g][h]=1&event=x", "member_id=1"]) {
      const res = await fetch(`${harness.self}bitrix24/install`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
      expect(res.status).toBe(400);
      expect(Object.keys((await res.json()) as object).sort()).toEqual(["code", "message"]);
    }
  });
});

describe("settings slider", () => {
  it("draws the form for the line behind a checked application token, framed by the portal only", async () => {
    const { h } = await installed();
    const page = await h.fake.portal.openSettings(1);
    expect(page.status).toBe(200);
    expect(page.html).toContain('name="settings[main][apiKey]"');
    // The fake's REST endpoint is plain http on loopback, so its portal origin is http too.
    expect(page.headers["content-security-policy"]).toMatch(
      new RegExp(`frame-ancestors http://${h.fake.portal.domain.replace(/\./g, "\\.")}(;|$)`),
    );
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    const forged = await h.fake.portal.openSettings(1, undefined, { applicationToken: "forged" });
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.html)).toMatchObject({ code: "unauthorized" });
  });

  it("saves through checkSettings and verifySettings, then activates the line and sets its data", async () => {
    const verified: unknown[] = [];
    const { h } = await installed({ verify: (settings) => void verified.push(settings) });
    const page = await h.fake.portal.openSettings(1);
    const refused = await h.fake.portal.openSettings(1, { sb_form: hiddenToken(page.html), sb_lang: "en_US" });
    expect(refused.status).toBe(200);
    expect(refused.html).toContain("not saved");
    expect(verified).toHaveLength(0);
    expect(h.fake.calls("imconnector.activate")).toHaveLength(0);

    const saved = await connectLine(h);
    expect(verified).toEqual([{ main: { apiKey: "key-1", webhookSecret: "hook-1" } }]);
    expect(saved.html).toContain("Settings saved");
    expect(saved.html).not.toContain("key-1");
    expect(h.fake.calls("imconnector.activate")[0]!.params).toMatchObject({
      CONNECTOR: "switchboard_echo",
      LINE: 1,
      ACTIVE: 1,
    });
    expect(h.fake.portal.connectorLine("switchboard_echo", 1)).toMatchObject({
      active: true,
      connected: true,
      registered: true,
    });
    const state = (await h.host.context.lines.byLine(h.fake.portal.memberId, 1))!;
    expect(state).toMatchObject({ active: true, connected: true, registered: true, lastError: undefined });
  });

  it("shows the gateway's refusal next to the field and does not connect the line", async () => {
    const { h } = await installed({
      verify: () => {
        throw new (class extends Error {})("not reached");
      },
    });
    const page = await h.fake.portal.openSettings(1);
    const res = await fetch(`${h.self}bitrix24/settings`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ sb_form: hiddenToken(page.html) + "x", ...goodSettings }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "forbidden" });
    const noToken = await fetch(`${h.self}bitrix24/settings`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(goodSettings),
    });
    expect(noToken.status).toBe(400);
    expect(h.fake.calls("imconnector.activate")).toHaveLength(0);
  });
});

describe("operator → channel", () => {
  it("queues the operator's message once per im.message_id, BB-codes converted, files behind our link", async () => {
    const { h } = await installed();
    await connectLine(h);
    const said = await h.fake.portal.operatorSays(1, "tg-42", "Hello [b]there[/b]", [
      { name: "price.pdf", bytes: new TextEncoder().encode("%PDF-1.4 bytes"), contentType: "application/pdf" },
    ]);
    expect(said.events[0]!.status).toBe(200);
    expect(h.accepted).toHaveLength(1);
    const { message, hostData } = h.accepted[0]!;
    expect(message.chat).toEqual({ id: "tg-42", contact: "tg-42", subject: null });
    expect(message.message.id).toBe(String(said.imMessageId));
    expect(message.message.content).toEqual({ text: "**Klaus Weber:**\nHello **there**", format: "markdown" });
    expect(hostData).toMatchObject({
      line: 1,
      chatId: "tg-42",
      im: { chatId: said.imChatId, messageId: said.imMessageId },
    });
    const attachment = message.message.attachments[0]!;
    expect(attachment).toMatchObject({ name: "price.pdf", type: "file" });
    expect(attachment.uri.startsWith(h.self)).toBe(true);
    const file = await fetch(attachment.uri);
    expect(await file.text()).toBe("%PDF-1.4 bytes");

    // The same event again (the queue server does not retry, but a proxy might): not queued twice.
    const again = await fetch(said.events[0]!.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: said.events[0]!.body,
    });
    expect(await again.json()).toMatchObject({ accepted: 0, repeated: 1 });
    expect(h.accepted).toHaveLength(1);
  });

  it("fetches operator files from the portal's own origin only", async () => {
    const { h } = await installed();
    await connectLine(h);
    const tenant = h.tenants.values().next().value!;
    for (const link of ["http://127.0.0.2:1/files/x", "https://evil.example/files/x", "not a url"]) {
      await expect(openOperatorFile(h.host.context, tenant, link, { allowPrivate: true })).rejects.toBeInstanceOf(
        OperatorFileLinkError,
      );
    }
  });

  it("answers a sent status with send.status.delivery, the channel's ids as an array", async () => {
    const { h } = await installed();
    await connectLine(h);
    const said = await h.fake.portal.operatorSays(1, "tg-42", "Hi");
    const { tenant, hostData, message } = h.accepted[0]!;
    await h.host.deliver(
      { kind: "status", body: { id: message.message.id!, status: "sent", channelIds: ["555"], hostData } },
      tenant,
      "request-1",
    );
    expect(h.fake.portal.delivered(said.imMessageId)).toBe(true);
    expect(h.fake.portal.deliveries(said.imMessageId)[0]!.messageIds).toEqual(["555"]);
  });

  it("tells the operator in the chat when the channel could not deliver", async () => {
    const { h } = await installed();
    await connectLine(h);
    const said = await h.fake.portal.operatorSays(1, "tg-42", "Guten Tag");
    const { tenant, hostData, message } = h.accepted[0]!;
    await h.host.deliver(
      {
        kind: "status",
        body: { id: message.message.id!, status: "error", reason: "Echo: the customer blocked the bot", hostData },
      },
      tenant,
      "request-2",
    );
    const notices = h.fake.portal.systemMessages(said.imChatId);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toContain("Echo: the customer blocked the bot");
    expect(notices[0]!.message).toContain("Guten Tag");
    expect(h.fake.portal.delivered(said.imMessageId)).toBe(false);
  });
});

describe("customer → Open Line", () => {
  it("sends the deliveries that start in one turn as one send.messages per line", async () => {
    const { h } = await installed();
    await connectLine(h);
    const tenant = h.tenants.values().next().value!;
    const incoming = (text: string, contact = "tg-42") =>
      h.host.deliver(
        {
          kind: "incoming",
          body: {
            chat: { id: null, contact, subject: null },
            message: { content: { text, format: "text" }, attachments: [] },
          },
        },
        tenant,
        `request-${text}`,
      );
    await Promise.all([incoming("one [b]not bold[/b]"), incoming("two"), incoming("three", "tg-43")]);
    expect(h.fake.calls("imconnector.send.messages")).toHaveLength(1);
    const texts = h.fake.portal.messages({ line: 1 }).map((m) => m.text);
    expect(texts).toHaveLength(3);
    expect(texts[0]).not.toContain("[b]not");
    expect(texts[0]!.replace(/\u200b/g, "")).toBe("one [b]not bold[/b]");
    expect(h.fake.portal.dialogues()).toHaveLength(2);
  });

  it("names a customer message the same on every attempt, so a retry after a lost answer is no new message", async () => {
    const { h } = await installed();
    await connectLine(h);
    const tenant = h.tenants.values().next().value!;
    const request = {
      kind: "incoming" as const,
      body: {
        chat: { contact: "tg-7" },
        message: { content: { text: "once", format: "text" as const }, attachments: [] },
      },
    };
    await h.host.deliver(request, tenant, "41.1700000000000");
    await h.host.deliver(request, tenant, "41.1700000000000");
    await h.host.deliver(request, tenant, "42.1700000000001");
    const ids = h.fake
      .calls("imconnector.send.messages")
      .map((call) => (call.params as { MESSAGES: Array<{ message: { id: string } }> }).MESSAGES[0]!.message.id);
    expect(ids).toEqual([
      "switchboard-41.1700000000000",
      "switchboard-41.1700000000000",
      "switchboard-42.1700000000001",
    ]);
  });
});

describe("portal limits", () => {
  it("hands the portal's QUERY_LIMIT_EXCEEDED to the outbox as a retryable CRM refusal with its wait", async () => {
    const { h } = await installed();
    await connectLine(h);
    const tenant = h.tenants.values().next().value!;
    h.fake.failNext({ method: "imconnector.send.messages", status: 503, error: "QUERY_LIMIT_EXCEEDED", times: 20 });
    const error = await h.host
      .deliver(
        {
          kind: "incoming",
          body: { chat: { contact: "tg-1" }, message: { content: { text: "hi", format: "text" }, attachments: [] } },
        },
        tenant,
        "request-4",
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmRefusedError);
    expect(error).toMatchObject({ retryable: true, code: "QUERY_LIMIT_EXCEEDED", status: 503 });
    expect((error as CrmRefusedError).retryAfterMs).toBeGreaterThanOrEqual(0);
    expect(h.fake.portal.messages()).toHaveLength(0);
  });

  it("keeps a customer's message for a line that is not active (NOT_ACTIVE_LINE may pass) and sends it once the line is", async () => {
    const { h } = await installed();
    const tenant = await h.host.context.ports.tenants.open(`${encodeURIComponent(h.fake.portal.memberId)}/1`);
    await h.host.context.lines.ensure(tenant.id, h.fake.portal.memberId, 1);
    const request = {
      kind: "incoming" as const,
      body: {
        chat: { contact: "tg-1" },
        message: { content: { text: "hi", format: "text" as const }, attachments: [] },
      },
    };
    const sent = h.host.deliver(request, tenant, "request-5");
    await expect(sent).rejects.toMatchObject({ code: "NOT_ACTIVE_LINE", retryable: true });
    await expect(sent).rejects.toBeInstanceOf(CrmRefusedError);
    // The administrator connects the line: the outbox's next attempt goes through.
    await connectLine(h);
    await h.host.deliver(request, tenant, "request-5");
    expect(h.fake.portal.messages({ line: 1 }).map((m) => m.text)).toEqual(["hi"]);
  });
});

describe("tokens", () => {
  it("refreshes an expired token once when concurrent calls hit it, and sends them all", async () => {
    const { h } = await installed();
    await connectLine(h);
    const said = await h.fake.portal.operatorSays(1, "tg-42", "Hi");
    const { tenant, hostData, message } = h.accepted[0]!;
    h.fake.expireAccessTokens();
    const before = h.fake.tokenRequests.length;
    await Promise.all([
      h.host.deliver(
        {
          kind: "incoming",
          body: { chat: { contact: "tg-1" }, message: { content: { text: "hi", format: "text" }, attachments: [] } },
        },
        tenant,
        "request-6",
      ),
      h.host.deliver(
        { kind: "status", body: { id: message.message.id!, status: "sent", channelIds: ["9"], hostData } },
        tenant,
        "request-7",
      ),
    ]);
    expect(h.fake.calls("imconnector.send.messages").filter((c) => c.error === "expired_token")).toHaveLength(1);
    expect(h.fake.tokenRequests.slice(before).map((r) => r.grantType)).toEqual(["refresh_token"]);
    expect(h.fake.portal.messages()).toHaveLength(1);
    expect(h.fake.portal.delivered(said.imMessageId)).toBe(true);
  });

  it("after invalid_grant the portal needs re-authorisation: shown on the page, work waits, an admin's visit restores it", async () => {
    const { h } = await installed();
    await connectLine(h);
    const tenant = h.tenants.values().next().value!;
    // Someone else spends our refresh token: ours is dead from now on.
    const stored = (await h.host.context.portals.load(h.fake.portal.memberId))!.refreshToken;
    const spent = new URLSearchParams({
      grant_type: "refresh_token",
      client_id: h.fake.clientId,
      client_secret: h.fake.clientSecret,
      refresh_token: stored,
    });
    expect((await fetch(`${h.fake.url}/oauth/token/?${spent}`)).status).toBe(200);
    h.fake.expireAccessTokens();
    const request = {
      kind: "incoming" as const,
      body: {
        chat: { contact: "tg-1" },
        message: { content: { text: "waiting", format: "text" as const }, attachments: [] },
      },
    };
    const first = await h.host.deliver(request, tenant, "request-8").catch((e: unknown) => e);
    expect(first).toBeInstanceOf(NeedsReauthorisationError);
    expect((first as NeedsReauthorisationError).retryable).toBe(true);
    const again = await h.host.deliver(request, tenant, "request-9").catch((e: unknown) => e);
    expect(again).toBeInstanceOf(NeedsReauthorisationError);
    expect((await h.host.context.portals.info(h.fake.portal.memberId))?.needsReauthorisation).toBe(true);

    // The admin opens the slider: its tokens re-authorise the portal, and the waiting work goes out.
    const page = await h.fake.portal.openSettings(1, undefined, { lang: "en" });
    expect(page.html).toContain("Access to the portal was restored");
    await h.host.deliver(request, tenant, "request-10");
    expect(h.fake.portal.messages().map((m) => m.text)).toEqual(["waiting"]);
  });

  it("shows needs re-authorisation on the settings page when the page cannot restore it", async () => {
    const { h } = await installed();
    const page = await h.fake.portal.openSettings(1, undefined, { lang: "en" });
    await h.host.context.portals.markNeedsReauthorisation(h.fake.portal.memberId, "invalid_grant");
    h.host.context.rest.tokens.forget(h.fake.portal.memberId);
    // The page's own POST carries no portal tokens: the save is kept, the line cannot be connected.
    const res = await fetch(`${h.self}bitrix24/settings`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ sb_form: hiddenToken(page.html), sb_lang: "en_US", ...goodSettings }),
    });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("needs re-authorisation");
    expect(html).toContain("Bitrix24 did not connect the line");
    expect(h.fake.calls("imconnector.activate")).toHaveLength(0);
  });
});

describe("events", () => {
  it("uninstall deletes the portal's tokens and stops its work", async () => {
    const { h } = await installed();
    await connectLine(h);
    const tenant = h.tenants.values().next().value!;
    const posted = await h.fake.portal.uninstall();
    expect(posted[0]!.status).toBe(200);
    expect(await h.host.context.portals.load(h.fake.portal.memberId)).toBeUndefined();
    expect((await h.host.context.lines.byTenant(tenant.id))?.active).toBe(false);
    await expect(
      h.host.deliver(
        {
          kind: "incoming",
          body: { chat: { contact: "tg-1" }, message: { content: { text: "x", format: "text" }, attachments: [] } },
        },
        tenant,
        "request-11",
      ),
    ).rejects.toBeInstanceOf(PortalUninstalledError);
  });

  it("answers a wrong application_token with 401 {code, message} and queues nothing", async () => {
    const { h } = await installed();
    await connectLine(h);
    const said = await h.fake.portal.operatorSays(1, "tg-42", "Hi", [], { applicationToken: "forged" });
    expect(said.events[0]!.status).toBe(401);
    expect(JSON.parse(said.events[0]!.answer!)).toMatchObject({ code: "unauthorized" });
    expect(h.accepted).toHaveLength(0);
  });

  it("answers malformed events with 400, never 500", async () => {
    const { h } = await installed();
    const bodies = [
      "",
      "not an event",
      "event=ONIMCONNECTORMESSAGEADD",
      "event=ONIMCONNECTORMESSAGEADD&data[LINE]=x&auth[member_id]=m&auth[application_token]=t",
      "event=ONIMCONNECTORLINEDELETE&data[a][b]=1&auth[member_id]=m&auth[application_token]=t",
      "%%%",
      "a".repeat(100) + "[".repeat(50) + "]=1",
    ];
    for (const body of bodies) {
      const res = await fetch(`${h.self}bitrix24/events`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
      expect([400, 401]).toContain(res.status);
      expect(Object.keys((await res.json()) as object).sort()).toEqual(["code", "message"]);
    }
  });

  it("switches the line off when the connector or the line is removed", async () => {
    const { h } = await installed();
    await connectLine(h);
    await h.fake.portal.disconnectLine(1);
    expect(await h.host.context.lines.byLine(h.fake.portal.memberId, 1)).toMatchObject({
      active: false,
      connected: false,
    });
    await connectLine(h);
    await h.fake.portal.deleteLine(1);
    expect((await h.host.context.lines.byLine(h.fake.portal.memberId, 1))?.lastError).toContain("deleted");
  });
});
