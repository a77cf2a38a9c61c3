/**
 * @module send/download-attachments — the CRM's attachment URIs as nodemailer attachments that
 * stream: each one is downloaded (core's URL safety, size limit, total deadline and byte budget)
 * only when nodemailer writes it into the message, so a 50 MB file is never held whole in memory.
 */
import { Readable } from "node:stream";
import type { Attachment, GatewayRuntime } from "@switchboard/core";
import type Mail from "nodemailer/lib/mailer/index.js";

/** The streaming attachments of one mail, and the download failure that stopped it, if any. */
export interface StreamedAttachments {
  attachments: Mail.Attachment[];
  /**
   * The first download that failed. nodemailer may report a broken attachment stream as its own
   * generic stream error; this is the real reason, retryable or not as core decided.
   */
  failure(): Error | undefined;
}

/**
 * One streaming attachment per CRM attachment. A download that fails fails the send; the SMTP
 * transaction is then abandoned, never finished with half a file. Without the server's content
 * type up front, nodemailer derives it from the file name.
 */
export function downloadAttachments(
  runtime: Pick<GatewayRuntime, "openAttachment">,
  attachments: Attachment[],
): StreamedAttachments {
  let failed: Error | undefined;
  async function* lazyDownload(uri: string): AsyncGenerator<Buffer> {
    try {
      const { body } = await runtime.openAttachment(uri);
      for await (const chunk of body) yield chunk as Buffer;
    } catch (error) {
      failed ??= error instanceof Error ? error : new Error(String(error));
      throw error;
    }
  }
  return {
    attachments: attachments.map((attachment) => ({
      filename: attachment.name,
      content: Readable.from(lazyDownload(attachment.uri)),
    })),
    failure: () => failed,
  };
}
