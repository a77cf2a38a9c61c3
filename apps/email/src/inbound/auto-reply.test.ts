import { describe, expect, it } from "vitest";
import { isAutoReply } from "./auto-reply.js";
import { parseMail } from "./parse-mail.js";

const mail = (headers: string) => parseMail(Buffer.from(`From: a@b.test\r\n${headers}\r\n\r\nbody`));

describe("isAutoReply", () => {
  it.each([
    ["Auto-Submitted: auto-replied\r\nSubject: x", true],
    ["Auto-Submitted: auto-generated\r\nSubject: x", true],
    ["Auto-Submitted: no\r\nSubject: x", false],
    ["X-Autoreply: yes\r\nSubject: x", true],
    ["Precedence: auto_reply\r\nSubject: x", true],
    ["Subject: Automatic reply: Order 42", true],
    ["Subject: Out of Office", true],
    ["Subject: Re: Order 42", false],
  ])("%j → %s", async (headers, expected) => {
    expect(isAutoReply(await mail(headers))).toBe(expected);
  });
});
