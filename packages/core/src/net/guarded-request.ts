/**
 * @module net/guarded-request — the one way Switchboard talks to another server. Every name is
 * resolved, every address checked against the address policy and the connection pinned to the
 * checked address (so DNS rebinding cannot slip through), every redirect hop checked again, and the
 * whole exchange, body included, ends by a total deadline: a peer trickling a byte at a time cannot
 * hold a send slot past it.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { Readable } from "node:stream";
import { FetchError } from "../errors.js";
import { isPrivateAddress } from "./address-policy.js";
import { outboundPolicy } from "./outbound-policy.js";

/** Resolves a host name to all its addresses (tests replace it to fake DNS answers). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** A request body: bytes, text, or a stream of bytes sent chunked. */
export type RequestBody = string | Uint8Array | AsyncIterable<Uint8Array>;

/** Options of {@link guardedRequest}. */
export interface GuardedRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Total deadline in ms, from the first connection to the last byte of the answer. */
  deadlineMs: number;
  /** Loopback and private networks may be reached (default: the process's outbound policy). */
  allowPrivate?: boolean;
  /** Redirects followed for GET and HEAD (default 0: a 3xx is returned as it is). */
  maxRedirects?: number;
  /** Ends the request early (shutdown); it then fails as a retryable error. */
  signal?: AbortSignal;
  /** Keeps connections open between requests (clients that call one API often). */
  keepAlive?: boolean;
  /** What is being fetched, for error messages ("Attachment download", "Twilio API"). */
  what?: string;
  resolve?: Resolver;
}

/** An answer whose body is still to be read; the deadline keeps running until it ends. */
export interface GuardedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL that answered (after redirects). */
  url: URL;
  /** The body; errors with a retryable `FetchError` when the deadline passes mid-body. */
  body: IncomingMessage;
}

// Kept-alive sockets are pooled per policy, so one opened while private addresses were allowed is
// never reused by a request that must not reach them.
const agents = new Map<string, http.Agent>();
function agentFor(protocol: string, allowPrivate: boolean): http.Agent {
  const key = `${protocol}${allowPrivate}`;
  let agent = agents.get(key);
  if (!agent) {
    const Agent = protocol === "https:" ? https.Agent : http.Agent;
    // No socket cap: the send queue and the outbox bound concurrency. A pool of 64 sockets per
    // origin let 64 hung Bot API calls hold every later call of every tenant (chaos gateway-outage).
    agent = new Agent({ keepAlive: true });
    agents.set(key, agent);
  }
  return agent;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Sends one request under the address policy and a total deadline. Resolves once the answer's
 * headers are in (any status); rejects with a `FetchError` saying whether a retry can help: refused
 * addresses and bad URLs are permanent, network failures and the deadline are transient.
 */
export function guardedRequest(target: string | URL, options: GuardedRequestOptions): Promise<GuardedResponse> {
  const what = options.what ?? "Request";
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.reject(new FetchError(`${what}: the URL is not valid`, { retryable: false }));
  }
  const allowPrivate = options.allowPrivate ?? outboundPolicy().allowPrivate;
  return new Promise<GuardedResponse>((resolve, reject) => {
    let current: http.ClientRequest | undefined;
    let answer: IncomingMessage | undefined;
    let settled = false;
    const fail = (error: FetchError) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
      current?.destroy(error);
      answer?.destroy(error);
      finish();
    };
    const timer = setTimeout(
      () => fail(new FetchError(`${what} did not complete within ${options.deadlineMs} ms`, { retryable: true })),
      options.deadlineMs,
    );
    const onAbort = () => fail(new FetchError(`${what} was cancelled`, { retryable: true }));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    };
    if (options.signal?.aborted) return onAbort();

    const send = (
      hop: URL,
      method: string,
      headers: Record<string, string>,
      body: RequestBody | undefined,
      left: number,
    ) => {
      if (hop.protocol !== "http:" && hop.protocol !== "https:") {
        return fail(new FetchError(`${what}: scheme ${hop.protocol} is not allowed`, { retryable: false }));
      }
      const host = hop.hostname.replace(/^\[|\]$/g, "");
      if (!allowPrivate && isIP(host) && isPrivateAddress(host)) {
        return fail(new FetchError(`${what}: the URL points to a private address`, { retryable: false }));
      }
      const client = hop.protocol === "https:" ? https : http;
      const req = client.request(hop, {
        method,
        headers: { "user-agent": "Switchboard/1.0", ...headers },
        ...(options.keepAlive ? { agent: agentFor(hop.protocol, allowPrivate) } : {}),
        ...(allowPrivate && !options.resolve ? {} : { lookup: guardedLookup(allowPrivate, options.resolve) }),
      });
      current = req;
      req.on("error", (error) => {
        if (error instanceof FetchError) return fail(error);
        if ((error as { code?: string }).code === "ESWITCHBOARD_PRIVATE") {
          return fail(new FetchError(`${what}: the URL resolves to a private address`, { retryable: false }));
        }
        fail(new FetchError(`${what} failed: ${describe(error)}`, { retryable: true, cause: error }));
      });
      req.on("response", (res) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (REDIRECTS.has(status) && location && left > 0 && (method === "GET" || method === "HEAD")) {
          res.resume();
          let next: URL;
          try {
            next = new URL(location, hop);
          } catch {
            return fail(new FetchError(`${what}: redirect to an invalid URL`, { retryable: false }));
          }
          // Credentials are for the origin they were given for, as fetch does.
          const carried = next.origin === hop.origin ? headers : withoutCredentials(headers);
          return send(next, method, carried, undefined, left - 1);
        }
        if (REDIRECTS.has(status) && location && (options.maxRedirects ?? 0) > 0 && left === 0) {
          res.resume();
          return fail(new FetchError(`${what}: too many redirects`, { retryable: false }));
        }
        answer = res;
        res.on("error", (error) => {
          if (!(error instanceof FetchError))
            fail(new FetchError(`${what} was interrupted`, { retryable: true, cause: error }));
        });
        res.on("end", finish);
        res.on("close", finish);
        settled = true;
        resolve({ status, headers: res.headers, url: hop, body: res });
      });
      writeBody(req, body, fail, what);
    };
    send(url, (options.method ?? "GET").toUpperCase(), options.headers ?? {}, options.body, options.maxRedirects ?? 0);
  });
}

