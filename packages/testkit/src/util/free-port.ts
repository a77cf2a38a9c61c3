/**
 * @module util/free-port — a loopback TCP port nobody listens on right now, that the kernel will not
 * hand out by itself before the caller binds it.
 *
 * Asking the kernel for port 0 answers an ephemeral port, and once closed, that port goes back to
 * the pool the kernel takes from for every outgoing connection's local port and every other
 * `listen(0)`: a gateway started on it a moment later could find it taken (EADDRINUSE in a CI run,
 * with fakes, databases and clients opening connections meanwhile). So ports come from below the
 * ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range` on Linux), picked at random, checked by
 * binding, and never handed out twice by one process.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** The lowest port handed out (above the well-known and most registered service ports). */
const LOWEST = 10_000;
/** How many random ports are tried before falling back to the kernel's choice. */
const ATTEMPTS = 50;

/** Ports this process handed out already. */
const handedOut = new Set<number>();

/** A free port on `host` (127.0.0.1 by default), outside the kernel's ephemeral range. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const highest = ephemeralLow() - 1;
  for (let attempt = 0; attempt < ATTEMPTS && highest > LOWEST; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
    if (handedOut.has(port)) continue;
    if ((await bindOnce(host, port)) !== undefined) {
      handedOut.add(port);
      return port;
    }
  }
  const port = await bindOnce(host, 0);
  if (port === undefined) throw new Error(`no free port on ${host}`);
  handedOut.add(port);
  return port;
}

/** The first port of the kernel's ephemeral range (32768, Linux's default, where it cannot be read). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** Binds `port` (0: any) and closes it again; the port bound, or undefined when it was taken. */
function bindOnce(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(undefined));
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}
