/**
 * @module fake-bitrix24/fake-state — everything one fake Bitrix24 holds: the app's credentials, its
 * portals by `member_id`, the issued tokens, the rate buckets and operating baskets, the scripted
 * faults, the log of REST calls and of the events its queue server posted, and the files it serves.
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "./clock.js";
import { Faults } from "./faults.js";
import type { FormObject } from "./form-codec.js";
import { OperatingLimits } from "./operating.js";
import type { PortalState } from "./portal-state.js";
import { RateBuckets, type RateLimit } from "./rate-bucket.js";
import { TokenStore } from "./tokens.js";

/** How a REST call carried its parameters. */
export type CallTransport = "json" | "form" | "query";

/** Where a REST call's auth came from. */
export type AuthSource = "query" | "body" | "webhook" | "none";

/** One REST call the portal received (batch sub-calls are recorded too, with `batch` set). */
export interface RecordedCall {
  /** Lower-cased method name. */
  method: string;
  memberId: string | null;
  params: FormObject;
  transport: CallTransport;
  auth: AuthSource;
  /** Source IP, as the rate bucket keys it. */
  ip: string;
  /** HTTP status answered (a batch sub-call: 200, or its error's status). */
  status: number;
  /** The `error` code answered, if any. */
  error?: string;
  /** The key of the sub-call in its `batch`, when it was one. */
  batch?: string;
  at: number;
}

/** One event the queue server posted (or dropped). */
export interface PostedEvent {
  memberId: string;
  event: string;
  url: string;
  /** The form body as posted. */
  body: string;
  /** HTTP status the handler answered; 0 when the request failed or was dropped. */
  status: number;
  /** The handler's answer text (for the settings placement: our HTML). */
  answer?: string;
  /** The handler's answer headers. */
  headers?: Record<string, string>;
  error?: string;
  dropped: boolean;
  at: number;
}

/** A file the fake serves (operator attachments). */
export interface ServedFile {
  id: string;
  name: string;
  contentType: string;
  bytes: Uint8Array;
  downloads: number;
}

/** The state of a whole fake. */
export class FakeBitrix24State {
  readonly portals = new Map<string, PortalState>();
  readonly tokens: TokenStore;
  readonly buckets: RateBuckets;
  readonly operating: OperatingLimits;
  readonly faults = new Faults();
  readonly calls: RecordedCall[] = [];
  readonly events: PostedEvent[] = [];
  readonly files = new Map<string, ServedFile>();
  /** Webhook codes (`/rest/<user>/<code>/`) per portal: calls through them are not app calls. */
  readonly webhooks = new Map<string, { memberId: string; userId: number }>();
  /** When true the queue server records events without posting them. */
  dropEvents = false;
  private nextId = 100;

  constructor(
    readonly clock: Clock,
    readonly clientId: string,
    readonly clientSecret: string,
    accessTtlSeconds: number,
    rate: RateLimit,
    operatingLimitSeconds: number,
  ) {
    this.tokens = new TokenStore(clock, accessTtlSeconds);
    this.buckets = new RateBuckets(clock, rate);
    this.operating = new OperatingLimits(clock, operatingLimitSeconds);
  }

  /** A fresh id, unique across the fake (message, chat, session and user ids never collide). */
  id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  /** A random token-like string. */
  secret(bytes = 16): string {
    return randomBytes(bytes).toString("hex");
  }

  /** The portal with this member id, or a clear error. */
  portal(memberId: string): PortalState {
    const portal = this.portals.get(memberId);
    if (!portal) throw new Error(`No fake portal with member_id ${memberId}`);
    return portal;
  }
}
