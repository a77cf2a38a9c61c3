/**
 * A loopback proxy in front of the fake Bot API that can hold back Telegram's answer to one call,
 * so a test can make API answers arrive in the order it needs.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One held answer: `arrived` once Telegram has answered the call, which the gateway sees on `release()`. */
export interface HeldAnswer {
  arrived: Promise<void>;
  release(): void;
}

/** A running proxy. */
export interface HoldingProxy {
  /** API root to give the gateway instead of the fake's. */
  url: string;
  /** Holds the answer to the next call of `method`. */
  holdNextAnswer(method: string): HeldAnswer;
  /** How many calls of `method` were answered to the gateway. */
  answered(method: string): number;
  close(): Promise<void>;
}

/** Starts a proxy forwarding everything to `target` (an API root without a trailing slash). */
export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const holds = new Map<string, { arrived: () => void; released: Promise<void> }>();
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const method = (req.url ?? "").split("?")[0]!.split("/").at(-1)!;
        const hold = holds.get(method);
        holds.delete(method);
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(([k]) => !["host", "content-length", "connection"].includes(k)),
        ) as Record<string, string>;
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        const answer = await fetch(target + (req.url ?? ""), {
          method: req.method ?? "GET",
          headers,
          ...(body ? { body } : {}),
        });
        const bytes = Buffer.from(await answer.arrayBuffer());
        if (hold) {
          hold.arrived();
          await hold.released;
        }
        counts.set(method, (counts.get(method) ?? 0) + 1);
        res
          .writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" })
          .end(bytes);
      })().catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    holdNextAnswer(method) {
      let arrived!: () => void;
      let release!: () => void;
      const arrivedPromise = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(method, { arrived, released });
      return { arrived: arrivedPromise, release };
    },
    answered: (method) => counts.get(method) ?? 0,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
