/**
 * @module crm-simulator/listener — serves a Hono app on loopback and can stop and resume on the same port.
 */
import { createServer, type Server } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";

/** An HTTP server around a Hono app whose port survives stop/resume (for outage tests). */
export class Listener {
  private readonly server: Server;
  private port = 0;
  private listening = false;

  constructor(
    app: Hono,
    private readonly host: string,
  ) {
    this.server = createServer(getRequestListener(app.fetch));
  }

  /** Starts listening (port 0 picks a free one); resolves with the actual port. */
  async listen(port = this.port): Promise<number> {
    if (this.listening) return this.port;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once("error", onError);
      this.server.listen(port, this.host, () => {
        this.server.off("error", onError);
        resolve();
      });
    });
    const address = this.server.address();
    this.port = typeof address === "object" && address ? address.port : port;
    this.listening = true;
    return this.port;
  }

  /** Stops accepting connections and drops open ones, so callers see "connection refused". */
  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Whether the server is accepting connections. */
  get isListening(): boolean {
    return this.listening;
  }
}
