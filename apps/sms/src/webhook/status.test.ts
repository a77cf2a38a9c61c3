import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmsTestbed, type SmsTestbed } from "../test/testbed.js";

describe("status callbacks", () => {
  let bed: SmsTestbed;
  beforeAll(async () => {
    bed = await startSmsTestbed(2);
  });
  afterAll(() => bed.stop());

  /** Sends a text as tenant 0 and returns the CRM id and the Twilio SID. */
  async function sent(to: string): Promise<{ id: string; sid: string }> {
    const id = await bed.sendText(0, to, `hello ${to}`);
    await bed.waitStatus(id, "sent");
    const message = bed.twilio.messages.findLast((m) => m.to === to);
    return { id, sid: message!.sid };
  }

  const callbackParams = (sid: string, status: string, extra: Record<string, string> = {}) => ({
    MessageSid: sid,
    SmsSid: sid,
    MessageStatus: status,
    SmsStatus: status,
    AccountSid: bed.tenants[0]!.account.sid,
    To: "+14155550000",
    From: bed.tenants[0]!.number.phoneNumber,
    ApiVersion: "2010-04-01",
    ...extra,
  });

  it("reports delivered from a signed callback", async () => {
    const { id, sid } = await sent("+14155550201");
    const res = await bed.twilio.deliver(sid, "delivered");
    expect(res.status).toBe(204);
    await bed.waitStatus(id, "delivered");
    expect(bed.crm.statusesOf(id)).toEqual(["sent", "delivered"]);
  });

  it("reports undelivered as error, keeping Twilio's code and message", async () => {
    const { id, sid } = await sent("+14155550202");
    await bed.twilio.deliver(sid, "undelivered", { code: 30003, message: "Unreachable destination handset" });
    await bed.waitStatus(id, "error");
    const reason = bed.gateway.runtime.db.$client
      .prepare(`SELECT reason FROM outgoing_parts WHERE gateway_message_id = ?`)
      .get(sid) as { reason: string };
    expect(reason.reason).toContain("30003");
    expect(reason.reason).toContain("Unreachable destination handset");
  });

  it("rejects forged and unsigned callbacks with 403 and records nothing", async () => {
    const { id, sid } = await sent("+14155550203");
    const forged = await bed.twilio.sendStatusCallback(
      bed.statusUrl(0),
      callbackParams(sid, "failed", { ErrorCode: "30007" }),
      "f".repeat(32),
    );
    expect(forged.status).toBe(403);
    expect(await forged.json()).toEqual({ code: 403, message: "Invalid Twilio signature" });
    const unsigned = await bed.twilio.sendStatusCallback(bed.statusUrl(0), callbackParams(sid, "failed"), null);
    expect(unsigned.status).toBe(403);
    // Another tenant's valid token does not open this tenant's route.
    const otherTenant = await bed.twilio.sendStatusCallback(
      bed.statusUrl(0),
      callbackParams(sid, "failed"),
      bed.tenants[1]!.account.authToken,
    );
    expect(otherTenant.status).toBe(403);
    // A signature over a URL built from a different host (a proxy's Host header) does not count.
    const hostUrl = bed.statusUrl(0).replace("127.0.0.1", "localhost");
    const params = callbackParams(sid, "failed");
    const { twilioSignature } = await import("@switchboard/testkit/twilio");
    const wrongHost = await fetch(bed.statusUrl(0), {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": twilioSignature(bed.tenants[0]!.account.authToken, hostUrl, params),
      },
      body: new URLSearchParams(params),
    });
    expect(wrongHost.status).toBe(403);
    await bed.twilio.deliver(sid, "delivered");
    await bed.waitStatus(id, "delivered");
    expect(bed.crm.statusesOf(id)).toEqual(["sent", "delivered"]);
  });

  it("handles callbacks out of order: delivered before sent, each status once", async () => {
    const { id, sid } = await sent("+14155550204");
    const token = bed.tenants[0]!.account.authToken;
    for (const status of ["delivered", "sent", "sending", "queued", "delivered"]) {
      const res = await bed.twilio.sendStatusCallback(bed.statusUrl(0), callbackParams(sid, status), token);
      expect(res.status).toBe(204);
    }
    await bed.waitStatus(id, "delivered");
    const marker = await sent("+14155550205");
    await bed.twilio.deliver(marker.sid, "delivered");
    await bed.waitStatus(marker.id, "delivered");
    expect(bed.crm.statusesOf(id)).toEqual(["sent", "delivered"]);
  });

  it("reports delivered for a split text only when every part is delivered", async () => {
    const to = "+14155550206";
    const id = await bed.sendText(0, to, "a".repeat(1500) + "\n\n" + "b".repeat(1500));
    await bed.waitStatus(id, "sent");
    const [first, second] = bed.twilio.messages.filter((m) => m.to === to);
    await bed.twilio.deliver(first!.sid, "delivered");
    const marker = await sent("+14155550207");
    await bed.twilio.deliver(marker.sid, "delivered");
    await bed.waitStatus(marker.id, "delivered");
    expect(bed.crm.statusesOf(id)).toEqual(["sent"]);
    await bed.twilio.deliver(second!.sid, "delivered");
    await bed.waitStatus(id, "delivered");
  });

  it("acknowledges a callback without MessageSid or with a status that means nothing new: 204, no body", async () => {
    const token = bed.tenants[0]!.account.authToken;
    const noSid = callbackParams("", "delivered");
    delete (noSid as Record<string, string>).MessageSid;
    delete (noSid as Record<string, string>).SmsSid;
    for (const params of [noSid, callbackParams("SM" + "0".repeat(32), "accepted")]) {
      const res = await bed.twilio.sendStatusCallback(bed.statusUrl(0), params, token);
      expect(res.status).toBe(204);
      expect(await res.text()).toBe("");
    }
  });

  it("mirrors a 21610 callback as an opt-out of that number for this tenant only", async () => {
    const to = "+14155550209";
    const { id, sid } = await sent(to);
    const res = await bed.twilio.sendStatusCallback(
      bed.statusUrl(0),
      callbackParams(sid, "failed", {
        To: to,
        ErrorCode: "21610",
        ErrorMessage: "Attempt to send to unsubscribed recipient",
      }),
      bed.tenants[0]!.account.authToken,
    );
    expect(res.status).toBe(204);
    await bed.waitStatus(id, "error");
    const creates = () => bed.twilio.messageCreates().filter((r) => r.form.get("To") === to).length;
    const before = creates();
    const next = await bed.sendText(0, to, "are you there?");
    await bed.waitStatus(next, "error");
    expect(creates()).toBe(before);
    const other = await bed.sendText(1, to, "from company B");
    await bed.waitStatus(other, "sent");
  });

  it("answers 404 for an unknown tenant id", async () => {
    const res = await bed.twilio.sendStatusCallback(
      bed.statusUrl(0).replace(/[^/]+$/, "nope"),
      callbackParams("SM1", "delivered"),
      "x",
    );
    expect(res.status).toBe(404);
  });

  it("sends no StatusCallback when delivery statuses are off", async () => {
    const { ref, account, number } = bed.tenants[1]!;
    const res = await bed.crm.putSettings(bed.url, ref, {
      main: {
        accountSid: account.sid,
        authToken: account.authToken,
        sender: number.phoneNumber,
        statusCallbacks: false,
      },
    });
    expect(res.status).toBe(200);
    const id = await bed.sendText(1, "+14155550208", "no callbacks");
    await bed.waitStatus(id, "sent");
    expect(bed.twilio.messageCreates().at(-1)?.form.has("StatusCallback")).toBe(false);
  });
});
