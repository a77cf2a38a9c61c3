import { serve, type ServerType } from "@hono/node-server";
import { postChunkedFlood } from "@switchboard/testkit";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BodyTooLargeError, readBoundedBody } from "./bounded-body.js";

const LIMIT = 64 * 1024;
let server: ServerType;
let base: string;
const app = new Hono();
app.post("/echo-size", async (c) => c.json({ size: (await readBoundedBody(c, LIMIT)).length }));
app.onError((error, c) => {
  if (error instanceof BodyTooLargeError) return c.json(error.toJSON(), 413);
  return c.json({ code: 500, message: error.message }, 500);
});

beforeAll(async () => {
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("readBoundedBody", () => {
  it("reads a body up to the limit, chunked or with a length", async () => {
    const sized = await fetch(`${base}/echo-size`, { method: "POST", body: "x".repeat(LIMIT) });
    expect(await sized.json()).toEqual({ size: LIMIT });
    const chunked = await postChunkedFlood(`${base}/echo-size`, { totalBytes: LIMIT, chunkBytes: 1000 });
    expect(chunked.body).toEqual({ size: LIMIT });
  });

  it("refuses a declared length over the limit before reading, and a chunked one as it passes the limit", async () => {
    const sized = await fetch(`${base}/echo-size`, { method: "POST", body: "x".repeat(LIMIT + 1) });
    expect(sized.status).toBe(413);
    expect(await sized.json()).toEqual({ code: 413, message: `Request body is larger than ${LIMIT} bytes` });
    const flood = await postChunkedFlood(`${base}/echo-size`, { totalBytes: 100 * 1024 * 1024 });
    expect(flood.status).toBe(413);
    expect(flood.bytesSentBeforeAnswer).toBeLessThan(25 * 1024 * 1024);
  });

  it("lets a client that keeps sending read its 413, then still serves the connection", async () => {
    // fetch keeps uploading the whole body after the answer; the rest is drained, not reset.
    const chunk = new Uint8Array(1024 * 1024).fill(1);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${base}/echo-size`, { method: "POST", body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ code: 413, message: `Request body is larger than ${LIMIT} bytes` });
    expect((await fetch(`${base}/echo-size`, { method: "POST", body: "ok" })).status).toBe(200);
  });

  it("bounds a body read without the Node socket too (app.request in tests)", async () => {
    const res = await app.request("/echo-size", { method: "POST", body: "y".repeat(LIMIT + 10) });
    expect(res.status).toBe(413);
    expect((await app.request("/echo-size", { method: "POST", body: "y" })).status).toBe(200);
  });
});
