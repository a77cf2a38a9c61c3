import { describe, expect, it } from "vitest";
import { decodeFlowed } from "./flowed-text.js";
import { mailContent } from "./mail-content.js";
import { parseMail } from "./parse-mail.js";

function flowedMail(body: string, params = "format=flowed"): Buffer {
  return Buffer.from(
    `From: Anna <anna@example.org>\r\nTo: support@a.test\r\nSubject: Re: Colour\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8; ${params}\r\n\r\n${body}`,
  );
}

describe("format=flowed (RFC 3676)", () => {
  it("never joins a quoted line with the unquoted answer below it (issue 11 item 9)", async () => {
    const mail = await parseMail(flowedMail("> Do you want the red one? \r\nYes, the red one.\r\n"));
    expect(mail.text).toBe("> Do you want the red one?\nYes, the red one.\n");
    expect(await mailContent(mail)).toEqual({ text: "> Do you want the red one?\nYes, the red one.", format: "text" });
  });

  it("still joins soft breaks within one quote depth, with DelSp and space-stuffing", async () => {
    const mail = await parseMail(
      flowedMail("This is a long \r\nline.\r\n> quoted \r\n> more\r\n>> deeper\r\n From here\r\n", "format=flowed"),
    );
    expect(mail.text).toBe("This is a long line.\n> quoted more\n>> deeper\nFrom here\n");
    expect(decodeFlowed("one \r\ntwo", true)).toBe("onetwo");
    expect(decodeFlowed("-- \r\nAnna")).toBe("-- \nAnna");
  });

  it("a flowed reply keeps the answer through quote stripping", async () => {
    const body =
      "On Wed, 30 Apr 2025 at 15:19, Shop <shop@a.test> \r\nwrote:\r\n> Do you want the red one? We also \r\n> have blue.\r\n\r\nThe red one, please.\r\n";
    const mail = await parseMail(flowedMail(body, "format=flowed; delsp=no"));
    expect((await mailContent(mail))?.text).toBe("The red one, please.");
  });
});
