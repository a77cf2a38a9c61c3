import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock, startFakeBitrix24, type FakeBitrix24 } from "./index.js";
import { startAppReceiver, type AppReceiver } from "./test/app-receiver.js";
import { callRest } from "./test/rest-client.js";

const ICON = { DATA_IMAGE: "data:image/svg+xml,%3Csvg%20xmlns%3D%22http://www.w3.org/2000/svg%22/%3E" };

describe("fake Bitrix24 REST API", () => {
  const clock = manualClock();
  let fake: FakeBitrix24;
  let app: AppReceiver;
  let token: string;
  const call = (method: string, params: Record<string, unknown> = {}, auth: string | null = token) =>
    callRest(fake.restUrl, method, params, auth ?? undefined);

  beforeAll(async () => {
    fake = await startFakeBitrix24({ clock: clock.now, accessTokenTtlSeconds: 60, portal: { lines: [1, 2] } });
    app = await startAppReceiver();
    token = (await fake.portal.install({ install: `${app.url}/install` })).tokens.accessToken;
  });
  afterAll(async () => {
    await fake.close();
    await app.close();
  });

  it("answers {result, time} to JSON with auth in the body and to bracket forms with auth in the query", async () => {
    const json = await call("app.info");
    expect(json.status).toBe(200);
    expect(json.body.result).toMatchObject({ STATUS: "L", INSTALLED: true, CODE: fake.clientId });
    expect(json.body.time).toMatchObject({ start: expect.any(Number), date_start: expect.stringMatching(/\+00:00$/) });
    const form = await callRest(fake.restUrl, "app.info", {}, token, { as: "form", authIn: "query", suffix: true });
    expect(form.status).toBe(200);
    expect(form.body.result).toMatchObject({ INSTALLED: true });
    expect(fake.calls("app.info").map((c) => [c.transport, c.auth])).toEqual([
      ["json", "body"],
      ["query", "query"],
    ]);
  });

  it("reads nested bracket-form parameters as the JSON body would carry them", async () => {
    const res = await callRest(
      fake.restUrl,
      "imconnector.register",
      { ID: "Form_Conn", NAME: "Form", ICON, PLACEMENT_HANDLER: `${app.url}/settings`, CHAT_GROUP: false },
      token,
      { as: "form" },
    );
    expect(res.body.result).toEqual({ result: true });
    const stored = fake.portal.state.connectors.get("form_conn");
    expect(stored).toMatchObject({ id: "form_conn", chatGroup: false, icon: { DATA_IMAGE: ICON.DATA_IMAGE } });
  });

  it("refuses calls without auth, with unknown tokens and with expired tokens", async () => {
    expect(await call("app.info", {}, null)).toEqual({
      status: 401,
      body: { error: "NO_AUTH_FOUND", error_description: "Wrong authorization data" },
    });
    expect(await call("app.info", {}, "nope")).toMatchObject({ status: 401, body: { error: "NO_AUTH_FOUND" } });
    const fresh = (await fake.portal.install({ install: `${app.url}/install` })).tokens.accessToken;
    clock.advance(61_000);
    expect(await call("app.info", {}, fresh)).toEqual({
      status: 401,
      body: { error: "expired_token", error_description: "The access token provided has expired." },
    });
    token = (await fake.portal.install({ install: `${app.url}/install` })).tokens.accessToken;
  });

  it("answers 404 ERROR_METHOD_NOT_FOUND to an unknown method", async () => {
    expect(await call("crm.lead.nothing")).toMatchObject({ status: 404, body: { error: "ERROR_METHOD_NOT_FOUND" } });
  });

  it("refuses app-only methods through an incoming webhook with 403 WRONG_AUTH_TYPE", async () => {
    const hook = fake.portal.addWebhook();
    const res = await callRest(
      hook,
      "imconnector.register",
      { ID: "x", NAME: "x", ICON, PLACEMENT_HANDLER: "h" },
      undefined,
    );
    expect(res).toEqual({
      status: 403,
      body: {
        error: "WRONG_AUTH_TYPE",
        error_description: "Current authorization type is denied for this method Application context required",
      },
    });
    expect((await callRest(hook, "app.info", {}, undefined)).body).toMatchObject({ error: "ACCESS_DENIED" });
  });

  it("registers a connector (ID lower-cased) and reports register's validation errors inside a 200", async () => {
    const ok = await call("imconnector.register", {
      ID: "Switchboard_Telegram",
      NAME: "Telegram",
      ICON,
      PLACEMENT_HANDLER: `${app.url}/settings`,
    });
    expect(ok).toMatchObject({ status: 200, body: { result: { result: true } } });
    expect(fake.portal.state.connectors.get("switchboard_telegram")).toMatchObject({ needSignature: true });
    const dot = await call("imconnector.register", { ID: "a.b", NAME: "x", ICON, PLACEMENT_HANDLER: "h" });
    expect(dot).toMatchObject({
      status: 200,
      body: { result: { result: false, error: "APPLICATION_REGISTRATION_ERROR_POINT" } },
    });
    const noHandler = await call("imconnector.register", { ID: "ab", NAME: "x", ICON });
    expect(noHandler.body.result).toMatchObject({ result: false, error: "NO_PLACEMENT_HANDLER" });
    const noIcon = await call("imconnector.register", { ID: "ab", NAME: "x", PLACEMENT_HANDLER: "h" });
    expect(noIcon.body.result).toMatchObject({ result: false, error: "ICON_REQUIRED" });
    const list = await call("imconnector.list");
    expect(list.body.result).toMatchObject({ switchboard_telegram: "Telegram", livechat: expect.any(String) });
  });

  it("activates, sets data and reports the status of a connector per line", async () => {
    const base = { CONNECTOR: "switchboard_telegram", LINE: 1 };
    expect((await call("imconnector.status", base)).body.result).toEqual({
      LINE: 1,
      CONNECTOR: "switchboard_telegram",
      ERROR: false,
      CONFIGURED: false,
      STATUS: false,
    });
    expect((await call("imconnector.activate", { ...base, ACTIVE: 1 })).body.result).toBe(true);
    const data = { ID: "bot1", URL: "https://t.me/bot1", URL_IM: "https://t.me/bot1", NAME: "Bot" };
    expect((await call("imconnector.connector.data.set", { ...base, DATA: data })).body.result).toBe(true);
    expect((await call("imconnector.status", base)).body.result).toMatchObject({ CONFIGURED: true, STATUS: true });
    expect(fake.portal.connectorLine("switchboard_telegram", 1)).toMatchObject({ active: true, data });
    expect((await call("imconnector.status", { ...base, LINE: 2 })).body.result).toMatchObject({ STATUS: false });
    // Deactivating keeps the data but the status drops.
    await call("imconnector.activate", { ...base, ACTIVE: 0 });
    expect((await call("imconnector.status", base)).body.result).toMatchObject({ CONFIGURED: true, STATUS: false });
    await call("imconnector.activate", { ...base, ACTIVE: "1" });
  });

  it("validates connector arguments as the docs list them", async () => {
    expect(await call("imconnector.activate", { CONNECTOR: "switchboard_telegram", ACTIVE: 1 })).toEqual({
      status: 400,
      body: { error: "ERROR_ARGUMENT", error_description: "Argument 'LINE' is null or empty" },
    });
    expect((await call("imconnector.activate", { CONNECTOR: "switchboard_telegram", LINE: 1 })).body).toMatchObject({
      error_description: "Argument 'ACTIVE' is null or empty",
    });
    expect((await call("imconnector.connector.data.set", { CONNECTOR: "switchboard_telegram", LINE: 1 })).body).toEqual(
      {
        error: "ERROR_ARGUMENT",
        error_description: "Argument 'DATA' is null or empty",
      },
    );
    expect(
      await call("imconnector.activate", { CONNECTOR: "switchboard_telegram", LINE: 99, ACTIVE: 1 }),
    ).toMatchObject({
      status: 400,
      body: { error: "NOT_ACTIVE_LINE" },
    });
    expect(await call("imconnector.activate", { CONNECTOR: "nobody", LINE: 1, ACTIVE: 1 })).toMatchObject({
      status: 400,
      body: { error: "IMCONNECTOR_NO_CORRECT_PROVIDER" },
    });
    expect((await call("imconnector.status", {})).body).toMatchObject({ error: "ERROR_ARGUMENT" });
  });

  it("binds, lists and unbinds event handlers", async () => {
    const handler = `${app.url}/events`;
    expect((await call("event.bind", { event: "OnImConnectorMessageAdd", handler })).body.result).toBe(true);
    expect((await call("event.bind", { event: "ONAPPUNINSTALL", handler })).body.result).toBe(true);
    expect(await call("event.bind", { event: "OnImConnectorMessageAdd", handler })).toMatchObject({
      status: 400,
      body: { error: "ERROR_HANDLER_ALREADY_BINDED" },
    });
    expect((await call("event.bind", { event: "OnNothing", handler })).body).toMatchObject({
      error: "ERROR_EVENT_NOT_FOUND",
    });
    expect((await call("event.get")).body.result).toEqual([
      { event: "ONIMCONNECTORMESSAGEADD", handler, auth_type: "0", offline: 0 },
      { event: "ONAPPUNINSTALL", handler, auth_type: "0", offline: 0 },
    ]);
    expect((await call("event.unbind", { event: "ONAPPUNINSTALL", handler })).body.result).toEqual({ count: 1 });
    expect(fake.portal.bindings().map((b) => b.event)).toEqual(["ONIMCONNECTORMESSAGEADD"]);
  });

  it("keeps portals apart: one portal's token never sees another's connectors", async () => {
    const other = fake.addPortal({ memberId: "other-portal" });
    const otherToken = (await other.install({ install: `${app.url}/install` })).tokens.accessToken;
    const res = await call("imconnector.list", {}, otherToken);
    expect(res.body.result).not.toHaveProperty("switchboard_telegram");
    expect(fake.calls("imconnector.list").at(-1)?.memberId).toBe("other-portal");
    expect(fake.portalOf("other-portal").memberId).toBe("other-portal");
  });

  it("plays scripted faults once: 429 OPERATION_TIME_LIMIT, 401 expired_token, 403 WRONG_AUTH_TYPE", async () => {
    fake.failNext({ method: "app.info", status: 429, error: "OPERATION_TIME_LIMIT", description: "Method is blocked" });
    fake.failNext({ method: "imconnector.status", status: 401, error: "expired_token" });
    fake.failNext({ status: 403, error: "WRONG_AUTH_TYPE", skip: 2 });
    expect(await call("app.info")).toMatchObject({ status: 429, body: { error: "OPERATION_TIME_LIMIT" } });
    expect(await call("imconnector.status", { CONNECTOR: "x" })).toMatchObject({
      status: 401,
      body: { error: "expired_token" },
    });
    expect((await call("app.info")).status).toBe(200);
    expect((await call("app.info")).status).toBe(200);
    expect(await call("app.info")).toMatchObject({ status: 403, body: { error: "WRONG_AUTH_TYPE" } });
    expect((await call("app.info")).status).toBe(200);
  });

  it("blocks a method with 429 OPERATION_TIME_LIMIT once its operating time is over the limit", async () => {
    fake.setOperatingCost("imconnector.list", 200);
    const first = await call("imconnector.list");
    expect(first.body.time).toMatchObject({ operating: 200, operating_reset_at: expect.any(Number) });
    await call("imconnector.list");
    await call("imconnector.list");
    expect(await call("imconnector.list")).toMatchObject({ status: 429, body: { error: "OPERATION_TIME_LIMIT" } });
    expect((await call("app.info")).status).toBe(200);
    clock.advance(601_000);
    token = (await fake.portal.install({ install: `${app.url}/install` })).tokens.accessToken;
    expect((await call("imconnector.list")).status).toBe(200);
    fake.setOperatingCost("imconnector.list", 0);
  });

  it("answers 503, drops the connection or refuses it while the portal is down", async () => {
    fake.setPortalOutage("503");
    expect((await call("app.info")).status).toBe(503);
    fake.setPortalOutage("reset");
    await expect(call("app.info")).rejects.toThrow();
    fake.setPortalOutage(null);
    expect((await call("app.info")).status).toBe(200);
    await fake.stopListening();
    await expect(call("app.info")).rejects.toThrow(/fetch failed/);
    await fake.resumeListening();
    expect((await call("app.info")).status).toBe(200);
  });
});
