/**
 * @module fake-bitrix24/test/app-receiver — a loopback HTTP server standing in for our app's handler
 * URLs in the fake's own tests: it records what the fake posts and answers as told.
 */
import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { parseBracketForm, type FormObject } from "../form-codec.js";

/** One request the receiver got. */
export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: string;
  form: FormObject;
}

/** A running receiver. */
export interface AppReceiver {
  url: string;
  received: Received[];
  /** What to answer next (default 200 "ok"). */
  answer: { status: number; body: string; contentType: string };
  close(): Promise<void>;
}

/** Starts a receiver on a free loopback port. */
export async function startAppReceiver(): Promise<AppReceiver> {
  const received: Received[] = [];
  const answer = { status: 200, body: "ok", contentType: "text/plain" };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://x");
      received.push({
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        raw,
        form: parseBracketForm(raw),
      });
      res.writeHead(answer.status, { "content-type": answer.contentType }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answer,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A plain HTTP POST from a chosen local address (to prove the rate bucket is per source IP). */
export function postFrom(
  localAddress: string,
  url: string,
  body: string,
  contentType = "application/json",
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        localAddress,
        headers: { "content-type": contentType, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
