/**
 * @module util/file-server — a loopback HTTP server standing in for the CRM's file storage, where a
 * gateway downloads the attachments of outgoing messages.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A running {@link startFileServer}. */
export interface FileServer {
  /** Serves `bytes` under `name` (after `delayMs`, to keep a send busy); returns its URL. */
  put(name: string, bytes: Uint8Array, contentType?: string, options?: { delayMs?: number }): string;
  /** A URL serving `size` zero bytes; HEAD answers the length alone (size limits without the bytes). */
  sized(size: number, name: string, contentType?: string): string;
  /** How many times each `put` name was downloaded. */
  hits: Map<string, number>;
  /** Every request, as `METHOD /path`. */
  requests: string[];
  close(): Promise<void>;
}

/** Starts the file server on a free loopback port. */
export async function startFileServer(): Promise<FileServer> {
  const files = new Map<string, { bytes: Uint8Array; type: string; delayMs: number }>();
  const hits = new Map<string, number>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    requests.push(`${req.method} ${url}`);
    const sized = /^\/sized\/(\d+)\/([^/?]*)(?:\?type=([^&]+))?$/.exec(url);
    if (sized) {
      const type = sized[3] ? decodeURIComponent(sized[3]) : "image/png";
      res.writeHead(200, { "content-type": type, "content-length": sized[1] });
      return void res.end(req.method === "HEAD" ? undefined : Buffer.alloc(Number(sized[1])));
    }
    const name = decodeURIComponent(url.replace(/^\/files\//, ""));
    hits.set(name, (hits.get(name) ?? 0) + 1);
    const file = files.get(name);
    if (!file) return void res.writeHead(404).end("missing");
    setTimeout(
      () => res.writeHead(200, { "content-type": file.type, "content-length": file.bytes.length }).end(file.bytes),
      file.delayMs,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    put(name, bytes, type = "application/octet-stream", options = {}) {
      files.set(name, { bytes, type, delayMs: options.delayMs ?? 0 });
      return `${base}/files/${encodeURIComponent(name)}`;
    },
    sized: (size, name, type) =>
      `${base}/sized/${size}/${encodeURIComponent(name)}${type ? `?type=${encodeURIComponent(type)}` : ""}`,
    hits,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Deterministic pseudo-random bytes (so byte-for-byte comparisons mean something). */
export function bytesOf(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >> 16;
  }
  return out;
}
