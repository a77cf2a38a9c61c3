import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock, startFakeBitrix24, type FakeBitrix24 } from "./index.js";
import { startAppReceiver, type AppReceiver } from "./test/app-receiver.js";
import { callRest } from "./test/rest-client.js";

describe("fake Bitrix24 OAuth server", () => {
  const clock = manualClock();
  let fake: FakeBitrix24;
  let app: AppReceiver;
  const token = async (params: Record<string, string>) => {
    const q = new URLSearchParams({ client_id: fake.clientId, client_secret: fake.clientSecret, ...params });
    const res = await fetch(`${fake.url}/oauth/token/?${q}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    fake = await startFakeBitrix24({ clock: clock.now, accessTokenTtlSeconds: 30 });
    app = await startAppReceiver();
  });
  afterAll(async () => {
    await fake.close();
    await app.close();
  });

  it("rotates the refresh token on every refresh; reusing an old one gives invalid_grant", async () => {
    const { tokens } = await fake.portal.install({ install: `${app.url}/install` });
    const first = await token({ grant_type: "refresh_token", refresh_token: tokens.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      access_token: expect.any(String),
      expires: Math.floor(clock.now() / 1000) + 30,
      expires_in: 30,
      scope: "imopenlines,imconnector,im",
      domain: new URL(fake.url).host,
      server_endpoint: `${fake.url}/rest/`,
      status: "L",
      client_endpoint: fake.restUrl,
      member_id: fake.portal.memberId,
      user_id: 1,
      refresh_token: expect.any(String),
    });
    expect(first.body.refresh_token).not.toBe(tokens.refreshToken);
    const reused = await token({ grant_type: "refresh_token", refresh_token: tokens.refreshToken });
    expect(reused).toEqual({ status: 400, body: { error: "invalid_grant", error_description: "Invalid grant" } });
    const next = await token({ grant_type: "refresh_token", refresh_token: String(first.body.refresh_token) });
    expect(next.status).toBe(200);
    // The new access token works until it expires.
    const access = String(next.body.access_token);
    expect((await callRest(fake.restUrl, "app.info", {}, access)).status).toBe(200);
    clock.advance(30_000);
    expect((await callRest(fake.restUrl, "app.info", {}, access)).body).toMatchObject({ error: "expired_token" });
  });

  it("lets only one of two parallel refreshes with the same token win", async () => {
    const { tokens } = await fake.portal.install({ install: `${app.url}/install` });
    const both = await Promise.all([
      token({ grant_type: "refresh_token", refresh_token: tokens.refreshToken }),
      token({ grant_type: "refresh_token", refresh_token: tokens.refreshToken }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it("exchanges an authorization code once, within 30 seconds", async () => {
    const redirect = fake.portal.authorize("st-1");
    expect(redirect).toMatchObject({ state: "st-1", member_id: fake.portal.memberId, code: expect.any(String) });
    const ok = await token({ grant_type: "authorization_code", code: redirect.code! });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ member_id: fake.portal.memberId, client_endpoint: fake.restUrl, expires_in: 30 });
    expect(ok.body).not.toHaveProperty("user_id");
    expect((await token({ grant_type: "authorization_code", code: redirect.code! })).body.error).toBe("invalid_grant");
    const late = fake.portal.authorize();
    clock.advance(31_000);
    expect((await token({ grant_type: "authorization_code", code: late.code! })).body.error).toBe("invalid_grant");
  });

  it("refuses wrong client credentials and unknown grants", async () => {
    const { tokens } = await fake.portal.install({ install: `${app.url}/install` });
    const q = new URLSearchParams({
      grant_type: "refresh_token",
      client_id: fake.clientId,
      client_secret: "wrong",
      refresh_token: tokens.refreshToken,
    });
    const res = await fetch(`${fake.url}/oauth/token/?${q}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "invalid_client" });
    // A refused request does not spend the refresh token.
    expect((await token({ grant_type: "refresh_token", refresh_token: tokens.refreshToken })).status).toBe(200);
    expect((await token({ grant_type: "password" })).body.error).toBe("invalid_request");
  });

  it("injects PAYMENT_REQUIRED, invalid_client and outages until cleared", async () => {
    const { tokens } = await fake.portal.install({ install: `${app.url}/install` });
    const refresh = { grant_type: "refresh_token", refresh_token: tokens.refreshToken };
    fake.setOAuthFault("PAYMENT_REQUIRED");
    expect(await token(refresh)).toEqual({
      status: 402,
      body: { error: "PAYMENT_REQUIRED", error_description: "Payment required" },
    });
    fake.setOAuthFault("invalid_client");
    expect((await token(refresh)).body.error).toBe("invalid_client");
    fake.setOAuthFault("down");
    expect((await fetch(`${fake.url}/oauth/token/?${new URLSearchParams(refresh)}`)).status).toBe(503);
    fake.setOAuthFault("reset");
    await expect(fetch(`${fake.url}/oauth/token/?${new URLSearchParams(refresh)}`)).rejects.toThrow();
    fake.setOAuthFault(null);
    expect((await token(refresh)).status).toBe(200);
    expect(fake.tokenRequests.at(-1)).toMatchObject({ grantType: "refresh_token", status: 200 });
    expect(JSON.stringify(fake.tokenRequests)).not.toContain(fake.clientSecret);
  });

  it("expires access tokens on demand and refuses refreshes after uninstall", async () => {
    const { tokens } = await fake.portal.install({ install: `${app.url}/install` });
    fake.expireAccessTokens(fake.portal.memberId);
    expect((await callRest(fake.restUrl, "app.info", {}, tokens.accessToken)).body.error).toBe("expired_token");
    await fake.portal.uninstall();
    expect((await token({ grant_type: "refresh_token", refresh_token: tokens.refreshToken })).body.error).toBe(
      "invalid_grant",
    );
    expect((await callRest(fake.restUrl, "app.info", {}, tokens.accessToken)).body.error).toBe("NO_AUTH_FOUND");
  });
});
