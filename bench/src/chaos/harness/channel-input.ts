/**
 * fast-check arbitraries for what the channels send a gateway, subtly or grossly wrong: Telegram
 * updates with one field broken, Twilio webhook parameters, raw MIME, SMTP sessions, and settings
 * data for each gateway (SMTP hosts stay on loopback: no input here may leave the machine).
 */
import { jsonPaths, withValueAt, WRONG_KIND_VALUES } from "@switchboard/testkit";
import fc from "fast-check";

/** A value of the wrong kind for almost any field. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...WRONG_KIND_VALUES),
  fc.jsonValue({ maxDepth: 2 }),
);

const file = { file_id: "f1", file_unique_id: "u1", file_size: 10 };
const chat = { id: 7001, type: "private", first_name: "Ann" };
const from = { id: 7001, is_bot: false, first_name: "Ann", username: "ann" };

/** Well-formed messages of every kind the Telegram gateway reads. */
const TELEGRAM_MESSAGES: Array<Record<string, unknown>> = [
  { text: "hello" },
  { caption: "pic", photo: [{ ...file, width: 90, height: 60 }] },
  { voice: { ...file, duration: 1, mime_type: "audio/ogg" } },
  { document: { ...file, file_name: "a.pdf", mime_type: "application/pdf" } },
  { audio: { ...file, duration: 1 }, video: { ...file, width: 1, height: 1, duration: 1 } },
  { sticker: { ...file, width: 1, height: 1, is_animated: false, is_video: false, emoji: "🙂" } },
  { location: { latitude: 1.5, longitude: 2.5 } },
  { venue: { title: "Shop", address: "Main St", location: { latitude: 1, longitude: 2 } } },
  { contact: { phone_number: "+15550100", first_name: "Ann" } },
];

/** A Telegram update (message or edit) with exactly one field, at any depth, replaced by a wrong value. */
export function malformedUpdate(updateIds: () => number): fc.Arbitrary<Record<string, unknown>> {
  const templates = TELEGRAM_MESSAGES.flatMap((fields) =>
    (["message", "edited_message"] as const).map((kind) => ({
      update_id: 0,
      [kind]: { message_id: 5, date: 1_700_000_000, chat, from, ...fields },
    })),
  );
  const cases = templates.flatMap((template) =>
    jsonPaths(template)
      .filter((path) => path[0] !== "update_id")
      .map((path) => ({ template, path })),
  );
  return fc
    .tuple(fc.constantFrom(...cases), wrongValue)
    .map(
      ([{ template, path }, value]) =>
        ({ ...(withValueAt(template, path, value) as object), update_id: updateIds() }) as Record<string, unknown>,
    );
}

const TWILIO_NAMES = [
  "MessageSid",
  "SmsSid",
  "AccountSid",
  "MessagingServiceSid",
  "From",
  "To",
  "Body",
  "NumMedia",
  "MediaUrl0",
  "MediaContentType0",
  "MediaUrl1",
  "MessageStatus",
  "SmsStatus",
  "ErrorCode",
  "ErrorMessage",
  "OptOutType",
  "NumSegments",
];

/** Webhook parameters as Twilio might post them, with any value (or none) for each known name. */
export function twilioParams(accountSid: string, apiBase: string): fc.Arbitrary<Record<string, string>> {
  const value = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      accountSid,
      "+14155550123",
      "14155550123",
      "",
      "-1",
      "11",
      "99999999999",
      "delivered",
      "undelivered",
      "failed",
      "read",
      "STOP",
      "START",
      "SM" + "0".repeat(32),
      "MM" + "f".repeat(31),
      `${apiBase}/2010-04-01/Accounts/${accountSid}/Messages/MM${"a".repeat(32)}/Media/ME${"b".repeat(32)}`,
      "http://169.254.169.254/latest/meta-data",
      "image/svg+xml",
      "text/html",
    ),
  );
  return fc
    .uniqueArray(fc.tuple(fc.oneof(fc.constantFrom(...TWILIO_NAMES), fc.string({ maxLength: 12 })), value), {
      maxLength: 12,
      selector: ([name]) => name,
    })
    .map((pairs) => Object.fromEntries(pairs));
}

const HEADER_LINES = fc.constantFrom(
  "From: Ann <ann@customer.test>",
  "From: <>",
  "From: MAILER-DAEMON",
  "From: =?utf-8?B?!!!?= <x@y>",
  "To: support@chaos-shop.test",
  "To: ,,,;;;",
  "Subject: =?utf-8?Q?broken",
  "Subject: Re: Re: Fwd: order",
  "Message-ID: <abc@customer.test>",
  "In-Reply-To: <<<>>>",
  "References: " + "<r@x> ".repeat(50),
  "Content-Type: multipart/mixed; boundary=zz",
  "Content-Type: multipart/report; report-type=delivery-status; boundary=zz",
  "Content-Type: Multipart/Alternative",
  "Content-Type: text/html; charset=unknown-8bit",
  "Content-Type: message/rfc822",
  "Content-Transfer-Encoding: base64",
  "Content-Transfer-Encoding: quoted-printable",
  "Content-Disposition: attachment; filename=../../etc/passwd",
  "Auto-Submitted: auto-replied",
  "X-Failed-Recipients: ann@customer.test",
  "Date: yesterday",
);

