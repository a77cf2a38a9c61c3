/**
 * @module util/misbehaving-file-server — an attachment host that misbehaves the way real ones do:
 * `/trickle…` sends one byte every 100 ms and never ends (never idle long enough for an idle
 * timeout), `/cut…` declares 2 MiB, sends half and breaks the connection. Anything else is 404.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A running {@link startMisbehavingFileServer}. */
export interface MisbehavingFileServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  base: string;
  /** How often each path was requested. */
  requests: Map<string, number>;
  close(): Promise<void>;
}

/** Starts the server on a free loopback port. */
export async function startMisbehavingFileServer(): Promise<MisbehavingFileServer> {
  const requests = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    requests.set(path, (requests.get(path) ?? 0) + 1);
    if (path.startsWith("/trickle")) {
      res.writeHead(200, { "content-type": "application/pdf" });
      const timer = setInterval(() => res.write("x"), 100);
      res.on("close", () => clearInterval(timer));
      return;
    }
    if (path.startsWith("/cut")) {
      res.writeHead(200, { "content-type": "application/pdf", "content-length": 2 * 1024 * 1024 });
      res.write(Buffer.alloc(1024 * 1024, 1), () => res.destroy());
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
