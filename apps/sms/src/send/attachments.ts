/**
 * @module send/attachments — which attachments go as MMS media and which as links in the text.
 */
import type { Attachment } from "@switchboard/core";

/** Twilio's MMS limits: media per message, and their total size. */
export const MAX_MEDIA = 10;
export const MAX_MEDIA_BYTES = 5 * 1024 * 1024;

/** Attachments split into MMS media URLs and links for the text. */
export interface AttachmentPlan {
  mediaUrls: string[];
  links: Attachment[];
}

/**
 * Images become MMS media (by their CRM URIs, which Twilio fetches) while they fit in 10 items and
 * 5 MB; a size that cannot be learned counts as fitting. Everything else becomes a link.
 */
export async function planAttachments(
  attachments: Attachment[],
  sizeOf: (uri: string) => Promise<number | undefined>,
): Promise<AttachmentPlan> {
  const plan: AttachmentPlan = { mediaUrls: [], links: [] };
  let total = 0;
  for (const attachment of attachments) {
    if (attachment.type !== "image" || plan.mediaUrls.length >= MAX_MEDIA) {
      plan.links.push(attachment);
      continue;
    }
    const size = await sizeOf(attachment.uri);
    if (size !== undefined && total + size > MAX_MEDIA_BYTES) {
      plan.links.push(attachment);
      continue;
    }
    total += size ?? 0;
    plan.mediaUrls.push(attachment.uri);
  }
  return plan;
}

/** The lines listing linked attachments under the text. */
export function linkLines(links: Attachment[]): string {
  return links.map((a) => (a.name && a.name !== a.uri ? `${a.name}: ${a.uri}` : a.uri)).join("\n");
}
