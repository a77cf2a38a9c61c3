/**
 * @module web/listen — serves a Hono app on loopback; a busy port is a readable error.
 */
import { createAdaptorServer } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Hono } from "hono";

/** A listening server. */
export interface Listening {
  port: number;
  /** Stops listening and drops open connections (live streams included). */
  close(): Promise<void>;
}

/** Listens on `127.0.0.1:<port>` (0: a free port). */
export async function listen(app: Hono, port: number, what: string): Promise<Listening> {
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`Port ${port} is in use: set ${what} to another port`) : error),
    );
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
