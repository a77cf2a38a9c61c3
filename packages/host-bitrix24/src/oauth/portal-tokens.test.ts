import { waitFor } from "@switchboard/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PortalRefusedError, PortalUnreachableError } from "../rest/errors.js";
import { startPortalFixture, type PortalFixture } from "../test/portal-fixture.js";
import { NeedsReauthorisationError, OAuthRefusedError, OAuthUnreachableError } from "./errors.js";
import { exchangeCode, refreshTokens } from "./token-endpoint.js";

const refreshes = (f: PortalFixture) => f.fake.tokenRequests.filter((r) => r.grantType === "refresh_token");

describe("PortalTokens against the fake Bitrix24", () => {
  let f: PortalFixture;
  let memberId: string;
  beforeEach(async () => {
    f = await startPortalFixture({ fake: { accessTokenTtlSeconds: 3600 } });
    memberId = (await f.install()).auth.member_id;
  });
  afterEach(() => f.close());

  it("calls with the install event's tokens, auth in the JSON body", async () => {
    const answer = await f.client.call<Record<string, unknown>>(memberId, "app.info");
    expect(answer.result).toMatchObject({ INSTALLED: expect.anything() });
    const [call] = f.fake.calls("app.info");
    expect(call).toMatchObject({ transport: "json", auth: "body", memberId, status: 200 });
    expect(refreshes(f)).toHaveLength(0);
  });

  it("answers ten concurrent expired_token 401s with exactly one refresh, and persists the rotated pair", async () => {
    const installed = f.store.rows.get(memberId)!;
    await f.client.call(memberId, "app.info");
    f.fake.expireAccessTokens(memberId);
    const answers = await Promise.all(Array.from({ length: 10 }, () => f.client.call(memberId, "app.info")));
    expect(answers).toHaveLength(10);
    expect(refreshes(f)).toEqual([expect.objectContaining({ status: 200 })]);
    expect(f.fake.calls("app.info").filter((c) => c.error === "expired_token")).toHaveLength(10);
    expect(f.store.saved).toHaveLength(1);
    const rotated = f.store.rows.get(memberId)!;
    expect(rotated.refreshToken).toBe(f.store.saved[0]!.tokens.refreshToken);
    expect(rotated.refreshToken).not.toBe(installed.refreshToken);
    expect(rotated.accessToken).not.toBe(installed.accessToken);
    // The persisted refresh token is the live one: the old one is spent.
    expect(f.fake.state.tokens.refreshUsable(rotated.refreshToken)).toBe(true);
    expect(f.fake.state.tokens.refreshUsable(installed.refreshToken)).toBe(false);
    // And the next expiry refreshes with it.
    f.fake.expireAccessTokens(memberId);
    await f.client.call(memberId, "app.info");
    expect(refreshes(f).map((r) => r.status)).toEqual([200, 200]);
  });

  it("turns invalid_grant (a spent refresh token) into needs-reauthorisation, and then sends nothing", async () => {
    const stored = f.store.rows.get(memberId)!;
    // Someone else spent the refresh token (the race two unserialised refreshes lose).
    const client = {
      oauthUrl: f.fake.url,
      clientId: f.fake.clientId,
      clientSecret: f.fake.clientSecret,
      deadlineMs: 5_000,
      allowPrivate: true,
    };
    await refreshTokens(client, memberId, stored.refreshToken);
    f.fake.expireAccessTokens(memberId);

    const failures = await Promise.allSettled([
      f.client.call(memberId, "app.info"),
      f.client.call(memberId, "app.info"),
    ]);
    for (const failure of failures) {
      expect(failure.status).toBe("rejected");
      const reason = (failure as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(NeedsReauthorisationError);
      expect(reason.retryable).toBe(true);
      expect(reason.waitsForReauthorisation).toBe(true);
    }
    expect(f.store.marked).toEqual([{ memberId, reason: "invalid_grant" }]);
    expect(await f.tokens.needsReauthorisation(memberId)).toBe(true);
    expect(refreshes(f).map((r) => r.error)).toEqual([undefined, "invalid_grant"]);

    const restCalls = f.fake.calls().length;
    await expect(f.client.call(memberId, "app.info")).rejects.toBeInstanceOf(NeedsReauthorisationError);
    expect(f.fake.calls()).toHaveLength(restCalls);
    expect(refreshes(f)).toHaveLength(2);

    // A reinstall stores new tokens; the portal works again.
    await f.install();
    expect(await f.tokens.needsReauthorisation(memberId)).toBe(false);
    await expect(f.client.call(memberId, "app.info")).resolves.toBeTruthy();
  });

  it("keeps the portal working through an OAuth outage: the refresh is retried, not given up", async () => {
    f.fake.expireAccessTokens(memberId);
    f.fake.setOAuthFault("down");
    const down = await f.client.call(memberId, "app.info").catch((e) => e);
    expect(down).toBeInstanceOf(OAuthUnreachableError);
    expect(down.retryable).toBe(true);
    f.fake.setOAuthFault("reset");
    await expect(f.client.call(memberId, "app.info")).rejects.toBeInstanceOf(OAuthUnreachableError);
    expect(f.store.marked).toEqual([]);
    f.fake.setOAuthFault(null);
    await expect(f.client.call(memberId, "app.info")).resolves.toBeTruthy();
    expect(f.store.saved).toHaveLength(1);
  });

  it("reports PAYMENT_REQUIRED and invalid_client as OAuth refusals, never with the secret", async () => {
    f.fake.expireAccessTokens(memberId);
    f.fake.setOAuthFault("PAYMENT_REQUIRED");
    const payment = await f.client.call(memberId, "app.info").catch((e) => e);
    expect(payment).toBeInstanceOf(OAuthRefusedError);
    expect(payment).toMatchObject({ code: "PAYMENT_REQUIRED", retryable: true });
    f.fake.setOAuthFault("invalid_client");
    const client = await f.client.call(memberId, "app.info").catch((e) => e);
    expect(client).toMatchObject({ code: "invalid_client", retryable: false });
    for (const error of [payment, client]) {
      expect(String(error.message)).not.toContain(f.fake.clientSecret);
      expect(String(error.message)).not.toContain(f.store.rows.get(memberId)!.refreshToken);
    }
    expect(f.store.marked).toEqual([]);
  });

  it("keeps the rotated pair in memory when persisting it fails, and reports the failure", async () => {
    f.fake.expireAccessTokens(memberId);
    f.store.failNextSave = true;
    await expect(f.client.call(memberId, "app.info")).rejects.toThrow(/database is locked/);
    // The old refresh token is already spent; this process still holds the new pair and goes on.
    await expect(f.client.call(memberId, "app.info")).resolves.toBeTruthy();
    expect(refreshes(f)).toHaveLength(1);
  });

  it("refreshes once on invalid_token too, and gives up when the new token is refused as well", async () => {
    f.fake.failNext({ method: "app.info", status: 401, error: "invalid_token", times: 2 });
    const error = await f.client.call(memberId, "app.info").catch((e) => e);
    expect(error).toBeInstanceOf(PortalRefusedError);
    expect(error).toMatchObject({ code: "invalid_token", retryable: false });
    expect(refreshes(f)).toHaveLength(1);
  });

  it("refreshes once when the portal does not know the access token at all (NO_AUTH_FOUND)", async () => {
    f.store.rows.set(memberId, { ...f.store.rows.get(memberId)!, accessToken: "never-issued-token" });
    f.tokens.forget(memberId);
    await expect(f.client.call(memberId, "app.info")).resolves.toBeTruthy();
    expect(f.fake.calls("app.info").map((c) => c.error)).toEqual(["NO_AUTH_FOUND", undefined]);
    expect(refreshes(f)).toHaveLength(1);
  });

  it("exchanges an authorisation code for a first pair (the full OAuth flow)", async () => {
    const { code } = f.fake.portal.authorize("state-1");
    const client = {
      oauthUrl: f.fake.url,
      clientId: f.fake.clientId,
      clientSecret: f.fake.clientSecret,
      deadlineMs: 5_000,
      allowPrivate: true,
    };
    const issued = await exchangeCode(client, memberId, code!, { now: f.timers.now });
    expect(issued).toMatchObject({ memberId, clientEndpoint: f.fake.restUrl, expiresAt: f.timers.now() + 3600_000 });
    await expect(exchangeCode(client, memberId, code!)).rejects.toBeInstanceOf(NeedsReauthorisationError);
  });

  it("names the portal down as unreachable, and waits for no one", async () => {
    f.fake.setPortalOutage("503");
    const down = await f.client.call(memberId, "app.info").catch((e) => e);
    expect(down).toBeInstanceOf(PortalUnreachableError);
    expect(down).toMatchObject({ status: 503, retryable: true });
    f.fake.setPortalOutage("reset");
    await expect(f.client.call(memberId, "app.info")).rejects.toBeInstanceOf(PortalUnreachableError);
    f.fake.setPortalOutage(null);
    await waitFor(async () => (await f.client.call(memberId, "app.info")).result);
  });
});
