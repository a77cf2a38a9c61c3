/**
 * @module conformance/cases/public-routes — `/info`, `/icon.png` and registration (§5.1, §5.2).
 */
import { expect, it } from "vitest";
import { refOf, UNREGISTERED_TENANT, type SalesRenderContext } from "../suite-context.js";

/** The parts of the `/info` answer the suite looks at. */
interface Info {
  name: string;
  description: string;
  type: string;
  extra: { contactType: string; capabilities: { messages: Record<string, unknown>; attachments: unknown } };
  languages: { current: string; default: string; available: string[] };
  developer: Record<string, unknown>;
}

async function info(ctx: SalesRenderContext, lang?: string): Promise<Info> {
  const res = await ctx.crm.getInfo(ctx.gatewayUrl, lang);
  expect(res.status).toBe(200);
  return (await res.json()) as Info;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Cases for the unauthenticated routes and registration. */
export function publicRouteCases(ctx: SalesRenderContext): void {
  it("GET /info describes a CHAT plugin with exactly the protocol's keys", async () => {
    const res = await ctx.crm.getInfo(ctx.gatewayUrl);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Info;
    expect(Object.keys(body).sort()).toEqual(["description", "developer", "extra", "languages", "name", "type"]);
    expect(body.type).toBe("CHAT");
    expect(body.name).toEqual(expect.any(String));
    expect(body.extra.contactType).toEqual(expect.any(String));
    expect(body.extra.capabilities.messages).toMatchObject({
      formats: expect.any(Array),
      incoming: expect.any(Boolean),
      outgoing: expect.any(Boolean),
      statuses: expect.arrayContaining(["sent", "error"]),
    });
    expect(body.extra.capabilities.attachments).toEqual(expect.any(Array));
    expect(body.languages.current).toBe("en_US");
    expect(body.languages.available).toEqual(expect.arrayContaining(["en_US", "ru_RU"]));
    expect(body.developer).toMatchObject({
      name: expect.any(String),
      email: expect.any(String),
      hostname: expect.any(String),
    });
  });

  it("GET /info answers in ru_RU when Accept-Language asks for it first", async () => {
    const en = await info(ctx, "en-US");
    const ru = await info(ctx, "ru-RU,en-US;q=0.8");
    expect(ru.languages.current).toBe("ru_RU");
    expect(ru.name !== en.name || ru.description !== en.description).toBe(true);
    // Only the first xx_YY token counts (§2): an unknown first language falls back to the default.
    const de = await info(ctx, "de-DE,ru-RU");
    expect(de.languages.current).toBe(en.languages.default);
  });

  it("GET /icon.png serves a PNG", async () => {
    const res = await fetch(new URL("icon.png", ctx.gatewayUrl));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\/png/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it("PUT /registration answers 200 {registered: true} (re-registration replaces the secret)", async () => {
    const res = await ctx.crm.register(ctx.gatewayUrl, refOf(0));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ registered: true });
  });

  it("a registration with a forged token is refused and keeps the old one", async () => {
    const claims = { ...ctx.crm.claimsFor(ctx.gatewayUrl, refOf(0)), HPT: "forged", country: "RU", currency: "RUB" };
    const wrongAud = ctx.crm.mintToken({ claims: { ...claims, aud: "https://elsewhere.test/" } });
    const unsigned = ctx.crm.mintToken({ claims, alg: "none" });
    for (const token of [wrongAud, unsigned]) {
      const res = await fetch(new URL("registration", ctx.gatewayUrl), {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ registration: token }),
      });
      expect([401, 403]).toContain(res.status);
      expect(await res.json()).toMatchObject({ code: res.status, message: expect.any(String) });
    }
    expect((await ctx.crm.getSettings(ctx.gatewayUrl, refOf(0))).status).toBe(200);
  });

  it("protected routes refuse a missing token, an unregistered company and a token without settings access", async () => {
    const missing = await fetch(new URL("protected/data/settings", ctx.gatewayUrl));
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ code: 401, message: "X-PLUGIN-TOKEN not found" });

    const unregistered = await ctx.crm.getSettings(ctx.gatewayUrl, UNREGISTERED_TENANT);
    expect(unregistered.status).toBe(403);
    expect(await unregistered.json()).toEqual({ code: 403, message: "Plugin was not registered" });

    const noAccess = await fetch(new URL("protected/data/settings", ctx.gatewayUrl), {
      headers: { "x-plugin-token": ctx.crm.pluginToken(ctx.gatewayUrl, refOf(0), { settings: false }) },
    });
    expect(noAccess.status).toBe(403);
    expect(await noAccess.json()).toEqual({ code: 403, message: "Access to settings is not allowed" });
  });
}
