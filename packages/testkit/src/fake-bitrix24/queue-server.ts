/**
 * @module fake-bitrix24/queue-server — how Bitrix24's queue server delivers events and placements:
 * one form-encoded POST per handler, never retried whatever the answer (a failure is only logged),
 * or, in "drop" mode, not posted at all.
 */
import type { FakeBitrix24State, PostedEvent } from "./fake-state.js";
import { buildBracketForm } from "./form-codec.js";

/** How long the queue server waits for a handler before it gives up (and, as always, does not retry). */
export const EVENT_TIMEOUT_MS = 30_000;

/** What to post. */
export interface EventPost {
  memberId: string;
  /** The event name (or `PLACEMENT:SETTING_CONNECTOR` for the settings slider). */
  event: string;
  url: string;
  /** The nested payload, encoded as PHP bracket keys (or a ready form body). */
  payload: Record<string, unknown> | URLSearchParams;
  /** A query string to add to the URL (the placement's `DOMAIN`, `LANG`, …). */
  query?: URLSearchParams;
  /** Whether drop mode applies (placements are opened by a browser, not queued). */
  queued?: boolean;
}

/** Posts once and records the outcome; never throws for a handler's failure. */
export async function postEvent(state: FakeBitrix24State, post: EventPost): Promise<PostedEvent> {
  const body = post.payload instanceof URLSearchParams ? post.payload.toString() : buildBracketForm(post.payload);
  const url = post.query ? `${post.url}${post.url.includes("?") ? "&" : "?"}${post.query.toString()}` : post.url;
  const record: PostedEvent = {
    memberId: post.memberId,
    event: post.event,
    url,
    body,
    status: 0,
    dropped: false,
    at: state.clock(),
  };
  state.events.push(record);
  if ((post.queued ?? true) && state.dropEvents) {
    record.dropped = true;
    return record;
  }
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "Bitrix24 Webhook Engine" },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(EVENT_TIMEOUT_MS),
    });
    record.status = res.status;
    record.headers = Object.fromEntries(res.headers);
    record.answer = await res.text();
  } catch (error) {
    record.error = error instanceof Error ? error.message : String(error);
  }
  return record;
}
