/**
 * @module customers/uploaded-file — a file a person picked in a browser form.
 */

/** Bytes with the name and type the browser gave. */
export interface UploadedFile {
  name: string;
  contentType: string;
  bytes: Buffer;
}

/** Reads a `File` from a multipart form; undefined when none (or an empty one) was chosen. */
export async function readUpload(value: unknown): Promise<UploadedFile | undefined> {
  if (!(value instanceof File) || value.size === 0) return undefined;
  return {
    name: safeFileName(value.name),
    contentType: value.type || "application/octet-stream",
    bytes: Buffer.from(await value.arrayBuffer()),
  };
}

/** A file name without folders or control characters, never empty. */
export function safeFileName(name: string): string {
  const clean = name
    .replace(/^.*[\\/]/, "")
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go.
    .replace(/[\u0000-\u001f\u007f"]/g, "")
    .trim()
    .slice(0, 120);
  return clean || "file";
}
