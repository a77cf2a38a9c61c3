/**
 * @module test/inbound-helpers — assertions about what reached (or was queued for) the CRM.
 */
import type { IncomingBody, RecordedRequest } from "@switchboard/testkit";
import type { Testbed } from "./testbed.js";

/** Incoming CRM calls whose text contains `marker`. */
export function incomingWith(bed: Testbed, marker: string): RecordedRequest<IncomingBody>[] {
  return bed.crm.incoming.filter((r) => r.body.message.content?.text.includes(marker));
}

function queuedWith(bed: Testbed, marker: string): number {
  const row = bed.gateway.runtime.db.$client
    .prepare("SELECT COUNT(*) AS n FROM crm_outbox WHERE kind = 'incoming' AND body LIKE ?")
    .get(`%${marker}%`) as { n: number };
  return row.n;
}

/**
 * How many times `marker` was forwarded to the CRM. The gateway forwards (into core's outbox)
 * before it answers SMTP 250 or the webhook, so once the outbox holds nothing for the marker,
 * the CRM has received every copy there will ever be.
 */
export async function timesForwarded(bed: Testbed, marker: string): Promise<number> {
  await bed.crm.waitFor(() => queuedWith(bed, marker) === 0);
  return incomingWith(bed, marker).length;
}

/** The error an SMTP send failed with. */
export async function smtpFailure(
  promise: Promise<unknown>,
): Promise<Error & { responseCode?: number; response?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { responseCode?: number };
  }
  throw new Error("expected the SMTP send to fail");
}

/** Waits for the first incoming CRM call whose text contains `marker`. */
export function waitIncoming(bed: Testbed, marker: string): Promise<RecordedRequest<IncomingBody>> {
  return bed.crm.waitFor(() => incomingWith(bed, marker)[0]);
}
