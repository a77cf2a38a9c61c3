/**
 * @module webhook/posted-mail — the message a provider's inbound webhook or a forwarding rule
 * posts: the body itself, or a form with the message in `email` (SendGrid Inbound Parse, raw
 * mode), `body-mime` (Mailgun), `mime` or `raw`. SendGrid also says which client connected
 * (`sender_ip`, `envelope`), so the mail gets the SPF, DKIM and DMARC checks of the SMTP path.
 */
import { isIP } from "node:net";
import type { WebhookRequest } from "@switchboard/core";
import type { MailOrigin } from "../inbound/sender-authenticity.js";

const FORM_FIELDS = ["email", "body-mime", "mime", "raw"];

/** The posted message (undefined when the request carries none) and, when the provider said, where it came from. */
export interface PostedMail {
  raw: Buffer | undefined;
  origin: MailOrigin | undefined;
}

/** Reads the message out of a webhook request. */
export async function postedMail(request: WebhookRequest): Promise<PostedMail> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type)) {
    return { raw: request.body.length ? request.body : undefined, origin: undefined };
  }
  const form = await new Response(request.body, { headers: { "content-type": type } })
    .formData()
    .catch(() => undefined);
  if (!form) return { raw: undefined, origin: undefined };
  const origin = originOf(form);
  for (const field of FORM_FIELDS) {
    const value = form.get(field);
    if (typeof value === "string" && value.trim()) return { raw: Buffer.from(value, "utf8"), origin };
    if (value instanceof File) return { raw: Buffer.from(await value.arrayBuffer()), origin };
  }
  return { raw: undefined, origin };
}

/** SendGrid's `sender_ip` and `envelope` (`{"from": …}`) fields; none without a valid IP. */
function originOf(form: FormData): MailOrigin | undefined {
  const field = form.get("sender_ip");
  const ip = typeof field === "string" ? field.trim() : "";
  if (!isIP(ip)) return undefined;
  let mailFrom: string | undefined;
  const envelope = form.get("envelope");
  if (typeof envelope === "string") {
    try {
      const parsed: unknown = JSON.parse(envelope);
      const from =
        typeof parsed === "object" && parsed && Object.hasOwn(parsed, "from")
          ? (parsed as { from: unknown }).from
          : undefined;
      if (typeof from === "string") mailFrom = from;
    } catch {
      // A malformed envelope only costs the SPF check its MAIL FROM.
    }
  }
  return { ip, mailFrom };
}
