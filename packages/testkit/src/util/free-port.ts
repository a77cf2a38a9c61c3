/**
 * @module util/free-port — a loopback TCP port nobody listens on right now.
 */
import { createServer } from "node:net";

/** Asks the OS for a free port on 127.0.0.1 (bind to 0, read it, close). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
