/**
 * @module send/attachments — downloads a CRM attachment (core's URL safety, 50 MB limit, total
 * deadline, byte budget) and wraps it for upload. Uploading always works, while sending by URL only
 * works for some types. Files and voice notes stream from the CRM into the upload; images are held
 * in memory, since their size picks sendPhoto or sendDocument and a refused photo is sent again.
 */
import type { Attachment, GatewayRuntime } from "@switchboard/core";
import { InputFile } from "grammy";

/** Telegram's upload limit for bots. */
export const UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024;
/** Photos above this go as documents (sendPhoto refuses them). */
export const PHOTO_LIMIT_BYTES = 10 * 1024 * 1024;

/** A downloaded attachment, ready to upload. */
export interface Download {
  attachment: Attachment;
  data: Buffer;
  fileName: string;
}

/** Downloads an attachment; failures are core's `FetchError`s, retryable or not. */
export async function download(
  attachment: Attachment,
  runtime: Pick<GatewayRuntime, "fetchAttachment">,
): Promise<Download> {
  const { data } = await runtime.fetchAttachment(attachment.uri, { maxBytes: UPLOAD_LIMIT_BYTES });
  return { attachment, data, fileName: safeFileName(attachment.name, attachment.type) };
}

/**
 * An upload that downloads the attachment only when grammY writes the request, chunk by chunk:
 * the file is never held whole. A failed download fails the upload with core's `FetchError`.
 */
export function streamedInputFile(attachment: Attachment, runtime: Pick<GatewayRuntime, "openAttachment">): InputFile {
  return new InputFile(
    async () => (await runtime.openAttachment(attachment.uri, { maxBytes: UPLOAD_LIMIT_BYTES })).body,
    safeFileName(attachment.name, attachment.type),
  );
}

/**
 * An image as it will be sent: in memory when it may go as a photo (its size decides, and a
 * refused photo is uploaded again as a document), or still streaming when its declared size is
 * over the photo limit, so it can only go as a document and is never held whole.
 */
export type OpenedImage = { kind: "photo"; file: Download } | { kind: "document"; upload: InputFile };

/** Opens an image download and reads it into memory only when it may be sent as a photo. */
export async function openImage(
  attachment: Attachment,
  runtime: Pick<GatewayRuntime, "openAttachment">,
): Promise<OpenedImage> {
  const fileName = safeFileName(attachment.name, attachment.type);
  const { body, size } = await runtime.openAttachment(attachment.uri, { maxBytes: UPLOAD_LIMIT_BYTES });
  if (size !== undefined && size > PHOTO_LIMIT_BYTES)
    return { kind: "document", upload: new InputFile(body, fileName) };
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return { kind: "photo", file: { attachment, data: Buffer.concat(chunks), fileName } };
}

/** A fresh upload of the bytes (an `InputFile` is bound to one request). */
export function toInputFile(file: Download): InputFile {
  return new InputFile(file.data, file.fileName);
}

/**
 * A file name grammY can put in a multipart header: it writes the name unquoted and throws on line
 * breaks, so quotes, semicolons, slashes and control characters are replaced.
 */
export function safeFileName(name: string, type: Attachment["type"]): string {
  const cleaned = name
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go.
    .replace(/[\u0000-\u001f\u007f"';\\/]+/g, "_")
    .trim()
    .slice(0, 200);
  if (cleaned !== "" && cleaned !== "." && cleaned !== "..") return cleaned;
  return type === "image" ? "image.jpg" : type === "voice" ? "voice.ogg" : "file";
}
