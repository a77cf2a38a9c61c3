/**
 * @module fake-bitrix24/served-files — operator attachments the fake portal serves at
 * `/files/<id>/<name>` (the `link` of `files[]` in `ONIMCONNECTORMESSAGEADD`), counted per download.
 */
import type { FakeBitrix24State, ServedFile } from "./fake-state.js";

/** An operator's attachment to serve. */
export interface OperatorFile {
  name: string;
  bytes: Uint8Array;
  /** Default `application/octet-stream`. */
  contentType?: string;
  /** For images: sent as `width`/`height`. */
  width?: number;
  height?: number;
}

/** Stores a file and returns its record and public URL. */
export function serveFile(state: FakeBitrix24State, baseUrl: string, file: OperatorFile): ServedFile & { url: string } {
  const id = state.secret(12);
  const served: ServedFile = {
    id,
    name: file.name,
    contentType: file.contentType ?? "application/octet-stream",
    bytes: file.bytes,
    downloads: 0,
  };
  state.files.set(id, served);
  return Object.assign(served, { url: `${baseUrl}/files/${id}/${encodeURIComponent(file.name)}` });
}

/** The download answer for `/files/:id/:name`: the bytes as an attachment, or 404. */
export function fileResponse(state: FakeBitrix24State, id: string): Response {
  const file = state.files.get(id);
  if (!file) return new Response("Not found", { status: 404 });
  file.downloads += 1;
  return new Response(Buffer.from(file.bytes), {
    status: 200,
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.bytes.length),
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "X-Content-Type-Options": "nosniff",
    },
  });
}
