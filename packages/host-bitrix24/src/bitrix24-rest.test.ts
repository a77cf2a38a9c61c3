import { afterEach, describe, expect, it } from "vitest";
import { createBitrix24Rest } from "./bitrix24-rest.js";
import { readBitrix24Env } from "./env.js";
import { startPortalFixture, type PortalFixture } from "./test/portal-fixture.js";

describe("createBitrix24Rest", () => {
  let f: PortalFixture;
  afterEach(() => f?.close());

  it("wires the configuration into a client that refreshes against BITRIX24_OAUTH_URL at BITRIX24_RATE_*", async () => {
    f = await startPortalFixture();
    const { member_id: memberId } = (await f.install()).auth;
    const env = readBitrix24Env({
      BITRIX24_CLIENT_ID: f.fake.clientId,
      BITRIX24_CLIENT_SECRET: f.fake.clientSecret,
      BITRIX24_OAUTH_URL: `${f.fake.url}/`,
      BITRIX24_RATE_PER_SECOND: "5",
      BITRIX24_RATE_BURST: "3",
    });
    const logged: string[] = [];
    const logger = { info: (_: object, m: string) => logged.push(m), warn: (_: object, m: string) => logged.push(m) };
    const rest = createBitrix24Rest(env, f.store, { allowPrivate: true, timers: f.timers, logger });
    expect(rest.limiter).toMatchObject({ ratePerSecond: 5, burst: 3 });
    f.fake.expireAccessTokens(memberId);
    await expect(rest.client.call(memberId, "app.info")).resolves.toBeTruthy();
    expect(f.fake.tokenRequests.at(-1)).toMatchObject({
      grantType: "refresh_token",
      status: 200,
      clientId: f.fake.clientId,
    });
    expect(logged).toEqual(["Bitrix24 access token refreshed"]);
    expect(rest.limiter.available(memberId)).toBe(1);
  });
});
