/**
 * @module fake/fake-echo — a fake Echo channel on loopback for tests (and a sandbox): its API
 * (`POST /api/messages`, `POST /api/webhooks`, files under `/files/`) with accounts, recorded
 * requests and injected failures, and the channel's side of the webhooks (signed posts to the URLs
 * an account registered).
 */
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { OutgoingFile, SendRequest, WebhookUrls } from "../channel/api.js";

/** One account of the channel: the key the gateway sends with and the secret webhooks are signed with. */
export interface FakeEchoAccount {
  apiKey: string;
  signingSecret: string;
  /** Where the account's webhooks go, once the gateway registered them. */
  webhooks?: WebhookUrls;
}

/** A message the channel took. */
export interface FakeEchoMessage extends SendRequest {
  id: string;
  apiKey: string;
}

/** One request the API answered (no secrets: the key is the account's name here). */
export interface FakeEchoRequest {
  method: string;
  path: string;
  status: number;
  apiKey: string | undefined;
  body: unknown;
}

/** A failure the next `POST /api/messages` answers with. */
export interface FakeEchoFailure {
  status: number;
  error?: string;
  retryAfter?: string;
}

/** A customer message as the channel posts it. */
export interface FakeCustomerMessage {
  id?: string;
  from: string;
  name?: string;
  text?: string;
  attachments?: Array<{ url: string; name?: string; contentType?: string }>;
}

/** The running fake. */
export interface FakeEcho {
  /** The server's origin, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** What an account's settings name as the API URL (`<url>/api`). */
  apiUrl: string;
  /** A new account with a random key and signing secret. */
  addAccount(): FakeEchoAccount;
  /** The messages the channel took, oldest first. */
  messages: FakeEchoMessage[];
  /** Every API request, oldest first. */
  requests: FakeEchoRequest[];
  /** The next `POST /api/messages` answers this failure (queued: each call adds one). */
  failNext(failure: FakeEchoFailure): void;
  /** Keeps bytes as a file of the account's, served at the returned URL to its key only. */
  putFile(account: FakeEchoAccount, data: Uint8Array, contentType: string): string;
  /** The file downloads the fake answered: which file and whether the key was right. */
  fileRequests: Array<{ path: string; status: number }>;
  /** A customer message body with its event id (a fresh one unless given). */
  customerMessage(message: FakeCustomerMessage): Record<string, unknown>;
  /** Posts `body` as JSON to `url`, signed with `secret` (`null`: no signature header). */
  post(url: string, body: unknown, secret: string | null): Promise<Response>;
  /** Posts a customer message to the account's registered messages webhook, signed. */
  deliverMessage(account: FakeEchoAccount, message: FakeCustomerMessage): Promise<Response>;
  /** Posts a status of a message the channel took to the account's registered statuses webhook, signed. */
  deliverStatus(account: FakeEchoAccount, messageId: string, status: string, reason?: string): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 (a free port unless one is given). */
export async function startFakeEcho(options: { port?: number } = {}): Promise<FakeEcho> {
  const accounts = new Map<string, FakeEchoAccount>();
  const files = new Map<string, { apiKey: string; data: Uint8Array; contentType: string }>();
  const failures: FakeEchoFailure[] = [];
  const messages: FakeEchoMessage[] = [];
  const requests: FakeEchoRequest[] = [];
  const fileRequests: Array<{ path: string; status: number }> = [];
  let nextMessage = 0;
  let nextEvent = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => answer(res, 500, { error: "fake failure" }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    const apiKey = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const account = apiKey !== undefined ? accounts.get(apiKey) : undefined;
    if (req.method === "GET" && path.startsWith("/files/")) {
      const file = files.get(path);
      const status = !file ? 404 : !account || file.apiKey !== account.apiKey ? 401 : 200;
      fileRequests.push({ path, status });
      if (status !== 200 || !file) return answer(res, status, { error: "no such file for this key" });
      res.writeHead(200, { "content-type": file.contentType, "content-length": file.data.byteLength });
      return res.end(file.data);
    }
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const record = (status: number) => requests.push({ method: req.method ?? "", path, status, apiKey, body });
    if (req.method !== "POST" || (path !== "/api/messages" && path !== "/api/webhooks")) {
      record(404);
      return answer(res, 404, { error: "not found" });
    }
    if (!account) {
      record(401);
      return answer(res, 401, { error: "invalid API key" });
    }
    if (path === "/api/webhooks") {
      const urls = body as Partial<WebhookUrls> | undefined;
      if (typeof urls?.messages !== "string" || typeof urls.statuses !== "string") {
        record(400);
        return answer(res, 400, { error: "messages and statuses URLs are required" });
      }
      account.webhooks = { messages: urls.messages, statuses: urls.statuses };
      record(200);
      return answer(res, 200, { ok: true });
    }
    const failure = failures.shift();
    if (failure) {
      record(failure.status);
      const headers: Record<string, string> =
        failure.retryAfter !== undefined ? { "retry-after": failure.retryAfter } : {};
      return answer(res, failure.status, { error: failure.error ?? `failure ${failure.status}` }, headers);
    }
    const send = body as Partial<SendRequest> | undefined;
    if (typeof send?.to !== "string" || typeof send.text !== "string" || !Array.isArray(send.attachments)) {
      record(400);
      return answer(res, 400, { error: "to, text and attachments are required" });
    }
    const id = `msg-${++nextMessage}`;
    messages.push({
      id,
      apiKey: account.apiKey,
      to: send.to,
      text: send.text,
      attachments: send.attachments as OutgoingFile[],
    });
    record(201);
    return answer(res, 201, { id });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeEcho = {
    url,
    apiUrl: `${url}/api`,
    messages,
    requests,
    fileRequests,
    addAccount() {
      const account = {
        apiKey: `key-${randomBytes(8).toString("hex")}`,
        signingSecret: randomBytes(16).toString("hex"),
      };
      accounts.set(account.apiKey, account);
      return account;
    },
    failNext(failure) {
      failures.push(failure);
    },
    putFile(account, data, contentType) {
      const path = `/files/${randomBytes(8).toString("hex")}`;
      files.set(path, { apiKey: account.apiKey, data, contentType });
      return `${url}${path}`;
    },
    customerMessage(message) {
      return { ...message, id: message.id ?? `event-${++nextEvent}` };
    },
    async post(target, body, secret) {
      const text = JSON.stringify(body);
      const headers: Record<string, string> = { "content-type": "application/json" };
      // Signed here, not with the gateway's own code, so a wrong signature check cannot agree with itself.
      if (secret !== null)
        headers["x-echo-signature"] = `sha256=${createHmac("sha256", secret).update(text).digest("hex")}`;
      return fetch(target, { method: "POST", headers, body: text });
    },
    deliverMessage(account, message) {
      return fake.post(webhooksOf(account).messages, fake.customerMessage(message), account.signingSecret);
    },
    deliverStatus(account, messageId, status, reason) {
      const body = { messageId, status, ...(reason !== undefined ? { reason } : {}) };
      return fake.post(webhooksOf(account).statuses, body, account.signingSecret);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

function webhooksOf(account: FakeEchoAccount): WebhookUrls {
  if (!account.webhooks) throw new Error("the account has no webhooks yet: save its settings in the gateway first");
  return account.webhooks;
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