/** Reads a whole answer body, at most `maxBytes`; past it, the download stops with a permanent error. */
export async function readAll(res: GuardedResponse, maxBytes: number, what = "Answer"): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of bodyChunks(res, what)) {
    size += chunk.length;
    if (size > maxBytes) {
      const error = new FetchError(`${what} is larger than ${maxBytes} bytes`, { retryable: false });
      res.body.destroy(error);
      throw error;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The chunks of an answer's body; a connection that breaks mid-body fails as a retryable
 * `FetchError` (Node's own `aborted`/`ECONNRESET` errors become one).
 */
export async function* bodyChunks(res: GuardedResponse, what = "Download"): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    if (error instanceof FetchError) throw error;
    throw new FetchError(`${what} was interrupted: ${describe(error as Error)}`, { retryable: true, cause: error });
  }
}

function writeBody(
  req: http.ClientRequest,
  body: RequestBody | undefined,
  fail: (error: FetchError) => void,
  what: string,
): void {
  if (body === undefined) return void req.end();
  if (typeof body === "string" || body instanceof Uint8Array) {
    if (!req.hasHeader("content-length")) req.setHeader("content-length", Buffer.byteLength(body));
    return void req.end(body);
  }
  const source = Readable.from(body, { objectMode: false });
  source.on("error", (error) => {
    fail(
      error instanceof FetchError
        ? error
        : new FetchError(`${what}: the request body failed: ${describe(error)}`, { retryable: true, cause: error }),
    );
  });
  source.pipe(req);
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!/^(authorization|cookie|proxy-authorization)$/i.test(name)) out[name] = value;
  }
  return out;
}

function describe(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : error.message;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

// Refusing here refuses the connection itself: the socket only ever connects to a checked address.
function guardedLookup(allowPrivate: boolean, resolver: Resolver = systemResolver): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
    resolver(hostname).then(
      (found) => {
        const list = family ? found.filter((a) => a.family === family) : found;
        if (list.length === 0) {
          return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), []);
        }
        if (!allowPrivate && list.some((a) => isPrivateAddress(a.address))) {
          return callback(Object.assign(new Error("private address"), { code: "ESWITCHBOARD_PRIVATE" }), []);
        }
        if (options.all) return callback(null, list);
        callback(null, list[0]!.address, list[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}
