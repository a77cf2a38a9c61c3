import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FetchError } from "../errors.js";
import { configureOutbound, outboundPolicy } from "./outbound-policy.js";
import { safeFetch } from "./safe-fetch.js";

const SMALL = 1024 * 1024;
/** Far more than loopback socket buffers hold: the server finishes writing it only once it is read. */
const LARGE = 32 * 1024 * 1024;
let server: Server;
let base: string;
let largeSent: () => void;
const largeWasSent = new Promise<void>((resolve) => (largeSent = resolve));

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/small") {
      // Half now; the rest only once the large answer was read by the client.
      res.writeHead(200, { "content-length": SMALL });
      res.write(Buffer.alloc(SMALL / 2, 1));
      void largeWasSent.then(() => res.end(Buffer.alloc(SMALL / 2, 1)));
      return;
    }
    res.writeHead(200, { "content-length": LARGE });
    res.on("finish", () => largeSent());
    res.end(Buffer.alloc(LARGE, 2));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  configureOutbound({ allowPrivate: false, downloadDeadlineMs: 30_000, downloadBudgetBytes: 64 * 1024 * 1024 });
  return new Promise<void>((r) => server.close(() => r()));
});

describe("the process's download budget", () => {
  it("leaves a download unread while others hold the budget", async () => {
    configureOutbound({ allowPrivate: true, downloadDeadlineMs: 2000, downloadBudgetBytes: SMALL });
    const small = safeFetch(`${base}/small`).catch((e: unknown) => e);
    // The small download holds the whole budget once its headers are in.
    await new Promise<void>((resolve) => {
      const check = () => (outboundPolicy().downloadBudget.inUse > 0 ? resolve() : setImmediate(check));
      check();
    });
    const large = safeFetch(`${base}/large`, { timeoutMs: 10_000 });
    // The large answer is not read while the budget is spent, so the small one's second half never
    // comes and it ends at its deadline; only then is the large one read, whole.
    const smallOutcome = await small;
    expect(smallOutcome).toBeInstanceOf(FetchError);
    expect((smallOutcome as FetchError).message).toMatch(/did not complete within 2000 ms/);
    expect((await large).data.length).toBe(LARGE);
    expect(outboundPolicy().downloadBudget.inUse).toBe(0);
  });
});
