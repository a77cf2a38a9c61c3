import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headContentLength } from "./media-size.js";

let server: Server;
let port: number;
const seen: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === "/to-loopback") return res.writeHead(302, { location: `http://127.0.0.1:${port}/img` }).end();
    res.writeHead(200, { "content-length": 6_000_000, "content-type": "image/png" }).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("sizing MMS media with HEAD", () => {
  it("learns the size when private addresses are allowed (tests, fakes)", async () => {
    expect(await headContentLength(`http://127.0.0.1:${port}/to-loopback`, { allowPrivate: true })).toBe(6_000_000);
    expect(seen).toContain("HEAD /img");
  });

  it("never reaches a private address otherwise: not by a v4-mapped IPv6 literal, a name or a redirect", async () => {
    seen.length = 0;
    const toLoopback = () => Promise.resolve([{ address: "127.0.0.1", family: 4 }]);
    for (const uri of [
      `http://[::ffff:127.0.0.1]:${port}/img`,
      `http://[::ffff:7f00:1]:${port}/img`,
      `http://cdn.example:${port}/img`,
      `http://cdn.example:${port}/to-loopback`,
    ]) {
      expect(await headContentLength(uri, { allowPrivate: false, resolve: toLoopback })).toBeUndefined();
    }
    expect(seen).toEqual([]);
  });
});
