/**
 * @module send/download-attachments — fetches the CRM's attachment URIs (with core's URL safety and
 * size limits) into nodemailer attachments with their names and content types.
 */
import type { Attachment, GatewayRuntime } from "@switchboard/core";
import type Mail from "nodemailer/lib/mailer/index.js";

/** Downloads every attachment; a failed download fails the send (retryable or not, as core decides). */
export async function downloadAttachments(
  runtime: GatewayRuntime,
  attachments: Attachment[],
): Promise<Mail.Attachment[]> {
  const files: Mail.Attachment[] = [];
  for (const attachment of attachments) {
    const { data, contentType } = await runtime.fetchAttachment(attachment.uri);
    // Without a usable type nodemailer derives one from the file name.
    const type = contentType && contentType !== "application/octet-stream" ? contentType : undefined;
    files.push({ filename: attachment.name, content: data, contentType: type });
  }
  return files;
}
