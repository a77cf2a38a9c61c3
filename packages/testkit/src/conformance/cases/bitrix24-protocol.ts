/**
 * @module conformance/cases/bitrix24-protocol — the Bitrix24 app's own wire: what the install set up
 * in the portal, the settings slider's page, and events the gateway must refuse.
 */
import { expect, it } from "vitest";
import type { Bitrix24Side } from "../sides/bitrix24-side.js";
import { CONFORMANCE_LINE } from "../sides/bitrix24-side.js";
import {
  incomingWith,
  sendAndWaitSent,
  timesSent,
  uniqueId,
  waitIncoming,
  type SuiteContext,
} from "../suite-context.js";

/** The events the app binds, all to `bitrix24/events`. */
const BOUND_EVENTS = [
  "ONAPPUNINSTALL",
  "ONIMCONNECTORLINEDELETE",
  "ONIMCONNECTORMESSAGEADD",
  "ONIMCONNECTORMESSAGEDELETE",
  "ONIMCONNECTORMESSAGEUPDATE",
  "ONIMCONNECTORSTATUSDELETE",
];

/** Cases for the Bitrix24 app's routes; they read the side in their tests (it starts in beforeAll). */
export function bitrix24ProtocolCases(ctx: SuiteContext): void {
  const side = () => ctx.side as Bitrix24Side;

  it("each install registered the connector with bitrix24/settings as its page and bound its events to bitrix24/events", () => {
    for (const tenant of [0, 1] as const) {
      const portal = side().portals[tenant];
      const connector = portal.state.connectors.get(side().connector(tenant))!;
      expect(connector.placementHandler).toBe(`${side().gatewayUrl}bitrix24/settings`);
      expect(
        portal
          .bindings()
          .map((b) => [b.event, b.handler])
          .sort(),
      ).toEqual(BOUND_EVENTS.map((e) => [e, `${side().gatewayUrl}bitrix24/events`]));
      expect(portal.connectorLine(side().connector(tenant), CONFORMANCE_LINE)).toMatchObject({
        active: true,
        connected: true,
      });
    }
  });

  it("the settings page shows every field of the valid settings, never a saved password, framed by its portal only", async () => {
    for (const tenant of [0, 1] as const) {
      const portal = side().portals[tenant];
      const page = await portal.openSettings(CONFORMANCE_LINE, undefined, { lang: "en" });
      expect(page.status).toBe(200);
      expect(page.headers["x-content-type-options"]).toBe("nosniff");
      expect(page.headers["content-security-policy"]).toContain(`frame-ancestors http://${portal.domain}`);
      for (const [group, fields] of Object.entries(ctx.harness.validSettings(tenant))) {
        for (const [field, value] of Object.entries(fields)) {
          expect(page.html).toContain(`name="settings[${group}][${field}]"`);
          // Any secret of the settings (tokens, passwords) may be a password field: none is ever drawn.
          if (typeof value === "string" && /token|password|secret/i.test(field)) expect(page.html).not.toContain(value);
        }
      }
    }
  });

  it("a settings page with a forged application token is refused with {code, message}", async () => {
    const page = await side().portals[0].openSettings(CONFORMANCE_LINE, undefined, { applicationToken: "forged" });
    expect([401, 403]).toContain(page.status);
    expect(JSON.parse(page.html)).toMatchObject({ code: expect.anything(), message: expect.any(String) });
  });

  it("an operator event with a forged application token is refused and nothing reaches the channel", async () => {
    const text = `Forged operator ${uniqueId("forged-b24")}`;
    const said = await side().portals[0].operatorSays(CONFORMANCE_LINE, ctx.harness.contact, text, undefined, {
      applicationToken: "forged",
    });
    expect([401, 403]).toContain(said.events[0]!.status);
    // One customer's messages go out in order: once a later one is sent, the forged one would have been.
    await sendAndWaitSent(ctx, 0, `after a forged event ${uniqueId("marker")}`);
    expect(timesSent(ctx, 0, text)).toBe(0);
  });

  it("an expired access token is refreshed once and the customer's message still reaches the line", async () => {
    const fake = side().fake;
    fake.expireAccessTokens(side().portals[0].memberId);
    const before = fake.tokenRequests.length;
    const text = `After the token expired ${uniqueId("expired")}`;
    await ctx.harness.deliverIncoming(0, text);
    await waitIncoming(ctx, text);
    expect(incomingWith(ctx, text)).toHaveLength(1);
    expect(fake.tokenRequests.slice(before).map((r) => r.grantType)).toEqual(["refresh_token"]);
  });
}
