/**
 * Test fixture: the fake Bitrix24 on loopback, an install handler that parses ONAPPINSTALL with our
 * own event parser, an in-memory token store that records what it was asked to persist, and the
 * REST client and token keeper wired to them on one manual clock.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startFakeBitrix24, type FakeBitrix24, type FakeBitrix24Options, type FakePortal } from "@switchboard/testkit";
import { parseEvent, type Bitrix24Event, type InstallEvent, type UnsupportedEvent } from "../events/index.js";
import type { IssuedTokens } from "../oauth/token-endpoint.js";
import { PortalTokens, type PortalTokenStore, type StoredPortalTokens } from "../oauth/portal-tokens.js";
import { Bitrix24RestClient } from "../rest/rest-client.js";
import { PortalRateLimiter } from "../rest/portal-rate-limiter.js";
import { manualTimers, type ManualTimers } from "../time/timers.js";

/** Tokens in memory, with a record of every write. */
export class MemoryTokenStore implements PortalTokenStore {
  readonly rows = new Map<string, StoredPortalTokens>();
  readonly saved: { memberId: string; tokens: IssuedTokens }[] = [];
  readonly marked: { memberId: string; reason: string }[] = [];
  /** Makes the next saveRotated fail (a database error). */
  failNextSave = false;

  load(memberId: string) {
    const row = this.rows.get(memberId);
    return row ? { ...row } : undefined;
  }
  async saveRotated(memberId: string, tokens: IssuedTokens) {
    // Persisting takes a moment, as a real transaction does: concurrent callers must still share one refresh.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failNextSave) {
      this.failNextSave = false;
      throw new Error("database is locked");
    }
    this.saved.push({ memberId, tokens });
    const row = this.rows.get(memberId)!;
    this.rows.set(memberId, {
      ...row,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.expiresAt,
    });
  }
  markNeedsReauthorisation(memberId: string, reason: string) {
    this.marked.push({ memberId, reason });
    const row = this.rows.get(memberId);
    if (row) this.rows.set(memberId, { ...row, needsReauthorisation: true });
  }
}

/** A loopback handler for the app's events that keeps every event it parsed. */
export async function startInstallHandler(): Promise<{
  url: string;
  installs: InstallEvent[];
  events: (Bitrix24Event | UnsupportedEvent)[];
  /** Bodies our parser refused, with why. */
  refused: { body: string; error: string }[];
  close(): Promise<void>;
}> {
  const installs: InstallEvent[] = [];
  const events: (Bitrix24Event | UnsupportedEvent)[] = [];
  const refused: { body: string; error: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      try {
        const event = parseEvent(body);
        events.push(event);
        if (event.event === "ONAPPINSTALL") installs.push(event);
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      } catch (error) {
        refused.push({ body, error: String(error) });
        res.writeHead(400, { "content-type": "text/plain" }).end("bad event");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bitrix24/install`,
    installs,
    events,
    refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Everything a test of the client needs. */
export interface PortalFixture {
  fake: FakeBitrix24;
  timers: ManualTimers;
  store: MemoryTokenStore;
  tokens: PortalTokens;
  limiter: PortalRateLimiter;
  client: Bitrix24RestClient;
  /** The app's event handler URL and what it received, parsed with our parser. */
  handler: Awaited<ReturnType<typeof startInstallHandler>>;
  /** Installs the app on a portal (the fake's first one by default) and stores its tokens from the event. */
  install(portal?: FakePortal): Promise<InstallEvent>;
  close(): Promise<void>;
}

/** Starts the fake and the client; `rate` is our limiter's, `fake` the fake's own options. */
export async function startPortalFixture(
  options: { rate?: { ratePerSecond: number; burst: number }; fake?: FakeBitrix24Options } = {},
): Promise<PortalFixture> {
  const timers = manualTimers(Date.parse("2026-12-01T12:00:00Z"));
  const fake = await startFakeBitrix24({ clock: timers.now, ...options.fake });
  const handler = await startInstallHandler();
  const store = new MemoryTokenStore();
  const client = {
    oauthUrl: fake.url,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    deadlineMs: 5_000,
    allowPrivate: true,
  };
  const tokens = new PortalTokens({ client, store, now: timers.now });
  const limiter = new PortalRateLimiter({ ...(options.rate ?? { ratePerSecond: 2, burst: 50 }), timers });
  const rest = new Bitrix24RestClient({ credentials: tokens, limiter, timers, allowPrivate: true, deadlineMs: 5_000 });
  return {
    fake,
    timers,
    store,
    tokens,
    limiter,
    client: rest,
    handler,
    async install(portal = fake.portal) {
      const before = handler.installs.length;
      await portal.install({ install: handler.url });
      const event = handler.installs[before];
      if (!event) throw new Error("the install event did not arrive");
      store.rows.set(event.auth.member_id, {
        memberId: event.auth.member_id,
        clientEndpoint: event.auth.client_endpoint,
        accessToken: event.auth.access_token,
        refreshToken: event.auth.refresh_token,
      });
      tokens.forget(event.auth.member_id);
      return event;
    },
    async close() {
      await fake.close();
      await handler.close();
    },
  };
}
