/**
 * @module fakes/twilio-messages-server — a lean fake of Twilio's REST API for measurements: one
 * account with one phone number, and only the calls the SMS gateway makes (the account fetch and
 * the number lookup and update of saving the settings, `POST Messages.json` for each send), in
 * Twilio's wire shapes (basic auth, form bodies, 201 with the message resource, `{code, message}`
 * errors). testkit's fake Twilio keeps every request and message for assertions and routes through
 * Hono; under 100 000 sends that would measure the fake. This one answers at once (or holds until
 * released) and records when each marker arrived on `performance.now()`, the bench client's clock.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { MARKER, recordArrival, type ChannelPeer, type PeerMode } from "./channel-peer.js";

const API = "/2010-04-01";
const E164 = /^\+[1-9]\d{6,14}$/;
const ACCOUNT_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})(\/.*)?\.json$/;

/** The one account the fake knows, with its number. */
export interface BenchTwilioAccount {
  accountSid: string;
  authToken: string;
  phoneNumber: string;
  phoneNumberSid: string;
}

const sid = (prefix: string) => prefix + randomBytes(16).toString("hex");
const rfc2822 = (date: Date) => date.toUTCString().replace("GMT", "+0000");

/** The running fake. */
export class TwilioMessagesServer implements ChannelPeer {
  readonly arrivals = new Map<string, number[]>();
  delivered = 0;
  /** Held sends the gateway gave up on (its deadline) before they were released: never answered. */
  abandoned = 0;
  /** The number's inbound SMS webhook, as the gateway set it when its settings were saved. */
  smsUrl = "";
  private mode: PeerMode = { kind: "ok" };
  private held: Array<{ socket: Socket; answer: () => void }> = [];
  private readonly sockets = new Set<Socket>();
  private readonly expectedAuth: string;

  private constructor(
    private readonly server: Server,
    /** Base URL for `TWILIO_API_BASE_URL`. */
    readonly url: string,
    readonly account: BenchTwilioAccount,
  ) {
    this.expectedAuth = `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString("base64")}`;
  }

  /** Starts the fake on a free loopback port with a fresh account. */
  static async start(): Promise<TwilioMessagesServer> {
    const server = createServer();
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const fake = new TwilioMessagesServer(server, `http://127.0.0.1:${port}`, {
      accountSid: sid("AC"),
      authToken: randomBytes(16).toString("hex"),
      phoneNumber: "+14155550199",
      phoneNumberSid: sid("PN"),
    });
    server.on("request", (req: IncomingMessage, res: ServerResponse) => fake.handle(req, res));
    server.on("connection", (socket: Socket) => {
      fake.sockets.add(socket);
      socket.on("close", () => fake.sockets.delete(socket));
    });
    return fake;
  }

  setMode(mode: PeerMode): void {
    this.mode = mode;
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const { answer } of held) answer();
  }

  /** Sends waiting in `hold` mode. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Held sends whose connection has closed (the client gave up on them). */
  get heldOfClosedConnections(): number {
    return this.held.filter((h) => h.socket.destroyed).length;
  }

  close(): Promise<void> {
    this.mode = { kind: "ok" };
    this.release();
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const match = ACCOUNT_PATH.exec(url.pathname);
      if (req.headers.authorization !== this.expectedAuth) return fail(res, 401, 20003, "Authenticate");
      if (!match || match[1] !== this.account.accountSid)
        return fail(res, 404, 20404, "The requested resource was not found");
      const rest = match[2] ?? "";
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      if (req.method === "POST" && rest === "/Messages") return this.createMessage(req, res, form);
      if (req.method === "GET" && rest === "") return reply(res, 200, this.accountJson());
      if (req.method === "GET" && rest === "/IncomingPhoneNumbers") {
        const wanted = url.searchParams.get("PhoneNumber");
        const list = !wanted || wanted === this.account.phoneNumber ? [this.numberJson()] : [];
        return reply(res, 200, {
          incoming_phone_numbers: list,
          page: 0,
          page_size: 50,
          start: 0,
          end: Math.max(list.length - 1, 0),
          first_page_uri: url.pathname,
          next_page_uri: null,
          previous_page_uri: null,
          uri: url.pathname,
        });
      }
      if (req.method === "POST" && rest === `/IncomingPhoneNumbers/${this.account.phoneNumberSid}`) {
        this.smsUrl = form.get("SmsUrl") ?? this.smsUrl;
        return reply(res, 200, this.numberJson());
      }
      fail(res, 404, 20404, "The requested resource was not found");
    });
  }

  private createMessage(req: IncomingMessage, res: ServerResponse, form: URLSearchParams): void {
    const at = performance.now();
    const to = form.get("To") ?? "";
    const from = form.get("From");
    const body = form.get("Body") ?? "";
    if (!E164.test(to)) return fail(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from && !form.get("MessagingServiceSid"))
      return fail(res, 400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required.");
    if (!body && !form.get("MediaUrl")) return fail(res, 400, 21602, "Message body is required.");
    const accept = (arrivedAt: number) => {
      this.delivered += 1;
      recordArrival(this.arrivals, MARKER.exec(body)?.[1] ?? "", arrivedAt);
      reply(res, 201, this.messageJson(to, from, body));
    };
    if (this.mode.kind === "ok") return accept(at);
    this.held.push({
      socket: req.socket,
      answer: () => {
        // The gateway's deadline passed meanwhile: it will send this message again.
        if (req.socket.destroyed) this.abandoned += 1;
        else accept(performance.now());
      },
    });
  }

  private accountJson(): Record<string, unknown> {
    const a = this.account;
    return {
      sid: a.accountSid,
      owner_account_sid: a.accountSid,
      friendly_name: "Bench account",
      status: "active",
      type: "Full",
      auth_token: a.authToken,
      date_created: rfc2822(new Date(0)),
      date_updated: rfc2822(new Date(0)),
      uri: `${API}/Accounts/${a.accountSid}.json`,
    };
  }

  private numberJson(): Record<string, unknown> {
    const a = this.account;
    return {
      sid: a.phoneNumberSid,
      account_sid: a.accountSid,
      phone_number: a.phoneNumber,
      friendly_name: a.phoneNumber,
      sms_url: this.smsUrl,
      sms_method: "POST",
      capabilities: { sms: true, mms: true, voice: true, fax: false },
      status: "in-use",
      uri: `${API}/Accounts/${a.accountSid}/IncomingPhoneNumbers/${a.phoneNumberSid}.json`,
    };
  }

  private messageJson(to: string, from: string | null, body: string): Record<string, unknown> {
    const messageSid = sid("SM");
    const now = rfc2822(new Date());
    const accountSid = this.account.accountSid;
    return {
      sid: messageSid,
      account_sid: accountSid,
      api_version: "2010-04-01",
      body,
      date_created: now,
      date_updated: now,
      date_sent: null,
      direction: "outbound-api",
      error_code: null,
      error_message: null,
      from,
      to,
      messaging_service_sid: null,
      num_media: "0",
      num_segments: "1",
      price: null,
      price_unit: "USD",
      status: "queued",
      subresource_uris: { media: `${API}/Accounts/${accountSid}/Messages/${messageSid}/Media.json` },
      uri: `${API}/Accounts/${accountSid}/Messages/${messageSid}.json`,
    };
  }
}

function fail(res: ServerResponse, status: number, code: number, message: string): void {
  reply(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
