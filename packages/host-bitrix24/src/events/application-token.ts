/**
 * @module events/application-token — whether an event or placement really comes from the portal.
 */
import { sameSecret } from "@switchboard/core";

/**
 * True when the event's `auth[application_token]` is the one saved from the portal's ONAPPINSTALL,
 * compared in constant time. It is the only check an ONAPPUNINSTALL can get (it carries no OAuth
 * tokens) and the one every event gets (reference §2; green-api's guard does the same per portal).
 * A portal with no saved token matches nothing.
 */
export function isPortalsApplicationToken(given: string | undefined, saved: string | undefined): boolean {
  return sameSecret(given, saved);
}
