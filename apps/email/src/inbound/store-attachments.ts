/**
 * @module inbound/store-attachments — stores an incoming mail's attachments (inline images too)
 * and gives each a signed, expiring URL under LV_PLUGIN_SELF_URI.
 */
import { FileQuotaExceededError, ownEntry, type Attachment, type GatewayRuntime, type Tenant } from "@switchboard/core";
import type { Attachment as MailAttachment } from "mailparser";

/** The stored attachments for the CRM, and the URLs of inline parts by Content-ID. */
export interface StoredAttachments {
  attachments: Attachment[];
  inlineUrls: Map<string, string>;
  /** One line per attachment that could not be stored (the tenant's storage quota), for the message text. */
  notes: string[];
}

const EXTENSIONS: Record<string, string> = {
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/gif": ".gif",
  "application/pdf": ".pdf",
  "text/plain": ".txt",
  "message/rfc822": ".eml",
};

function kind(contentType: string): Attachment["type"] {
  if (contentType.startsWith("image/")) return "image";
  if (contentType.startsWith("audio/")) return "voice";
  return "file";
}

function fileName(part: MailAttachment, index: number): string {
  const name = part.filename?.trim();
  if (name) return name;
  return `attachment-${index + 1}${ownEntry(EXTENSIONS, part.contentType) ?? ""}`;
}

/** Stores every attachment of the mail for the tenant. */
export async function storeAttachments(
  runtime: GatewayRuntime,
  tenant: Tenant,
  parts: MailAttachment[],
): Promise<StoredAttachments> {
  const attachments: Attachment[] = [];
  const inlineUrls = new Map<string, string>();
  const notes: string[] = [];
  for (const [index, part] of parts.entries()) {
    const name = fileName(part, index);
    const contentType = part.contentType || "application/octet-stream";
    let uri: string;
    try {
      uri = await runtime.files.store(tenant, { name, contentType, data: new Uint8Array(part.content) });
    } catch (error) {
      // The words still reach the CRM; the manager learns which file is missing and why.
      if (!(error instanceof FileQuotaExceededError)) throw error;
      runtime.logger.warn(
        { event: "email.attachment_over_quota", tenant: tenant.id, file: name },
        "email: attachment not stored, storage quota reached",
      );
      notes.push(`[attachment not stored, the storage quota is reached: ${name}]`);
      continue;
    }
    attachments.push({ name, uri, type: kind(contentType) });
    if (part.cid) inlineUrls.set(part.cid, uri);
  }
  return { attachments, inlineUrls, notes };
}
