import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FetchError } from "../errors.js";
import { isPrivateAddress } from "./address-policy.js";
import { safeFetch } from "./safe-fetch.js";

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/file") return res.end(Buffer.alloc(1000, 7));
    if (req.url === "/redirect") return res.writeHead(302, { location: "/file" }).end();
    if (req.url === "/big") {
      res.writeHead(200);
      res.write(Buffer.alloc(600));
      return res.end(Buffer.alloc(600));
    }
    if (req.url === "/down") return res.writeHead(503).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

describe("safeFetch", () => {
  it("refuses loopback, private and link-local addresses unless allowed", async () => {
    for (const uri of [
      `${base}/file`,
      "http://10.1.2.3/x",
      "http://[::1]/x",
      "http://169.254.169.254/latest/meta-data",
    ]) {
      const error = await failure(safeFetch(uri));
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(/private address/);
    }
    // A name that resolves to loopback is refused at connect time, too.
    expect((await failure(safeFetch(`http://localhost:${new URL(base).port}/file`))).message).toMatch(
      /private address/,
    );
  });

  it("downloads, follows redirects, and enforces the size limit when allowed on loopback", async () => {
    const ok = await safeFetch(`${base}/redirect`, { allowPrivate: true });
    expect(ok.data).toEqual(Buffer.alloc(1000, 7));
    const big = await failure(safeFetch(`${base}/big`, { allowPrivate: true, maxBytes: 1000 }));
    expect(big.message).toMatch(/larger than 1000 bytes/);
    expect(big.retryable).toBe(false);
  });

  it("says whether a retry can help", async () => {
    expect((await failure(safeFetch(`${base}/down`, { allowPrivate: true }))).retryable).toBe(true);
    expect((await failure(safeFetch(`${base}/missing`, { allowPrivate: true }))).retryable).toBe(false);
    expect((await failure(safeFetch("ftp://example.org/x"))).retryable).toBe(false);
  });

  it("classifies addresses", () => {
    expect(isPrivateAddress("192.168.1.1")).toBe(true);
    expect(isPrivateAddress("::ffff:127.0.0.1")).toBe(true);
    expect(isPrivateAddress("fd00::1")).toBe(true);
    expect(isPrivateAddress("93.184.216.34")).toBe(false);
    expect(isPrivateAddress("2606:4700::1111")).toBe(false);
  });
});
