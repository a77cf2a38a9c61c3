/**
 * @module conformance/test/echo-provider — a tiny messaging "provider" API for the echo gateway:
 * accounts by API key, a send endpoint with scripted failures, and a webhook it delivers customer messages to.
 */
import { createHmac } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

interface Account {
  accepted: string[];
  webhook?: string;
}

/** A customer message as the provider posts it to an account's webhook. */
export interface EchoEvent {
  id: string;
  from: string;
  text: string;
}

/** The signature header the provider puts on each webhook request: HMAC-SHA256 of the body under the API key. */
export const ECHO_SIGNATURE_HEADER = "x-echo-signature";

/** The signature of a webhook body for an account. */
export function echoSignature(apiKey: string, body: string): string {
  return createHmac("sha256", apiKey).update(body).digest("hex");
}

/** A running fake provider. */
export interface EchoProvider {
  url: string;
  /** Texts accepted for an API key, in order. */
  accepted(apiKey: string): string[];
  /** Refuses the next send: 400 (permanent) or 503 (transient). */
  failNextSend(kind: "permanent" | "transient"): void;
  /** Posts a customer message to the account's webhook, as a real provider would. */
  deliver(apiKey: string, from: string, text: string): Promise<void>;
  /** Posts this event to the account's webhook, signed with `signingKey` (default its own key; `null`: unsigned). */
  post(apiKey: string, event: EchoEvent, signingKey?: string | null): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the provider with these API keys. */
export async function startEchoProvider(apiKeys: string[]): Promise<EchoProvider> {
  const accounts = new Map<string, Account>(apiKeys.map((k) => [k, { accepted: [] }]));
  let failNext: "permanent" | "transient" | undefined;
  let seq = 0;
  const app = new Hono();
  const account = (auth: string | undefined) => accounts.get((auth ?? "").replace(/^Bearer /, ""));

  app.post("/send", async (c) => {
    const acc = account(c.req.header("authorization"));
    if (!acc) return c.json({ error: "unknown api key" }, 401);
    const { to, text } = await c.req.json<{ to: string; text: string }>();
    const failure = failNext;
    failNext = undefined;
    if (failure === "permanent") return c.json({ error: `recipient ${to} blocked us` }, 400);
    if (failure === "transient") return c.json({ error: "try again later" }, 503);
    acc.accepted.push(text);
    return c.json({ id: `echo-${++seq}` });
  });

  app.put("/webhook", async (c) => {
    const acc = account(c.req.header("authorization"));
    if (!acc) return c.json({ error: "unknown api key" }, 401);
    acc.webhook = (await c.req.json<{ url: string }>()).url;
    return c.json({ ok: true });
  });

  const post: EchoProvider["post"] = (apiKey, event, signingKey = apiKey) => {
    const webhook = accounts.get(apiKey)?.webhook;
    if (!webhook) throw new Error(`echo provider: no webhook set for ${apiKey}`);
    const body = JSON.stringify(event);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (signingKey !== null) headers[ECHO_SIGNATURE_HEADER] = echoSignature(signingKey, body);
    return fetch(webhook, { method: "POST", headers, body });
  };

  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    accepted: (apiKey) => accounts.get(apiKey)?.accepted ?? [],
    failNextSend: (kind) => (failNext = kind),
    post,
    async deliver(apiKey, from, text) {
      const res = await post(apiKey, { id: `in-${++seq}`, from, text });
      if (!res.ok) throw new Error(`echo provider: webhook answered ${res.status}: ${await res.text()}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
