/**
 * @module http/file-headers — every file answer served from the gateway's origin (signed links,
 * stored files, uploads) and its headers. What a customer sent must never run as a page of our
 * origin in the CRM user's browser: an SVG or HTML "image" would otherwise execute its script.
 */
import type { FileResponse } from "../gateway/types.js";

// Types a browser shows without running anything: raster images, audio, video and PDF (its
// viewer is sandboxed by the CSP below). Everything else, SVG and HTML first, is a download.
const INLINE_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/bmp",
  "image/heic",
  "image/heif",
  "image/tiff",
  "audio/mpeg",
  "audio/mp4",
  "audio/aac",
  "audio/ogg",
  "audio/opus",
  "audio/wav",
  "audio/webm",
  "audio/flac",
  "audio/amr",
  "audio/x-m4a",
  "video/mp4",
  "video/webm",
  "video/ogg",
  "video/quicktime",
  "video/3gpp",
  "video/mpeg",
  "application/pdf",
]);

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/** The bare media type of a Content-Type value, or `application/octet-stream` when it is not one. */
function mediaTypeOf(contentType: string | undefined): string {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? type : "application/octet-stream";
}

/**
 * Content-Type, Content-Disposition (`attachment` unless the type is on the inert allow-list),
 * `nosniff` and a sandboxing CSP, so the browser neither guesses a type nor runs anything.
 */
function fileHeaders(file: { contentType?: string; fileName?: string }): Record<string, string> {
  const type = mediaTypeOf(file.contentType);
  const disposition = INLINE_TYPES.has(type) ? "inline" : "attachment";
  return {
    "content-type": type,
    "content-disposition": file.fileName
      ? `${disposition}; filename*=UTF-8''${encodeURIComponent(file.fileName)}`
      : disposition,
    "x-content-type-options": "nosniff",
    "content-security-policy": "sandbox; default-src 'none'",
  };
}

/** The 200 answer serving `file`, with {@link fileHeaders} and a Content-Length only where it is certain. */
export function fileResponse(file: FileResponse): Response {
  const headers = fileHeaders(file);
  // A wrong length truncates the download or hangs it: declare only what is known for sure.
  const size = file.body instanceof Uint8Array ? file.body.byteLength : file.size;
  if (size !== undefined && Number.isSafeInteger(size) && size >= 0) headers["content-length"] = String(size);
  return new Response(file.body as ConstructorParameters<typeof Response>[0], { status: 200, headers });
}
