/**
 * @module test/app-player — our Bitrix24 app played by a test over plain HTTP, for the Bitrix24
 * view's tests that run without the gateway's host: REST calls with the install's token, and a
 * loopback server for the handler URLs that records each POST and answers the settings placement
 * with a small page of the app's shape (a form posting to its own absolute URL, the app's policy).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeBitrix24 } from "@switchboard/testkit/bitrix24";

/** One POST the app's handlers received. */
export interface AppPost {
  path: string;
  body: URLSearchParams;
  raw: string;
}

/** The played app. */
export interface AppPlayer {
  /** Base URL of its handlers (trailing slash). */
  url: string;
  connector: string;
  posts: AppPost[];
  /** The policy its settings page is served with (framing only by a portal elsewhere). */
  policy: string;
  /** Installs on the fake's portal, registers the connector, activates it on `line`. */
  connect(line: number): Promise<void>;
  /** Binds an event to the handlers' `bitrix24/events`. */
  bind(event: string): Promise<void>;
  /** A REST call with the install's token; throws on an error answer. */
  rest(method: string, params: Record<string, unknown>): Promise<unknown>;
  /** The install's access token (tests check it never shows). */
  readonly accessToken: string;
  close(): Promise<void>;
}

/** Starts the app's handler server on loopback. */
export async function startAppPlayer(fake: FakeBitrix24, connector = "switchboard_telegram"): Promise<AppPlayer> {
  const posts: AppPost[] = [];
  let url = "";
  let accessToken = "";
  const policy =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors https://portal.example";
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (raw += chunk));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", url).pathname;
      const body = new URLSearchParams(raw);
      posts.push({ path, body, raw });
      if (path !== "/bitrix24/settings") return res.writeHead(200).end("ok");
      const saved = body.get("main.botToken");
      res
        .writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "content-security-policy": policy,
          "x-content-type-options": "nosniff",
          "cache-control": "no-store",
          "set-cookie": "app=1",
        })
        .end(
          `<!DOCTYPE html><html><body><p>${saved ? "Saved" : "Settings"}</p>` +
            `<form method="post" action="${url}bitrix24/settings" accept-charset="utf-8">` +
            `<input type="hidden" name="token" value="t&amp;1">` +
            `<label>Bot token <input name="main.botToken"></label><button type="submit">Save</button></form></body></html>`,
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const rest = async (method: string, params: Record<string, unknown>) => {
    const res = await fetch(`${fake.restUrl}${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...params, auth: accessToken }),
    });
    const answer = (await res.json()) as { result?: unknown; error?: string };
    if (res.status !== 200) throw new Error(`${method} answered ${res.status}: ${JSON.stringify(answer)}`);
    return answer.result;
  };

  return {
    url,
    connector,
    posts,
    policy,
    rest,
    get accessToken() {
      return accessToken;
    },
    async connect(line) {
      const { tokens } = await fake.portal.install({ install: `${url}bitrix24/install` });
      accessToken = tokens.accessToken;
      await rest("imconnector.register", {
        ID: connector,
        NAME: "Switchboard Telegram",
        ICON: { DATA_IMAGE: "data:image/svg+xml;charset=US-ASCII,%3Csvg%2F%3E" },
        PLACEMENT_HANDLER: `${url}bitrix24/settings`,
      });
      await rest("imconnector.activate", { CONNECTOR: connector, LINE: line, ACTIVE: 1 });
    },
    async bind(event) {
      await rest("event.bind", { event, handler: `${url}bitrix24/events` });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
