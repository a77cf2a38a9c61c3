import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FetchError } from "../errors.js";
import { sendJson } from "./post-json.js";

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.url === "/trickle") {
      // Headers at once, then a byte every 100 ms: an idle timeout never fires.
      res.writeHead(200);
      const timer = setInterval(() => res.write(" "), 100);
      res.on("close", () => clearInterval(timer));
      return;
    }
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("sendJson (the CRM outbox's request)", () => {
  it("answers the status", async () => {
    expect(await sendJson(`${base}/ok`, "PUT", "{}", { timeoutMs: 2000, allowPrivate: true })).toBe(204);
  });

  it("fails a CRM answer that trickles past the total deadline as a retryable error", async () => {
    const error = await sendJson(`${base}/trickle`, "PUT", "{}", { timeoutMs: 400, allowPrivate: true }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).retryable).toBe(true);
    expect((error as FetchError).message).toMatch(/did not complete within 400 ms/);
  });

  it("goes through the address policy", async () => {
    const error = await sendJson(`${base}/ok`, "PUT", "{}", { timeoutMs: 2000, allowPrivate: false }).catch(
      (e: unknown) => e,
    );
    expect((error as FetchError).message).toMatch(/private address/);
  });
});
