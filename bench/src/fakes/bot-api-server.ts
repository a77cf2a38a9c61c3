/**
 * @module fakes/bot-api-server — a lean fake Telegram Bot API for measurements and fault injection.
 *
 * The testkit fake parses HTML and keeps every call for assertions; under 100 000 sends that
 * measures the fake. This one answers the three methods the gateway uses on the hot path, records
 * when each marker arrived (`performance.now()`, so it shares a clock with the bench's client), and
 * can hold, fail, hang or drop requests on demand.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";

/** How the fake answers sendMessage right now. */
export type BotApiMode =
  | { kind: "ok" }
  /** Keep requests waiting until `release()`, then answer them all. */
  | { kind: "hold" }
  /** Answer 500 Internal Server Error. */
  | { kind: "error500" }
  /** Never answer; `recover()` drops the waiting connections (what a client timeout would do). */
  | { kind: "hang" }
  /** Destroy the connection as soon as the request arrives. */
  | { kind: "close" }
  /** Answer 429 with `retry_after` seconds. */
  | { kind: "429"; retryAfter: number }
  /** Answer 429 to each marker's first `refusals` sends, then accept it. */
  | { kind: "flood429"; retryAfter: number; refusals: number };

/** One sendMessage call and what the fake did with it. */
export interface SendCall {
  marker: string;
  /** The bot token from the request's URL (`/bot<token>/sendMessage`): one bot's calls. */
  token: string;
  chatId: string;
  /** The message text as sent (so a check can tell it arrived whole). */
  text: string;
  /** When the request body was read, on the fake's clock (`performance.now()` unless told otherwise). */
  at: number;
  outcome: "ok" | "500" | "hang" | "close" | "429";
}

const MARKER = /\[\[([A-Za-z0-9_-]+)\]\]/;

/** The running fake. */
export class BotApiServer {
  /** Every sendMessage call, in arrival order (only when `recordCalls`). */
  readonly calls: SendCall[] = [];
  /** Arrival times of accepted sends, per marker. */
  readonly arrivals = new Map<string, number[]>();
  /** `setWebhook` parameters per bot token. */
  readonly webhooks = new Map<string, { url: string; secret: string }>();
  /** Accepted (answered ok) sends so far. */
  delivered = 0;
  private mode: BotApiMode = { kind: "ok" };
  private held: Array<() => void> = [];
  private hung = new Set<Socket>();
  private nextMessageId = 1;
  private readonly refused = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly recordCalls: boolean,
    private readonly clock: () => number,
  ) {}

  /**
   * Starts the fake on a free loopback port. `recordCalls: false` keeps only counters and
   * arrivals; `clock` stamps arrivals (another thread's `performance.now()` timeline, say).
   */
  static async start(options: { recordCalls?: boolean; clock?: () => number } = {}): Promise<BotApiServer> {
    const server = createServer();
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const fake = new BotApiServer(
      server,
      `http://127.0.0.1:${port}`,
      options.recordCalls ?? true,
      options.clock ?? (() => performance.now()),
    );
    server.on("request", (req: IncomingMessage, res: ServerResponse) => fake.handle(req, res));
    server.on("connection", (socket: Socket) => {
      fake.sockets.add(socket);
      socket.on("close", () => fake.sockets.delete(socket));
    });
    return fake;
  }

  /** Switches how sendMessage is answered from now on. */
  setMode(mode: BotApiMode): void {
    this.mode = mode;
  }

  /** Back to answering at once: held requests are answered, hung connections dropped. */
  recover(): void {
    this.mode = { kind: "ok" };
    this.release();
    for (const socket of this.hung) socket.destroy();
    this.hung.clear();
  }

  /** Answers every held request (in `hold` mode new ones keep being held). */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const answer of held) answer();
  }

  /** Requests waiting in `hold` mode. */
  get heldCount(): number {
    return this.held.length;
  }

  /** How many times a marker was accepted. */
  timesDelivered(marker: string): number {
    return this.arrivals.get(marker)?.length ?? 0;
  }

  close(): Promise<void> {
    this.recover();
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const method = /\/bot[^/]+\/(\w+)$/.exec(req.url ?? "")?.[1] ?? "";
      const token = /\/bot([^/]+)\//.exec(req.url ?? "")?.[1] ?? "";
      let params: Record<string, unknown> = {};
      try {
        params = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      } catch {
        return reply(res, 400, { ok: false, error_code: 400, description: "Bad Request: invalid JSON" });
      }
      if (method === "sendMessage") return this.sendMessage(req, res, token, params);
      if (method === "getMe") return reply(res, 200, { ok: true, result: botInfo(token) });
      if (method === "setWebhook") {
        this.webhooks.set(token, { url: String(params.url), secret: String(params.secret_token ?? "") });
        return reply(res, 200, { ok: true, result: true, description: "Webhook was set" });
      }
      if (method === "deleteWebhook") return reply(res, 200, { ok: true, result: true });
      reply(res, 404, { ok: false, error_code: 404, description: "Not Found: method not found" });
    });
  }

  private sendMessage(req: IncomingMessage, res: ServerResponse, token: string, params: Record<string, unknown>): void {
    const at = this.clock();
    const text = String(params.text ?? "");
    const marker = MARKER.exec(text)?.[1] ?? "";
    const chatId = String(params.chat_id ?? "");
    const mode = this.mode;
    const record = (outcome: SendCall["outcome"]) => {
      if (this.recordCalls) this.calls.push({ marker, token, chatId, text, at, outcome });
    };
    switch (mode.kind) {
      case "error500":
        record("500");
        return reply(res, 500, { ok: false, error_code: 500, description: "Internal Server Error" });
      case "flood429": {
        const refusals = this.refused.get(marker) ?? 0;
        if (refusals >= mode.refusals) return this.accept(res, marker, chatId, text, at, record);
        this.refused.set(marker, refusals + 1);
        record("429");
        return tooMany(res, mode.retryAfter);
      }
      case "429":
        record("429");
        return tooMany(res, mode.retryAfter);
      case "close":
        record("close");
        req.socket.destroy();
        return;
      case "hang":
        record("hang");
        this.hung.add(req.socket);
        return;
      case "hold":
        this.held.push(() => {
          // The gateway gave up on this call meanwhile (its client timeout): it was never answered.
          if (req.socket.destroyed) return record("close");
          this.accept(res, marker, chatId, text, this.clock(), record);
        });
        return;
      case "ok":
        return this.accept(res, marker, chatId, text, at, record);
    }
  }

  private accept(
    res: ServerResponse,
    marker: string,
    chatId: string,
    text: string,
    at: number,
    record: (o: "ok") => void,
  ) {
    record("ok");
    this.delivered += 1;
    const list = this.arrivals.get(marker);
    if (list) list.push(at);
    else this.arrivals.set(marker, [at]);
    const id = Number(chatId);
    reply(res, 200, {
      ok: true,
      result: {
        message_id: this.nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number.isFinite(id) ? id : 1, type: "private", first_name: "Ann" },
        text,
      },
    });
  }
}

function botInfo(token: string) {
  const id = Number(token.split(":")[0]) || 1;
  return {
    id,
    is_bot: true,
    first_name: "Bench",
    username: `bench_${id}_bot`,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };
}

function tooMany(res: ServerResponse, retryAfter: number): void {
  reply(res, 429, {
    ok: false,
    error_code: 429,
    description: `Too Many Requests: retry after ${retryAfter}`,
    parameters: { retry_after: retryAfter },
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
