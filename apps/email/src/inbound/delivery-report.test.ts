import { describe, expect, it } from "vitest";
import { dsnMessage } from "../test/dsn-message.js";
import { isDeliveryReport, readDeliveryReport, reportOutcome } from "./delivery-report.js";
import { parseMail } from "./parse-mail.js";

describe("delivery reports", () => {
  it("reads the envelope id, the returned Message-ID and each recipient's result", async () => {
    const mail = await parseMail(
      Buffer.from(
        dsnMessage({
          to: "in@shop.test",
          recipient: "nobody@example.org",
          action: "failed",
          status: "5.1.1",
          diagnostic: "550 5.1.1 User unknown",
          envelopeId: "sb.x+2By@gw.test",
          originalMessageId: "sb.orig@gw.test",
          messageId: "r1@mx",
        }),
      ),
    );
    expect(isDeliveryReport(mail)).toBe(true);
    const report = readDeliveryReport(mail);
    // ENVID is xtext: +2B is "+".
    expect(report?.originalIds).toEqual(["sb.x+y@gw.test", "sb.orig@gw.test"]);
    expect(report?.recipients).toEqual([
      { action: "failed", status: "5.1.1", diagnostic: "550 5.1.1 User unknown", recipient: "nobody@example.org" },
    ]);
    expect(reportOutcome(report!)).toEqual({ status: "error", reason: "550 5.1.1 User unknown" });
  });

  it("maps delivered to `delivered` and delays to nothing", () => {
    const recipient = { status: "2.0.0", diagnostic: "", recipient: "a@b" };
    expect(reportOutcome({ originalIds: [], recipients: [{ ...recipient, action: "delivered" }] })).toEqual({
      status: "delivered",
    });
    expect(reportOutcome({ originalIds: [], recipients: [{ ...recipient, action: "delayed" }] })).toBeUndefined();
    expect(
      reportOutcome({ originalIds: [], recipients: [{ ...recipient, action: "failed", status: "5.0.0" }] }),
    ).toEqual({
      status: "error",
      reason: "Delivery failed (5.0.0)",
    });
  });

  it("does not take an ordinary mail for a report", async () => {
    const mail = await parseMail(Buffer.from("From: a@b.test\r\nSubject: Undelivered Mail\r\n\r\nhello"));
    expect(isDeliveryReport(mail)).toBe(false);
  });
});
