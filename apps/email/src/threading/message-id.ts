/**
 * @module threading/message-id — Message-IDs: ours (stable per queued message) and parsing theirs.
 */
import { createHmac } from "node:crypto";

/**
 * A Message-ID (without angle brackets) on the gateway's domain for an outgoing message. It is
 * derived from the queue id with a per-tenant secret, so a retry after an unclear failure reuses
 * the same id and the customer's mail program drops the duplicate.
 */
export function outgoingMessageId(secret: string, queueId: number, domain: string): string {
  const digest = createHmac("sha256", secret).update(`outgoing:${queueId}`).digest("base64url").slice(0, 24);
  return `sb.${digest}@${domain}`;
}

/** The domain part of our Message-IDs: the public host of the gateway (`[::1]` style for IPv6). */
export function gatewayDomain(selfUri: string): string {
  return new URL(selfUri).hostname || "localhost";
}

/** `<id>` as written in headers. */
export function bracketed(id: string): string {
  return `<${id}>`;
}

/** Every Message-ID in a header value or list of values, without brackets, in order. */
export function parseMessageIds(value: string | string[] | undefined | null): string[] {
  const values = Array.isArray(value) ? value : value ? [value] : [];
  const ids: string[] = [];
  for (const item of values) {
    const matches = item.match(/<[^<>\s]+>/g);
    if (matches) ids.push(...matches.map((m) => m.slice(1, -1)));
    else if (item.trim() && !/\s/.test(item.trim())) ids.push(item.trim());
  }
  return ids;
}

/** Longest References header we write: the root plus the newest ids (RFC 5322 §3.6.4 allows trimming). */
const MAX_REFERENCES = 20;

/** The References of a reply to `parentId` whose own References were `parentReferences`. */
export function replyReferences(parentReferences: string[], parentId: string): string[] {
  const all = [...parentReferences, parentId];
  if (all.length <= MAX_REFERENCES) return all;
  return [all[0] as string, ...all.slice(all.length - MAX_REFERENCES + 1)];
}
