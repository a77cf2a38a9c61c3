/**
 * @module inbound/http-route — `POST email/inbound/<tenant token>`: a raw RFC 822 message from a
 * mail provider's inbound webhook or a forwarding rule. The body is the message itself, or a form
 * with the message in `email` (SendGrid Inbound Parse, raw mode) or `body-mime` (Mailgun, which
 * posts raw MIME only to URLs ending in `mime`: `.../email/inbound/<token>/mime` is accepted too).
 * When the provider passes the connecting client's IP (`sender_ip`, SendGrid) the mail gets the
 * same SPF, DKIM and DMARC checks as mail to the gateway's own SMTP server.
 */
import { readBoundedBody } from "@switchboard/core";
import type { Context, Hono } from "hono";
import type { EmailServices } from "../services.js";
import { InboundRejection } from "./inbound-rejection.js";
import { isIP } from "node:net";
import { processMail } from "./process-mail.js";
import { checkSender, type MailOrigin } from "./sender-authenticity.js";

/** Path of the route under LV_PLUGIN_SELF_URI (also used to build the URL shown in settings). */
export const INBOUND_ROUTE_PREFIX = "email/inbound/";

const FORM_FIELDS = ["email", "body-mime", "mime", "raw"];

/** The posted message and, when the provider said, where it came from. */
interface PostedMail {
  raw: Buffer | undefined;
  origin: MailOrigin | undefined;
}

async function rawMessage(c: Context, maxBytes: number): Promise<PostedMail> {
  const type = c.req.header("content-type") ?? "";
  const body = await readBoundedBody(c, maxBytes);
  if (/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type)) {
    const form = await new Response(body, { headers: { "content-type": type } }).formData().catch(() => undefined);
    if (!form) return { raw: undefined, origin: undefined };
    const origin = originOf(form);
    for (const field of FORM_FIELDS) {
      const value = form.get(field);
      if (typeof value === "string" && value.trim()) return { raw: Buffer.from(value, "utf8"), origin };
      if (value instanceof File) return { raw: Buffer.from(await value.arrayBuffer()), origin };
    }
    return { raw: undefined, origin };
  }
  return { raw: body.length ? body : undefined, origin: undefined };
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

/** Adds the raw-MIME inbound route. */
export function addInboundRoute(app: Hono, services: EmailServices, maxBytes: number): void {
  for (const path of [`/${INBOUND_ROUTE_PREFIX}:token`, `/${INBOUND_ROUTE_PREFIX}:token/mime`])
    addRoute(app, path, services, maxBytes);
}

function addRoute(app: Hono, path: string, services: EmailServices, maxBytes: number): void {
  const { runtime } = services;
  // The body is read through core's bounded reader with this route's own limit (the raw message
  // size, 25 MiB by default), counted as it arrives: core's 10 MiB default does not apply here.
  app.post(path, async (c) => {
    const ref = services.tokens.findRef(c.req.param("token") ?? "");
    const tenant = ref && runtime.tenants.get(ref);
    if (!tenant) return c.json({ code: 404, message: "Not found" }, 404);
    const { raw, origin } = await rawMessage(c, maxBytes);
    if (!raw) return c.json({ code: 400, message: "The request carries no message" }, 400);
    const verdict =
      origin && services.checkSenders
        ? await checkSender(raw, origin, services.dns, new URL(runtime.config.selfUri).hostname)
        : undefined;
    try {
      const outcome = await processMail(services, tenant, raw, {
        mailFrom: origin?.mailFrom,
        senderWarning: verdict?.warning,
      });
      return c.json({ outcome }, 200);
    } catch (error) {
      if (error instanceof InboundRejection) return c.json({ code: 400, message: error.message }, 400);
      throw error;
    }
  });
}
