import { ChannelNetworkError, ChannelRefusedError, InvalidInputError } from "@switchboard/core";
import { describe, expect, it } from "vitest";
import { classifySmtpError } from "./classify-error.js";

function smtpError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(String(fields.message ?? "failed")), fields);
}

describe("classifySmtpError", () => {
  it("treats 5xx as permanent, with the server's reply as the message", () => {
    const error = classifySmtpError(
      smtpError({ code: "EENVELOPE", responseCode: 550, response: "550 5.1.1 No such user" }),
    );
    expect(error).toBeInstanceOf(ChannelRefusedError);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe("SMTP: 550 5.1.1 No such user");
    expect((error as ChannelRefusedError).code).toBe(550);
  });

  it("retries 4xx replies and connection failures", () => {
    const busy = classifySmtpError(smtpError({ code: "EENVELOPE", responseCode: 421, response: "421 Try later" }));
    expect(busy).toBeInstanceOf(ChannelRefusedError);
    expect(busy.retryable).toBe(true);
    const refused = classifySmtpError(smtpError({ code: "ESOCKET", message: "connect ECONNREFUSED 127.0.0.1:2525" }));
    expect(refused).toBeInstanceOf(ChannelNetworkError);
    expect(refused.retryable).toBe(true);
  });

  it("keeps a real SMTP reply on one line, but never repeats what a non-SMTP peer said", () => {
    const refused = classifySmtpError(
      smtpError({ code: "EENVELOPE", responseCode: 550, response: "550 5.1.1 No such\r\nBcc: x@evil.test user" }),
    );
    expect(refused.message).toBe("SMTP: 550 5.1.1 No such Bcc: x@evil.test user");
    const banner = classifySmtpError(
      smtpError({
        code: "EPROTOCOL",
        message: "Invalid greeting. response=SSH-2.0-OpenSSH_9.6",
        response: "SSH-2.0-OpenSSH_9.6",
      }),
    );
    expect(banner).toBeInstanceOf(ChannelNetworkError);
    expect(banner.message).not.toContain("SSH");
    const greeting = classifySmtpError(
      smtpError({ code: "ECONNECTION", responseCode: 554, response: "554 internal-host-7 says go away" }),
    );
    expect(greeting.retryable).toBe(false);
    expect(greeting.message).not.toContain("internal-host-7");
  });

  it("fails for good on authentication and on messages nodemailer cannot send at all", () => {
    expect(classifySmtpError(smtpError({ code: "EAUTH", message: "Missing credentials for PLAIN" })).retryable).toBe(
      false,
    );
    expect(
      classifySmtpError(smtpError({ code: "EENVELOPE", command: "API", message: "No recipients defined" })),
    ).toBeInstanceOf(InvalidInputError);
  });

  it("starts every failure of the channel with the one prefix `SMTP: `", () => {
    const failures = [
      smtpError({ code: "EAUTH", responseCode: 535, message: "Invalid login" }),
      smtpError({ code: "ESOCKET", message: "connect ECONNREFUSED 127.0.0.1:2525" }),
      smtpError({ code: "ETLS", command: "STARTTLS", message: "no STARTTLS" }),
      smtpError({ code: "EENVELOPE", responseCode: 452, response: "452 4.2.2 Mailbox full" }),
      smtpError({ code: "ETIMEDOUT", message: "Timeout" }),
    ].map((e) => classifySmtpError(e).message);
    expect(failures).toEqual([
      "SMTP: The SMTP server refused the user name or password (SMTP 535)",
      "SMTP: Could not connect to the SMTP server: connection refused (ECONNREFUSED)",
      expect.stringMatching(/^SMTP: The SMTP server does not offer encryption \(STARTTLS\)/),
      "SMTP: 452 4.2.2 Mailbox full",
      "SMTP: The SMTP server did not answer in time",
    ]);
  });
});
