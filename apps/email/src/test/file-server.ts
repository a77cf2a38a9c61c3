/**
 * @module test/file-server — a loopback HTTP server standing in for the CRM's file storage.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A served file. */
export interface ServedFile {
  body: Buffer;
  contentType?: string;
}

/** A running file server: `url(path)` is where `files[path]` is served. */
export interface FileServer {
  url(path: string): string;
  close(): Promise<void>;
}

/** Serves `files` by path; anything else answers 404. */
export async function startFileServer(files: Record<string, ServedFile>): Promise<FileServer> {
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://x").pathname];
    if (!file) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, file.contentType ? { "content-type": file.contentType } : {}).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
