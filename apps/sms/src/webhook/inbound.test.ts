import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmsTestbed, type SmsTestbed } from "../test/testbed.js";

describe("inbound SMS/MMS", () => {
  let bed: SmsTestbed;
  beforeAll(async () => {
    bed = await startSmsTestbed(2);
  });
  afterAll(() => bed.stop());

  const inbound = (
    tenant: number,
    from: string,
    body: string,
    extra: Partial<Parameters<SmsTestbed["twilio"]["inboundParams"]>[0]> = {},
  ) =>
    bed.twilio.inboundParams({
      accountSid: bed.tenants[tenant]!.account.sid,
      from,
      to: bed.tenants[tenant]!.number.phoneNumber,
      body,
      ...extra,
    });
  const post = (
    tenant: number,
    params: Record<string, string | string[]>,
    token: string | null = bed.tenants[tenant]!.account.authToken,
  ) => bed.twilio.sendInbound(bed.inboundUrl(tenant), params, token);
  const incomingFrom = (contact: string) => bed.crm.incoming.filter((r) => r.body.chat.contact === contact);

  it("forwards an SMS to the CRM and answers empty TwiML at once", async () => {
    const res = await post(0, inbound(0, "+14155550301", "Hello, is my order ready?"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/xml");
    expect(await res.text()).toBe("<Response></Response>");
    const got = await bed.crm.waitFor(() => incomingFrom("+14155550301")[0]);
    expect(got.ref).toEqual(bed.tenants[0]!.ref);
    expect(got.body).toEqual({
      chat: { id: null, contact: "+14155550301", subject: null },
      message: { content: { text: "Hello, is my order ready?", format: "text" }, attachments: [] },
    });
  });

  it("forwards MMS media as signed links that stream the bytes from Twilio, even when Twilio lags", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, ...Array.from({ length: 5000 }, (_, i) => i % 251)]);
    const pdf = new TextEncoder().encode("%PDF-1.4 fake pdf bytes");
    const params = inbound(0, "+14155550302", "", {
      media: [
        { contentType: "image/png", data: png },
        { contentType: "application/pdf", data: pdf },
      ],
    });
    expect((await post(0, params)).status).toBe(200);
    const got = await bed.crm.waitFor(() => incomingFrom("+14155550302")[0]);
    expect(got.body.message.content).toBeNull();
    const [image, file] = got.body.message.attachments ?? [];
    expect(image).toMatchObject({ type: "image", name: expect.stringMatching(/^ME\w+\.png$/) });
    expect(file).toMatchObject({ type: "file", name: expect.stringMatching(/^ME\w+\.pdf$/) });
    expect(image!.uri.startsWith(bed.url + "files/")).toBe(true);
    expect(image!.uri).not.toContain(bed.tenants[0]!.account.authToken);

    bed.twilio.failNext({ status: 404, code: 20404, on: "media", times: 2 });
    const res = await fetch(image!.uri);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(png);
    const mediaRequests = bed.twilio.requests.filter((r) => r.target === "media");
    expect(mediaRequests.map((r) => r.status)).toEqual([404, 404, 200]);
    expect(mediaRequests.every((r) => r.authUser === bed.tenants[0]!.account.sid && r.authenticated)).toBe(true);
    expect(new Uint8Array(await (await fetch(file!.uri)).arrayBuffer())).toEqual(pdf);
  });

  it("streams media Twilio sends chunked (no Content-Length) whole, never as an empty file", async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, ...Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256)]);
    const params = inbound(0, "+14155550320", "chunked", {
      media: [{ contentType: "image/jpeg", data: jpeg, chunked: true }],
    });
    expect((await post(0, params)).status).toBe(200);
    const got = await bed.crm.waitFor(() => incomingFrom("+14155550320")[0]);
    const res = await fetch(got.body.message.attachments![0]!.uri);
    expect(res.status).toBe(200);
    const length = res.headers.get("content-length");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(jpeg);
    expect(length).toBeNull();
  });

  it("serves SVG and HTML media as downloads that cannot run script; photos inline; all nosniff and sandboxed", async () => {
    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>',
    );
    const html = new TextEncoder().encode("<html><script>alert(document.cookie)</script></html>");
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const params = inbound(0, "+14155550330", "look", {
      media: [
        { contentType: "image/svg+xml", data: svg },
        { contentType: "text/html", data: html },
        { contentType: "image/png", data: png },
      ],
    });
    expect((await post(0, params)).status).toBe(200);
    const got = await bed.crm.waitFor(() => incomingFrom("+14155550330")[0]);
    const answers = await Promise.all(got.body.message.attachments!.map((a) => fetch(a.uri)));
    const headers = answers.map((res) => [
      res.status,
      res.headers.get("content-type"),
      res.headers.get("content-disposition")?.split(";")[0],
      res.headers.get("x-content-type-options"),
      res.headers.get("content-security-policy"),
    ]);
    const csp = "sandbox; default-src 'none'";
    expect(headers).toEqual([
      [200, "image/svg+xml", "attachment", "nosniff", csp],
      [200, "text/html", "attachment", "nosniff", csp],
      [200, "image/png", "inline", "nosniff", csp],
    ]);
    expect(new Uint8Array(await answers[0]!.arrayBuffer())).toEqual(svg);
  });

  it("answers 502 (try later) when the media never shows up", async () => {
    const params = inbound(0, "+14155550303", "pic", {
      media: [{ contentType: "image/jpeg", data: new Uint8Array([1, 2, 3]) }],
    });
    await post(0, params);
    const got = await bed.crm.waitFor(() => incomingFrom("+14155550303")[0]);
    // The test bed retries a 404 three times (10, 20, 40 ms apart): four answers in all.
    bed.twilio.failNext({ status: 404, code: 20404, on: "media", times: 4 });
    const before = bed.twilio.requests.length;
    const res = await fetch(got.body.message.attachments![0]!.uri);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 502 });
    expect(bed.twilio.requests.slice(before).map((r) => r.status)).toEqual([404, 404, 404, 404]);
  });

  it("never fetches media from outside the Twilio API base, but tells the manager something was sent", async () => {
    const params = {
      ...inbound(0, "+14155550310", ""),
      NumMedia: "1",
      MediaUrl0: "http://169.254.169.254/latest/meta-data",
      MediaContentType0: "image/png",
    };
    expect((await post(0, params)).status).toBe(200);
    const got = await bed.crm.waitFor(() => incomingFrom("+14155550310")[0]);
    expect(got.body.message.attachments).toEqual([]);
    expect(got.body.message.content?.text).toBe("[1 media file(s) could not be retrieved]");
  });

  it("forwards each MessageSid once", async () => {
    const params = inbound(0, "+14155550304", "only once");
    expect((await post(0, params)).status).toBe(200);
    expect((await post(0, params)).status).toBe(200);
    await post(0, inbound(0, "+14155550304", "second message"));
    await bed.crm.waitFor(() => incomingFrom("+14155550304").length === 2);
    expect(incomingFrom("+14155550304").map((r) => r.body.message.content?.text)).toEqual([
      "only once",
      "second message",
    ]);
  });

  it("rejects forged and unsigned webhooks with 403 and forwards nothing", async () => {
    const params = inbound(0, "+14155550305", "forged");
    expect((await post(0, params, "f".repeat(32))).status).toBe(403);
    expect((await post(0, params, null)).status).toBe(403);
    expect((await post(0, params, bed.tenants[1]!.account.authToken)).status).toBe(403);
    const tampered = { ...params, Body: "tampered" };
    expect((await post(0, params)).status).toBe(200);
    const sig = (await import("@switchboard/testkit/twilio")).twilioSignature(
      bed.tenants[0]!.account.authToken,
      bed.inboundUrl(0),
      params,
    );
    const res = await fetch(bed.inboundUrl(0), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": sig },
      body: new URLSearchParams(tampered as Record<string, string>),
    });
    expect(res.status).toBe(403);
    await bed.crm.waitFor(() => incomingFrom("+14155550305").length === 1);
    expect(incomingFrom("+14155550305")[0]!.body.message.content?.text).toBe("forged");
  });

  it("accepts a Messaging Service payload on the same URL", async () => {
    const params = inbound(0, "+14155550306", "via service", {
      messagingServiceSid: "MG" + "1".repeat(32),
      to: "+14155559998",
    });
    expect((await post(0, params)).status).toBe(200);
    await bed.crm.waitFor(() => incomingFrom("+14155550306")[0]);
  });

  it("records STOP as an opt-out: the message still reaches the CRM, and sends fail without calling Twilio", async () => {
    const customer = "+14155550307";
    await post(0, inbound(0, customer, "  stop "));
    await bed.crm.waitFor(() => incomingFrom(customer)[0]);
    const before = bed.twilio.messageCreates().length;
    const id = await bed.sendText(0, customer, "Are you there?");
    await bed.waitStatus(id, "error");
    expect(bed.twilio.messageCreates().length).toBe(before);
    const row = bed.gateway.runtime.db.$client
      .prepare(`SELECT last_error FROM outgoing WHERE crm_message_id = ?`)
      .get(id) as { last_error: string };
    expect(row.last_error).toContain("opted out");

    // The other tenant is not affected by this tenant's opt-out.
    const other = await bed.sendText(1, customer, "From company B");
    await bed.waitStatus(other, "sent");

    await post(0, inbound(0, customer, "START"));
    await bed.crm.waitFor(() => incomingFrom(customer).length === 2);
    const again = await bed.sendText(0, customer, "Welcome back");
    await bed.waitStatus(again, "sent");
    expect(bed.twilio.messageCreates().at(-1)?.form.get("Body")).toBe("Welcome back");
  });

  it("keeps tenants apart: each tenant's messages reach its own CRM reference", async () => {
    await post(1, inbound(1, "+14155550308", "for company B"));
    const got = await bed.crm.waitFor(() => incomingFrom("+14155550308")[0]);
    expect(got.ref).toEqual(bed.tenants[1]!.ref);
    // Tenant B's signature on tenant A's URL is refused.
    expect(
      (
        await bed.twilio.sendInbound(
          bed.inboundUrl(0),
          inbound(1, "+14155550309", "x"),
          bed.tenants[1]!.account.authToken,
        )
      ).status,
    ).toBe(403);
  });

  it("answers 400 {code, message} to an inbound message without MessageSid and forwards nothing", async () => {
    const params = inbound(0, "+14155550340", "no sid");
    delete params.MessageSid;
    delete params.SmsSid;
    const res = await post(0, params);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 400, message: "MessageSid is missing" });
    await post(0, inbound(0, "+14155550340", "marker"));
    await bed.crm.waitFor(() => incomingFrom("+14155550340")[0]);
    expect(incomingFrom("+14155550340").map((r) => r.body.message.content?.text)).toEqual(["marker"]);
  });

  it("acknowledges a message without sender or content with empty TwiML and forwards nothing", async () => {
    const empty = await post(0, inbound(0, "+14155550341", "   "));
    const noSender = await post(0, inbound(0, "", "who sent this?"));
    for (const res of [empty, noSender]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/xml; charset=utf-8");
      expect(await res.text()).toBe("<Response></Response>");
    }
    await post(0, inbound(0, "+14155550341", "marker"));
    await bed.crm.waitFor(() => incomingFrom("+14155550341")[0]);
    expect(incomingFrom("+14155550341").map((r) => r.body.message.content?.text)).toEqual(["marker"]);
    expect(bed.crm.incoming.some((r) => r.body.message.content?.text === "who sent this?")).toBe(false);
  });

  it("checks the signature over the public URL with the query string Twilio was given", async () => {
    const url = `${bed.inboundUrl(0)}?source=console`;
    const params = inbound(0, "+14155550342", "with a query");
    expect((await bed.twilio.sendInbound(url, params, bed.tenants[0]!.account.authToken)).status).toBe(200);
    // Signed over the URL without its query: not what Twilio was given.
    const { twilioSignature } = await import("@switchboard/testkit/twilio");
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": twilioSignature(bed.tenants[0]!.account.authToken, bed.inboundUrl(0), params),
      },
      body: new URLSearchParams(params as Record<string, string>),
    });
    expect(res.status).toBe(403);
    await bed.crm.waitFor(() => incomingFrom("+14155550342")[0]);
    expect(incomingFrom("+14155550342")).toHaveLength(1);
  });

  it("answers 403 {code, message} while the tenant's Twilio settings are not saved", async () => {
    const ref = { companyId: "1999", pluginAlias: "sms", pluginId: "99" };
    expect((await bed.crm.register(bed.url, ref)).status).toBe(200);
    const tenant = (await bed.gateway.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(ref)))!;
    const url = bed.gateway.runtime.publicUrl(`sms/inbound/${tenant.publicId}`);
    const res = await bed.twilio.sendInbound(url, inbound(0, "+14155550343", "too early"), "x".repeat(32));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      code: 403,
      message: "Twilio settings are not saved, so the signature cannot be checked",
    });
  });
});
