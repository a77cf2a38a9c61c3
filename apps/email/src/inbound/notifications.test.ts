import { describe, expect, it } from "vitest";
import { knownEnvelope, readBounce } from "./notifications.js";
import { parseMail } from "./parse-mail.js";

const bounceBody = [
  "From: Mail Delivery Service <delivery@mailservice.example>",
  "To: support@a.test",
  "Subject: Undelivered Mail Returned to Sender",
  "",
  "We could not deliver your message <sb.x@gw.test>.",
  "Reason: 550 5.1.1 <lost@example.com>: mailbox unavailable",
  "",
].join("\r\n");

describe("telling bounces from customers' mail", () => {
  it("takes the null sender from Return-Path when the mail came without an envelope (webhook)", () => {
    expect(knownEnvelope(Buffer.from(`Return-Path: <>\r\n${bounceBody}`), {})).toEqual({ mailFrom: "" });
    expect(knownEnvelope(Buffer.from(bounceBody), {})).toEqual({});
    // The SMTP envelope wins over a header anyone can write.
    expect(knownEnvelope(Buffer.from(`Return-Path: <>\r\n${bounceBody}`), { mailFrom: "a@b.test" })).toEqual({
      mailFrom: "a@b.test",
    });
  });

  it("a null sender with a bounce subject is a bounce; the same mail from a person's address is not", async () => {
    const raw = Buffer.from(bounceBody);
    const mail = await parseMail(raw);
    expect(readBounce(mail, raw, { mailFrom: "" })?.outcome).toEqual({
      status: "error",
      reason: "550 5.1.1 <lost@example.com>: mailbox unavailable",
    });
    expect(readBounce(mail, raw, { mailFrom: "delivery@mailservice.example" })).toBeUndefined();
  });

  it("a customer writing about an undelivered parcel is never taken for a bounce", async () => {
    const raw = Buffer.from(
      [
        "From: Anna <anna@example.org>",
        "To: support@a.test",
        "Subject: Undelivered package",
        "",
        "Hi, my package was not delivered. The courier says it could not be delivered to my address.",
        "",
      ].join("\r\n"),
    );
    expect(readBounce(await parseMail(raw), raw, { mailFrom: "anna@example.org" })).toBeUndefined();
  });

  it("a vacation reply with the null sender (RFC 3834) is a customer's mail, not a bounce", async () => {
    const raw = Buffer.from(
      "From: Anna <anna@example.org>\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nBack on Monday.\r\n",
    );
    expect(readBounce(await parseMail(raw), raw, { mailFrom: "" })).toBeUndefined();
  });

  it("a postmaster writing as a person is a customer; a postmaster's bounce is a bounce", async () => {
    const human = Buffer.from(
      "From: Postmaster <postmaster@smallshop.example>\r\nSubject: Wholesale prices\r\n\r\nDo you sell in bulk?\r\n",
    );
    expect(readBounce(await parseMail(human), human, { mailFrom: "postmaster@smallshop.example" })).toBeUndefined();
    const ndr = Buffer.from(
      "From: postmaster@corp.example\r\nSubject: Undeliverable: Order\r\n\r\nDelivery has failed to these recipients or groups:\r\n\r\nx@corp.example\r\n550 5.1.1 not found\r\n",
    );
    expect(readBounce(await parseMail(ndr), ndr, { mailFrom: "postmaster@corp.example" })?.outcome).toEqual({
      status: "error",
      reason: "550 5.1.1 not found",
    });
  });
});
