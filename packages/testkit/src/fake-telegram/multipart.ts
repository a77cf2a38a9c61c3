/**
 * @module fake-telegram/multipart — a lenient multipart/form-data reader. grammY writes headers as
 * `content-disposition:form-data;name="x";filename=a b.pdf` (no spaces, unquoted filename), which
 * undici's `formData()` refuses, while the real Bot API accepts it.
 */

/** One part of a multipart body. */
export interface MultipartPart {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
  data: Buffer;
}

/** Splits a multipart body into its parts; throws on a body that is not multipart at all. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(delimiter);
  if (start < 0) throw new Error("multipart boundary not found");
  for (;;) {
    start += delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new Error("multipart body is truncated");
    // Each part sits between "\r\n" after the delimiter and "\r\n" before the next one.
    const chunk = body.subarray(skipNewline(body, start), next - 2);
    const headerEnd = chunk.indexOf("\r\n\r\n");
    if (headerEnd < 0) throw new Error("multipart part without headers");
    const headers = parseHeaders(chunk.subarray(0, headerEnd).toString("utf8"));
    const disposition = headers["content-disposition"] ?? "";
    const name = /name="([^"]*)"/.exec(disposition)?.[1] ?? /name=([^;]*)/.exec(disposition)?.[1];
    if (name === undefined) throw new Error("multipart part without a name");
    parts.push({
      name,
      filename: readFilename(disposition),
      contentType: headers["content-type"],
      data: Buffer.from(chunk.subarray(headerEnd + 4)),
    });
    start = next;
  }
  return parts;
}

function skipNewline(body: Buffer, at: number): number {
  return body[at] === 13 && body[at + 1] === 10 ? at + 2 : at;
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function readFilename(disposition: string): string | undefined {
  const quoted = /filename="([^"]*)"/.exec(disposition);
  if (quoted) return quoted[1];
  // Unquoted (grammY): everything up to the end of the header.
  return /filename=(.*)$/.exec(disposition)?.[1]?.trim();
}
