import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmsTestbed, type SmsTestbed } from "../test/testbed.js";

describe("SMS settings", () => {
  let bed: SmsTestbed;
  beforeAll(async () => {
    bed = await startSmsTestbed(1);
  });
  afterAll(() => bed.stop());

  const ref = { companyId: "7001", pluginAlias: "sms", pluginId: "71" };

  it("saves valid settings and points the sender number's SmsUrl at the tenant's inbound webhook", async () => {
    const { account, number } = bed.tenants[0]!;
    expect(number.smsUrl).toBe(bed.inboundUrl(0));
    expect(number.smsMethod).toBe("POST");
    expect(bed.inboundUrl(0)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gw\/sms\/sms\/inbound\/[\w-]+$/);
    const check = bed.twilio.requests.find((r) => r.path === `/2010-04-01/Accounts/${account.sid}.json`);
    expect(check?.authenticated).toBe(true);
    const saved = (await (await bed.crm.getSettings(bed.url, bed.tenants[0]!.ref)).json()) as {
      main: Record<string, unknown>;
    };
    expect(saved.main).toEqual({
      accountSid: account.sid,
      authToken: true,
      sender: number.phoneNumber,
      statusCallbacks: true,
    });
  });

  it("answers 400 on authToken for wrong credentials and saves nothing", async () => {
    expect((await bed.crm.register(bed.url, ref)).status).toBe(200);
    const account = bed.twilio.addAccount();
    const number = bed.twilio.addPhoneNumber(account.sid, "+14155559001");
    const res = await bed.crm.putSettings(bed.url, ref, {
      main: { accountSid: account.sid, authToken: "f".repeat(32), sender: number.phoneNumber },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { main: Record<string, string[]> };
    expect(body.main.authToken?.[0]).toMatch(/20003/);
    expect(JSON.stringify(body)).not.toContain("f".repeat(32));
    expect(number.smsUrl).toBe("");
    const stored = await (await bed.crm.getSettings(bed.url, ref)).json();
    expect(stored).toEqual({ main: { authToken: false } });
  });

  it("explains a refused check, and renders the preview, in the request's language", async () => {
    const account = bed.twilio.addAccount();
    const number = bed.twilio.addPhoneNumber(account.sid, "+14155559002");
    const refused = await bed.crm.putSettings(
      bed.url,
      bed.tenants[0]!.ref,
      { main: { accountSid: account.sid, authToken: "f".repeat(32), sender: number.phoneNumber } },
      "ru-RU",
    );
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { main: Record<string, string[]> }).main).toEqual({
      authToken: ["Twilio не принял этот Account SID и Auth Token (ошибка 20003)"],
    });

    const tenant = await bed.tenant(0);
    const preview = await bed.gateway.instance.previews.setup(tenant, {
      tenantId: tenant.id,
      settings: tenant.settings,
      language: "ru_RU",
      dep: null,
      context: null,
    });
    expect(preview).toContain("**Адрес для входящих:**");
    expect(preview).toContain("✅ Twilio отправляет входящие сюда.");
  });

  it("answers 400 on sender for a number the account does not own", async () => {
    const account = bed.twilio.addAccount();
    const res = await bed.crm.putSettings(bed.url, ref, {
      main: { accountSid: account.sid, authToken: account.authToken, sender: "+14155559999" },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { main: Record<string, string[]> }).main.sender?.[0]).toMatch(
      /not a phone number of this Twilio account/,
    );
  });

  it("validates the form: Account SID format and sender format", async () => {
    const res = await bed.crm.putSettings(bed.url, ref, {
      main: { accountSid: "AC123", authToken: "x", sender: "12345" },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { main: Record<string, string[]> };
    expect(Object.keys(body.main).sort()).toEqual(["accountSid", "sender"]);
  });

  it("accepts a Messaging Service sender and shows the URL to paste in the preview", async () => {
    const account = bed.twilio.addAccount();
    const service = bed.twilio.addMessagingService(account.sid);
    const res = await bed.crm.putSettings(bed.url, ref, {
      main: { accountSid: account.sid, authToken: account.authToken, sender: service.sid, statusCallbacks: false },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const tenant = (await bed.gateway.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(ref)))!;
    const inboundUrl = bed.gateway.runtime.publicUrl(`sms/inbound/${tenant.publicId}`);
    const preview = async () =>
      (
        (await (await bed.crm.request(bed.url, ref, "GET", "protected/preview/markdown/setup")).json()) as {
          markdown: string;
        }
      ).markdown;
    const before = await preview();
    expect(before).toContain(service.sid);
    expect(before).toContain(inboundUrl);
    expect(before).toContain("Messaging → Services");
    expect(before).toContain("off (no delivery statuses)");
    service.inboundRequestUrl = inboundUrl;
    expect(await preview()).toContain("✅");

    const send = await bed.crm.send(bed.url, ref, {
      chat: { id: null, contact: "+14155550400" },
      message: { id: "via-service", content: { text: "Sent through a service", format: "text" }, attachments: [] },
    });
    expect(send.status).toBe(202);
    await bed.waitStatus("via-service", "sent");
    const create = bed.twilio.messageCreates().at(-1)!;
    expect(create.authUser).toBe(account.sid);
    expect(Object.fromEntries(create.form)).toEqual({
      To: "+14155550400",
      MessagingServiceSid: service.sid,
      Body: "Sent through a service",
    });
  });

  it("shows a configured number as configured in the preview", async () => {
    const res = await bed.crm.request(bed.url, bed.tenants[0]!.ref, "GET", "protected/preview/markdown/setup");
    const { markdown } = (await res.json()) as { markdown: string };
    expect(markdown).toContain(bed.tenants[0]!.number.phoneNumber);
    expect(markdown).toContain(bed.inboundUrl(0));
    expect(markdown).toContain(bed.statusUrl(0));
    expect(markdown).toContain("✅");
  });

  it("serves /info with the SMS capabilities and an icon", async () => {
    const info = (await (await bed.crm.getInfo(bed.url)).json()) as { extra: Record<string, unknown> };
    expect(info.extra).toMatchObject({
      contactType: "phone",
      capabilities: {
        subject: false,
        messages: {
          formats: ["text"],
          incoming: true,
          outgoing: true,
          writeFirst: true,
          statuses: ["sent", "delivered", "error"],
        },
        attachments: ["image"],
      },
    });
    const icon = await fetch(`${bed.url}icon.png`);
    expect(icon.headers.get("content-type")).toContain("image/png");
    expect(
      Buffer.from(await icon.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
  });
});
