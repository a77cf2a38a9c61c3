/**
 * @module inbound/sender-authenticity — SPF, DKIM and DMARC of an inbound mail (mailauth), so a
 * forged `From` (a bank, the company's own CEO) reaches the CRM marked as such. Mail is never
 * refused or dropped for failing: the verdict travels with the customer's words.
 */
import type { MessageContent } from "@switchboard/core";
import type { DnsResolver } from "./dns-resolver.js";
import { escapeHtml } from "./escape-html.js";

/** What the SMTP session (or a provider's webhook) tells about where a mail came from. */
export interface MailOrigin {
  /** The connecting client's IP address. */
  ip: string;
  /** EHLO/HELO name. */
  helo?: string;
  /** MAIL FROM address (empty for a bounce). */
  mailFrom?: string;
}

/** The checks' results, as mailauth names them (`pass`, `fail`, `none`, `temperror`…). */
export interface SenderVerdict {
  spf: string;
  dkim: string;
  dmarc: string;
  /** The From header's domain the DMARC check was about. */
  fromDomain: string;
  /** The line to show above the message in the CRM when DMARC failed. */
  warning: string | undefined;
}

/** A total deadline for all lookups of one mail; past it, the mail goes on without a verdict. */
const CHECK_DEADLINE_MS = 15_000;

/** The marker that starts the warning line, easy to spot and to search for in the CRM. */
export const UNVERIFIED_SENDER_MARKER = "⚠️ [Unverified sender]";

/** Checks a raw mail; undefined when the checks could not run (no verdict, no warning: the mail goes on). */
export async function checkSender(
  raw: Buffer,
  origin: MailOrigin,
  resolver: DnsResolver,
  mta: string,
): Promise<SenderVerdict | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), CHECK_DEADLINE_MS);
  });
  try {
    // Loaded with the first inbound mail, like mailparser: an idle gateway never pays for it.
    const { authenticate } = await import("mailauth");
    const result = await Promise.race([
      authenticate(raw, {
        ip: origin.ip,
        helo: origin.helo,
        sender: origin.mailFrom,
        mta,
        resolver: resolver as (name: string, rrtype: string) => Promise<string[][]>,
        // ARC and BIMI add lookups (BIMI even HTTP fetches) without changing what we show.
        disableArc: true,
        disableBimi: true,
      }),
      deadline,
    ]);
    if (!result) return undefined;
    const spf = result.spf ? result.spf.status.result : "none";
    const dkim = bestDkim(result.dkim.results.map((r) => r.status.result));
    const dmarc = result.dmarc ? result.dmarc.status.result : "none";
    const fromDomain = result.dmarc ? result.dmarc.domain : (result.dkim.headerFrom[0]?.split("@")[1] ?? "");
    const warning =
      dmarc === "fail"
        ? `${UNVERIFIED_SENDER_MARKER} This message claims to be from ${fromDomain}, but it failed that domain's ` +
          `DMARC check (SPF: ${spf}, DKIM: ${dkim}). The sender may be forged: do not trust the From address.`
        : undefined;
    return { spf, dkim, dmarc, fromDomain, warning };
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

function bestDkim(results: string[]): string {
  if (results.includes("pass")) return "pass";
  return results[0] ?? "none";
}

/** The content with the warning as its first line (a paragraph for HTML); the customer's words stay whole. */
export function withSenderWarning(content: MessageContent | null, warning: string | undefined): MessageContent | null {
  if (!warning) return content;
  if (!content) return { text: warning, format: "text" };
  if (content.format === "html")
    return { ...content, text: `<p><strong>${escapeHtml(warning)}</strong></p>${content.text}` };
  return { ...content, text: `${warning}\n\n${content.text}` };
}
