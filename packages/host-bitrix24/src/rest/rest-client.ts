/**
 * @module rest/rest-client — calls a portal's REST methods: `POST <client_endpoint><method>` with a
 * JSON body carrying `auth` (b24restdocs `settings/oauth/index.md`: "All requests to the REST API
 * are signed with the obtained key"; a body keeps the token out of URLs and logs). Every request
 * goes through core's guarded request with a total deadline, waits for the portal's token bucket,
 * refreshes an expired token once, waits out `QUERY_LIMIT_EXCEEDED` as the portal's bucket drains,
 * and stops calling a method the portal blocked with `OPERATION_TIME_LIMIT` until it is released.
 */
import { guardedRequest, InvalidInputError, readAll, FetchError } from "@switchboard/core";
import { realTimers, type Timers } from "../time/timers.js";
import type { CredentialSource, PortalCredentials } from "./credentials.js";
import { PortalRateLimitError, PortalRefusedError, PortalUnreachableError } from "./errors.js";
import { OperatingBlocks } from "./operating-blocks.js";
import type { PortalRateLimiter } from "./portal-rate-limiter.js";

/**
 * Total deadline of one request. Bitrix24 itself gives a request 60 s (`limits.md`), but a portal
 * that has not answered in 20 s is better retried from the outbox than waited on: an outage of
 * oauth.bitrix.info once hung every client until its 30 s timeout (the reference, §8).
 */
export const DEFAULT_REST_DEADLINE_MS = 20_000;
/** How many times one call waits out `QUERY_LIMIT_EXCEEDED` before giving the error to its caller. */
export const DEFAULT_QUERY_LIMIT_RETRIES = 5;
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
/**
 * Answers that a newer token may cure: `expired_token` (b24restdocs `settings/oauth/auto-renewal.md`),
 * and the codes a portal gives a token it does not know (`invalid_token`; `NO_AUTH_FOUND`, which
 * `system-errors.md` names for a missing token and portals also give for an unknown one). We always
 * send a token, so each of these means ours was not accepted.
 */
const REFRESH_CODES = new Set(["expired_token", "invalid_token", "NO_AUTH_FOUND"]);
const METHOD_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/i;

/** The `time` object of an answer (b24restdocs `limits.md`). */
export interface RestTime {
  start?: number;
  finish?: number;
  duration?: number;
  operating?: number;
  operating_reset_at?: number;
  [key: string]: unknown;
}

/** A successful answer. */
export interface RestAnswer<T = unknown> {
  result: T;
  time: RestTime | undefined;
  total: number | undefined;
  next: number | undefined;
}

/** Options of {@link Bitrix24RestClient}. */
export interface RestClientOptions {
  credentials: CredentialSource;
  limiter: PortalRateLimiter;
  deadlineMs?: number;
  queryLimitRetries?: number;
  timers?: Timers;
  /** Loopback and private networks may be reached (tests, the sandbox); default: the process's outbound policy. */
  allowPrivate?: boolean;
}

/** Options of one call. */
export interface CallOptions {
  signal?: AbortSignal;
}

type Outcome =
  { kind: "ok"; answer: RestAnswer } | { kind: "error"; code: string; description: string; status: number };

/** A Bitrix24 REST client for every installed portal. */
export class Bitrix24RestClient {
  private readonly options: Required<Omit<RestClientOptions, "allowPrivate" | "timers">> & {
    allowPrivate: boolean | undefined;
  };
  private readonly timers: Timers;
  /** The portal's CPU-time blocks per method. */
  readonly operating = new OperatingBlocks();

  constructor(options: RestClientOptions) {
    this.options = {
      credentials: options.credentials,
      limiter: options.limiter,
      deadlineMs: options.deadlineMs ?? DEFAULT_REST_DEADLINE_MS,
      queryLimitRetries: options.queryLimitRetries ?? DEFAULT_QUERY_LIMIT_RETRIES,
      allowPrivate: options.allowPrivate,
    };
    this.timers = options.timers ?? realTimers;
  }

