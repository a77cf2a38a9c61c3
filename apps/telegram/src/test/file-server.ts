/**
 * A loopback HTTP server serving attachment bytes to the gateway, as a CRM file store would.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A running file server: `put` bytes under a name, get a URL back. */
export interface FileServer {
  put(name: string, bytes: Uint8Array, contentType?: string, options?: { delayMs?: number }): string;
  /** How many times each path was downloaded. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/** Starts the file server. */
export async function startFileServer(): Promise<FileServer> {
  const files = new Map<string, { bytes: Uint8Array; type: string; delayMs: number }>();
  const hits = new Map<string, number>();
  // Plain node:http: the app has no server adapter dependency of its own.
  const server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? "").replace(/^\/files\//, ""));
    hits.set(name, (hits.get(name) ?? 0) + 1);
    const file = files.get(name);
    if (!file) return void res.writeHead(404).end("missing");
    // A slow download keeps a send busy (e.g. past its queue lease).
    setTimeout(
      () => res.writeHead(200, { "content-type": file.type, "content-length": file.bytes.length }).end(file.bytes),
      file.delayMs,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/`;
  return {
    put(name, bytes, type = "application/octet-stream", options = {}) {
      files.set(name, { bytes, type, delayMs: options.delayMs ?? 0 });
      return base + encodeURIComponent(name);
    },
    hits,
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
