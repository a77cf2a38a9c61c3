/**
 * A tiny HTTP server standing in for the CRM's file storage: `/<bytes>/<name>` answers HEAD/GET
 * with a body of that many bytes, so MMS size limits can be tested.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A running file server. */
export interface FileServer {
  /** A URI serving `bytes` bytes. */
  uri(bytes: number, name: string): string;
  /** Paths requested, with their method. */
  requests: string[];
  close(): Promise<void>;
}

/** Starts the file server on 127.0.0.1. */
export async function startFileServer(): Promise<FileServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const bytes = Number(req.url?.split("/")[1]);
    if (!Number.isSafeInteger(bytes)) return void res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": "image/png", "Content-Length": String(bytes) });
    res.end(req.method === "HEAD" ? undefined : Buffer.alloc(bytes));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    uri: (bytes, name) => `${base}/${bytes}/${name}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