  /** Calls `method` on the portal `memberId`; resolves with its answer or rejects with a named error. */
  async call<T = unknown>(
    memberId: string,
    method: string,
    params: Record<string, unknown> = {},
    options: CallOptions = {},
  ): Promise<RestAnswer<T>> {
    if (!METHOD_NAME.test(method)) throw new InvalidInputError(`"${method.slice(0, 80)}" is not a REST method name`);
    const blocked = this.operating.until(memberId, method, this.timers.now());
    if (blocked !== undefined) throw this.operationLimited(method, blocked);
    let credentials = await this.options.credentials.current(memberId, options.signal);
    let refreshed = false;
    let limitRetries = 0;
    for (;;) {
      await this.options.limiter.acquire(memberId, options.signal);
      const outcome = await this.send(credentials, method, params, options.signal);
      if (outcome.kind === "ok") {
        this.operating.saw(memberId, method, outcome.answer.time?.operating_reset_at);
        return outcome.answer as RestAnswer<T>;
      }
      const { code, description, status } = outcome;
      if (REFRESH_CODES.has(code) && !refreshed) {
        // One refresh per call: a second rejection means the new token is no better (revoked, uninstalled).
        refreshed = true;
        credentials = await this.options.credentials.refreshed(memberId, credentials.accessToken, options.signal);
        continue;
      }
      if (code === "QUERY_LIMIT_EXCEEDED") {
        const waitMs = this.options.limiter.holdOff(memberId, undefined, limitRetries);
        if (limitRetries++ < this.options.queryLimitRetries) continue;
        throw new PortalRateLimitError(`Bitrix24 ${method}: the portal's request limit is exceeded`, {
          code,
          status,
          retryAfterMs: waitMs,
        });
      }
      if (code === "OPERATION_TIME_LIMIT") {
        throw this.operationLimited(method, this.operating.block(memberId, method, this.timers.now()), status);
      }
      throw new PortalRefusedError(`Bitrix24 ${method} refused: ${code}${description ? ` (${description})` : ""}`, {
        code,
        status,
      });
    }
  }

  private operationLimited(method: string, until: number, status = 429): PortalRateLimitError {
    return new PortalRateLimitError(`Bitrix24 ${method} is blocked by the portal's operation time limit`, {
      code: "OPERATION_TIME_LIMIT",
      status,
      retryAfterMs: Math.max(0, until - this.timers.now()),
    });
  }

  private async send(
    credentials: PortalCredentials,
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal | undefined,
  ): Promise<Outcome> {
    const what = `Bitrix24 ${method}`;
    let status: number;
    let text: string;
    try {
      const res = await guardedRequest(`${credentials.clientEndpoint}${method}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ ...params, auth: credentials.accessToken }),
        deadlineMs: this.options.deadlineMs,
        keepAlive: true,
        what,
        ...(signal ? { signal } : {}),
        ...(this.options.allowPrivate !== undefined ? { allowPrivate: this.options.allowPrivate } : {}),
      });
      status = res.status;
      text = (await readAll(res, MAX_ANSWER_BYTES, what)).toString("utf8");
    } catch (error) {
      if (error instanceof FetchError && !error.retryable) {
        // A refused address or a bad endpoint: the stored client_endpoint is wrong, not the network.
        throw new PortalRefusedError(`${what}: ${error.message}`, {
          code: "BAD_ENDPOINT",
          status: 0,
          retryable: false,
          cause: error,
        });
      }
      throw new PortalUnreachableError(`${what}: ${(error as Error).message}`, { cause: error });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PortalUnreachableError(`${what}: the portal answered ${status} without a JSON body`, { status });
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new PortalUnreachableError(`${what}: the portal answered ${status} with an unexpected body`, { status });
    }
    const record = body as Record<string, unknown>;
    if (typeof record.error === "string" && record.error !== "") {
      const description = typeof record.error_description === "string" ? record.error_description.slice(0, 500) : "";
      return { kind: "error", code: record.error, description, status };
    }
    if (!Object.hasOwn(record, "result")) {
      throw new PortalUnreachableError(`${what}: the portal answered ${status} without a result`, { status });
    }
    const time = record.time && typeof record.time === "object" ? (record.time as RestTime) : undefined;
    return {
      kind: "ok",
      answer: {
        result: record.result,
        time,
        total: typeof record.total === "number" ? record.total : undefined,
        next: typeof record.next === "number" ? record.next : undefined,
      },
    };
  }
}