const BODY_LINES = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    "--zz",
    "--zz--",
    "Content-Type: text/plain",
    "Content-Type: application/pdf; name=a.pdf",
    "",
    "> quoted",
    "On Mon, Ann wrote:",
    "=?=",
    "=ZZ",
    "%%%%base64%%%",
    "<html><body><script>x</script><blockquote>q</blockquote>",
    "Status: 5.1.1",
    "Action: failed",
    "Original-Recipient: rfc822;",
    ".",
  ),
);

/** A raw RFC 822 message that is anything from nearly right to nonsense. */
export const malformedMime: fc.Arbitrary<string> = fc
  .tuple(fc.array(HEADER_LINES, { maxLength: 8 }), fc.array(BODY_LINES, { maxLength: 12 }), fc.boolean())
  .map(([headers, body, crlf]) => [...headers, "", ...body].join(crlf ? "\r\n" : "\n"));

/** SMTP sessions with the gateway's inbound server: commands in any order, or a real session's steps bent. */
export function smtpSession(inboundAddress: string): fc.Arbitrary<string[]> {
  const junk = fc.string({ maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, " "));
  const helo = fc.constantFrom("EHLO chaos.test", "HELO x", "EHLO", "EHLO " + "h".repeat(300), "ehlo [127.0.0.1]");
  const mailFrom = fc.constantFrom(
    "MAIL FROM:<ann@customer.test>",
    "MAIL FROM:<>",
    "MAIL FROM:ann",
    "MAIL FROM:<" + "a".repeat(400) + "@x>",
    "MAIL FROM:<a@b> SIZE=999999999999",
    "MAIL FROM:<a@b> BODY=8BITMIME SMTPUTF8",
    "MAIL FROM:<MAILER-DAEMON@customer.test>",
  );
  const rcptTo = fc.constantFrom(
    `RCPT TO:<${inboundAddress}>`,
    `RCPT TO:<${inboundAddress.toUpperCase()}>`,
    `RCPT TO:<"support"@${inboundAddress.split("@")[1]}>`,
    "RCPT TO:<nobody@chaos-shop.test>",
    "RCPT TO:<victim@elsewhere.test>",
    "RCPT TO:<>",
    "RCPT TO:support",
  );
  const other = fc.constantFrom(
    "RSET",
    "NOOP",
    "VRFY postmaster",
    "AUTH PLAIN AGFkbWluAGFkbWlu",
    "STARTTLS",
    "BDAT 10",
  );
  const anyCommand = fc.oneof(helo, mailFrom, rcptTo, other, fc.constant("DATA"), junk);
  const bent = fc
    .tuple(helo, mailFrom, fc.array(rcptTo, { minLength: 1, maxLength: 3 }), fc.option(anyCommand, { nil: undefined }))
    .map(([h, m, r, extra]) => [h, m, ...r, ...(extra ? [extra] : []), "DATA"]);
  return fc.oneof(bent, fc.array(anyCommand, { minLength: 1, maxLength: 8 }));
}

/** Settings data for the SMS gateway: wrong types, unknown accounts, junk senders; never savable. */
export const malformedSmsSettings: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    main: fc.oneof(
      wrongValue,
      fc.record(
        {
          accountSid: fc.oneof(wrongValue, fc.constantFrom("AC" + "0".repeat(32), "AC", "MG" + "1".repeat(32))),
          authToken: fc.oneof(wrongValue, fc.string({ maxLength: 40 })),
          sender: fc.oneof(wrongValue, fc.constantFrom("+14155550199", "+1", "MG" + "2".repeat(32), "sender")),
          statusCallbacks: fc.oneof(wrongValue, fc.boolean()),
        },
        { requiredKeys: ["accountSid"] },
      ),
    ),
  }),
);

/**
 * Settings data for the email gateway, never savable: hosts are loopback or not host names (no
 * DNS query leaves the machine), ports are closed, From addresses are invalid.
 */
export const malformedEmailSettings: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      smtp: fc.oneof(
        wrongValue,
        fc.record(
          {
            host: fc.oneof(fc.constantFrom("127.0.0.1", "localhost", "::1", "", "  ", "x".repeat(400)), wrongValue),
            port: fc.oneof(fc.constantFrom(1, 9, 0, -1, 65_536, 1.5, "25", null), wrongValue),
            secure: fc.oneof(fc.boolean(), wrongValue),
            allowPlaintext: fc.oneof(fc.boolean(), wrongValue),
            user: fc.oneof(fc.string({ maxLength: 30 }), wrongValue),
            password: fc.oneof(fc.string({ maxLength: 30 }), wrongValue),
          },
          { requiredKeys: ["host", "port"] },
        ),
      ),
      mail: fc.oneof(
        wrongValue,
        fc.record(
          {
            from: fc.constantFrom(
              "<>",
              "not an address",
              "x@y.test\r\nBcc: victim@evil.test",
              '"shown" <a@x.test>, <b@x.test>',
              "a".repeat(400) + "@x.test",
              "",
              null,
              42,
            ),
            inboundAddress: fc.oneof(fc.constantFrom("@", "a b@c", "x".repeat(400)), wrongValue),
            defaultSubject: fc.oneof(fc.string({ maxLength: 30 }), wrongValue),
          },
          { requiredKeys: ["from"] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);
