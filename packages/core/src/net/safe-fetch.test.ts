import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FetchError } from "../errors.js";
import { isPrivateAddress } from "./address-policy.js";
import { ByteBudget } from "./byte-budget.js";
import { safeFetch, safeHead, safeStream } from "./safe-fetch.js";

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
    if (req.url === "/sized") return res.writeHead(200, { "content-length": 4321, "content-type": "image/png" }).end();
    if (req.url === "/trickle") {
      // One byte every 100 ms: never idle for long, never done.
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const timer = setInterval(() => res.write("x"), 100);
      res.on("close", () => clearInterval(timer));
      return;
    }
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

  it("refuses v4-mapped IPv6 spellings of private addresses, which URL parsing rewrites to hex", async () => {
    const port = new URL(base).port;
    for (const uri of [`http://[::ffff:127.0.0.1]:${port}/file`, `http://[::ffff:7f00:1]:${port}/file`]) {
      const error = await failure(safeFetch(uri));
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(/private address/);
    }
    expect((await failure(safeHead(`http://[::ffff:a00:1]:${port}/sized`))).message).toMatch(/private address/);
  });

  it("checks the address a name resolves to, with any resolver", async () => {
    const resolve = () => Promise.resolve([{ address: "127.0.0.1", family: 4 }]);
    const error = await failure(safeFetch(`http://cdn.example:${new URL(base).port}/file`, { resolve }));
    expect(error.message).toMatch(/resolves to a private address/);
    expect(error.retryable).toBe(false);
  });

  it("sizes a file with HEAD and streams a download", async () => {
    expect(await safeHead(`${base}/sized`, { allowPrivate: true })).toEqual({ size: 4321, contentType: "image/png" });
    const stream = await safeStream(`${base}/redirect`, { allowPrivate: true });
    const chunks: Buffer[] = [];
    for await (const chunk of stream.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(Buffer.alloc(1000, 7));
    const big = await safeStream(`${base}/big`, { allowPrivate: true, maxBytes: 1000 });
    await expect(async () => {
      for await (const chunk of big.body) void chunk;
    }).rejects.toThrow(/larger than 1000 bytes/);
  });

  it("ends a download that trickles past its total deadline with a retryable error", async () => {
    const error = await failure(safeFetch(`${base}/trickle`, { allowPrivate: true, timeoutMs: 500 }));
    expect(error.message).toMatch(/did not complete within 500 ms/);
    expect(error.retryable).toBe(true);
    const stream = await safeStream(`${base}/trickle`, { allowPrivate: true, timeoutMs: 500 });
    const streamed = await (async () => {
      for await (const chunk of stream.body) void chunk;
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(streamed).toBeInstanceOf(FetchError);
    expect((streamed as FetchError).retryable).toBe(true);
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
    expect(isPrivateAddress("::ffff:7f00:1")).toBe(true);
    expect(isPrivateAddress("::ffff:5db8:d822")).toBe(false);
    expect(isPrivateAddress("64:ff9b::a00:1")).toBe(true);
    expect(isPrivateAddress("2002:c0a8:101::1")).toBe(true);
    expect(isPrivateAddress("::127.0.0.1")).toBe(true);
  });

  it("lets downloads wait for a budget of bytes, first come first served", async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    await budget.take(60);
    const big = budget.take(80).then(() => order.push("big"));
    const small = budget.take(10).then(() => order.push("small"));
    expect(budget.inUse).toBe(60);
    budget.give(60);
    await Promise.all([big, small]);
    expect(order).toEqual(["big", "small"]);
    expect(budget.inUse).toBe(90);
    budget.give(90);
    // One request larger than the whole budget still goes through alone.
    await budget.take(500);
    expect(budget.inUse).toBe(500);
  });
});
