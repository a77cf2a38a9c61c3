import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeBitrix24, type FakeBitrix24 } from "./index.js";
import { startAppReceiver, type AppReceiver } from "./test/app-receiver.js";
import { callRest } from "./test/rest-client.js";

const ICON = { DATA_IMAGE: "data:image/svg+xml,%3Csvg%2F%3E" };

describe("fake Bitrix24 install, settings and uninstall drivers", () => {
  let fake: FakeBitrix24;
  let app: AppReceiver;

  beforeAll(async () => {
    fake = await startFakeBitrix24({ portal: { memberId: "a223c6b3710f85df22e9377d6c4f7553", lines: [3] } });
    app = await startAppReceiver();
  });
  afterAll(async () => {
    await fake.close();
    await app.close();
  });

  it("posts ONAPPINSTALL form-encoded with PHP bracket keys, tokens and the application_token", async () => {
    const result = await fake.portal.install({ install: `${app.url}/install` }, { languageId: "en" });
    const posted = app.received.at(-1)!;
    expect(posted.path).toBe("/install");
    expect(posted.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(posted.raw).toContain("auth%5Bapplication_token%5D=");
    expect(posted.form).toEqual({
      event: "ONAPPINSTALL",
      data: { VERSION: "1", ACTIVE: "Y", INSTALLED: "Y", LANGUAGE_ID: "en" },
      ts: expect.stringMatching(/^\d+$/),
      auth: {
        access_token: result.tokens.accessToken,
        expires: String(result.tokens.expires),
        expires_in: "3600",
        scope: "imopenlines,imconnector,im",
        domain: new URL(fake.url).host,
        server_endpoint: `${fake.url}/rest/`,
        status: "L",
        client_endpoint: fake.restUrl,
        member_id: "a223c6b3710f85df22e9377d6c4f7553",
        user_id: "1",
        refresh_token: result.tokens.refreshToken,
        application_token: result.applicationToken,
      },
    });
    expect(result.event.status).toBe(200);
    // The tokens work against the client_endpoint the event named.
    const info = await callRest(
      String((posted.form.auth as Record<string, string>).client_endpoint),
      "app.info",
      {},
      result.tokens.accessToken,
    );
    expect(info.body.result).toMatchObject({ INSTALLED: true, LANGUAGE_ID: "en" });
  });

  it("keeps app.info INSTALLED false and delivers no events until the install finishes", async () => {
    const portal = fake.addPortal();
    const { tokens } = await portal.install({ install: `${app.url}/install` }, { finish: false });
    expect(app.received.at(-1)?.form).toMatchObject({ data: { INSTALLED: "N" } });
    const info = await callRest(fake.restUrl, "app.info", {}, tokens.accessToken);
    expect(info.body.result).toMatchObject({ INSTALLED: false });
    const handler = `${app.url}/events`;
    await callRest(fake.restUrl, "event.bind", { event: "OnImConnectorLineDelete", handler }, tokens.accessToken);
    const before = app.received.length;
    expect(await portal.deleteLine(1)).toEqual([]);
    expect(app.received.length).toBe(before);
  });

  it("opens the SETTING_CONNECTOR placement at the registered handler and returns the app's HTML", async () => {
    const { tokens } = await fake.portal.install({ install: `${app.url}/install` });
    await callRest(
      fake.restUrl,
      "imconnector.register",
      { ID: "switchboard_sms", NAME: "SMS", ICON, PLACEMENT_HANDLER: `${app.url}/settings?x=1` },
      tokens.accessToken,
    );
    app.answer.body = "<!doctype html><title>settings</title>";
    app.answer.contentType = "text/html; charset=utf-8";
    const answer = await fake.portal.openSettings(3, { "main.token": "abc", pick: ["a", "b"] });
    app.answer.body = "ok";
    app.answer.contentType = "text/plain";
    expect(answer).toMatchObject({ status: 200, html: "<!doctype html><title>settings</title>" });
    expect(answer.headers["content-type"]).toContain("text/html");
    const posted = app.received.at(-1)!;
    expect(posted.path).toBe("/settings");
    expect(Object.fromEntries(posted.query)).toEqual({
      x: "1",
      DOMAIN: new URL(fake.url).host,
      PROTOCOL: "0",
      LANG: "en",
      APP_SID: expect.any(String),
    });
    const body = new URLSearchParams(posted.raw);
    expect(body.get("PLACEMENT")).toBe("SETTING_CONNECTOR");
    expect(body.get("APPLICATION_TOKEN")).toBe(fake.portal.applicationToken);
    expect(body.get("member_id")).toBe(fake.portal.memberId);
    expect(body.getAll("pick")).toEqual(["a", "b"]);
    expect(body.get("main.token")).toBe("abc");
    expect(JSON.parse(body.get("PLACEMENT_OPTIONS")!)).toEqual({
      CONNECTOR: "switchboard_sms",
      LINE: "3",
      STATUS: false,
      ACTIVE_STATUS: false,
      CONNECTION_STATUS: false,
      REGISTER_STATUS: false,
      ERROR_STATUS: false,
      URI: expect.stringContaining("/contact_center/connector/"),
    });
    // AUTH_ID is a working access token of the portal.
    expect((await callRest(fake.restUrl, "app.info", {}, body.get("AUTH_ID")!)).status).toBe(200);
    // After activate + data.set the slider shows the new state.
    await callRest(
      fake.restUrl,
      "imconnector.activate",
      { CONNECTOR: "switchboard_sms", LINE: 3, ACTIVE: 1 },
      tokens.accessToken,
    );
    await callRest(
      fake.restUrl,
      "imconnector.connector.data.set",
      { CONNECTOR: "switchboard_sms", LINE: 3, DATA: { ID: "x", NAME: "x" } },
      tokens.accessToken,
    );
    await fake.portal.openSettings(3, {}, { applicationToken: "forged" });
    const again = new URLSearchParams(app.received.at(-1)!.raw);
    expect(JSON.parse(again.get("PLACEMENT_OPTIONS")!)).toMatchObject({ STATUS: true, ACTIVE_STATUS: true });
    expect(again.get("APPLICATION_TOKEN")).toBe("forged");
  });

  it("posts ONAPPUNINSTALL with only the application_token to its handlers, then forgets the app", async () => {
    const { tokens, applicationToken } = await fake.portal.install({ install: `${app.url}/install` });
    await callRest(
      fake.restUrl,
      "event.bind",
      { event: "ONAPPUNINSTALL", handler: `${app.url}/events` },
      tokens.accessToken,
    );
    const posted = await fake.portal.uninstall();
    expect(posted).toHaveLength(1);
    const form = app.received.at(-1)!.form;
    expect(form).toEqual({
      event: "ONAPPUNINSTALL",
      event_handler_id: expect.any(String),
      data: { LANGUAGE_ID: "en", CLEAN: "1" },
      ts: expect.any(String),
      auth: {
        domain: new URL(fake.url).host,
        server_endpoint: `${fake.url}/rest/`,
        client_endpoint: fake.restUrl,
        member_id: fake.portal.memberId,
        application_token: applicationToken,
      },
    });
    expect(fake.portal.applicationToken).toBeNull();
    expect(fake.portal.bindings()).toEqual([]);
    expect((await callRest(fake.restUrl, "app.info", {}, tokens.accessToken)).status).toBe(401);
  });
});
