/**
 * @module fake-twilio/state — what the fake Twilio knows: accounts, numbers, services, messages,
 * media, the requests it received and the failures a test scripted.
 */
import {
  makeSid,
  type FakeAccount,
  type FakeMedia,
  type FakeMessage,
  type FakeMessagingService,
  type FakePhoneNumber,
} from "./resources.js";

/** Which API requests a scripted failure hits. */
export type FailureTarget = "messages" | "media" | "accounts" | "numbers" | "services" | "any";

/** A failure the next matching request(s) get instead of the normal answer. */
export interface ScriptedFailure {
  /** HTTP status to answer (ignored with `network`). */
  status?: number;
  /** Twilio error code in the body (e.g. 21610, 21211, 20429). */
  code?: number;
  message?: string;
  /** Sent as `Retry-After` (seconds). */
  retryAfterSeconds?: number;
  /** Drop the connection without an answer, like a network failure. */
  network?: boolean;
  /** Which requests it hits; default `messages` (message creates). */
  on?: FailureTarget;
  /** How many matching requests fail; default 1. */
  times?: number;
  /** Let this many matching requests through first (e.g. 1: the second part of a split text fails). */
  skip?: number;
}

/** One request the fake received, as the test sees it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The form body (empty for GET); `getAll` for repeated names such as `MediaUrl`. */
  form: URLSearchParams;
  /** Account SID of the basic-auth user, if any credentials were sent. */
  authUser: string | null;
  /** Whether the credentials matched a known account. */
  authenticated: boolean;
  /** The status the fake answered (0 for a dropped connection). */
  status: number;
  /** Which kind of resource the request was for. */
  target: Exclude<FailureTarget, "any"> | "unknown";
}

/** The fake's in-memory world. */
export class FakeTwilioState {
  readonly accounts = new Map<string, FakeAccount>();
  readonly numbers: FakePhoneNumber[] = [];
  readonly services: FakeMessagingService[] = [];
  readonly messages: FakeMessage[] = [];
  readonly media = new Map<string, FakeMedia>();
  readonly requests: RecordedRequest[] = [];
  private readonly optedOut = new Set<string>();
  private readonly failures: Array<ScriptedFailure & { left: number; toSkip: number }> = [];

  /** Adds (or replaces) an account with its auth token. */
  addAccount(sid: string = makeSid("AC"), authToken: string = makeSid("AC").slice(2)): FakeAccount {
    const account: FakeAccount = { sid, authToken, status: "active", friendlyName: `Account ${sid.slice(0, 8)}` };
    this.accounts.set(sid, account);
    return account;
  }

  /** Adds a phone number to an account (no inbound URL yet). */
  addPhoneNumber(accountSid: string, phoneNumber: string): FakePhoneNumber {
    const number: FakePhoneNumber = { sid: makeSid("PN"), accountSid, phoneNumber, smsUrl: "", smsMethod: "POST" };
    this.numbers.push(number);
    return number;
  }

  /** Adds a Messaging Service to an account. */
  addMessagingService(accountSid: string, inboundRequestUrl: string | null = null): FakeMessagingService {
    const service: FakeMessagingService = {
      sid: makeSid("MG"),
      accountSid,
      friendlyName: "Fake service",
      inboundRequestUrl,
    };
    this.services.push(service);
    return service;
  }

  /** Marks a recipient as opted out for an account: creates to it answer 21610, as on Twilio. */
  setOptedOut(accountSid: string, phoneNumber: string, optedOut = true): void {
    const key = `${accountSid}:${phoneNumber}`;
    if (optedOut) this.optedOut.add(key);
    else this.optedOut.delete(key);
  }

  /** Whether a recipient opted out for an account. */
  isOptedOut(accountSid: string, phoneNumber: string): boolean {
    return this.optedOut.has(`${accountSid}:${phoneNumber}`);
  }

  /** Queues a failure for the next matching request(s). */
  failNext(failure: ScriptedFailure): void {
    this.failures.push({ ...failure, left: failure.times ?? 1, toSkip: failure.skip ?? 0 });
  }

  /** Takes the first scripted failure matching a request kind, if any. */
  takeFailure(target: RecordedRequest["target"]): ScriptedFailure | undefined {
    const index = this.failures.findIndex((f) => (f.on ?? "messages") === target || f.on === "any");
    const failure = this.failures[index];
    if (!failure) return undefined;
    if (failure.toSkip > 0) {
      failure.toSkip -= 1;
      return undefined;
    }
    failure.left -= 1;
    if (failure.left <= 0) this.failures.splice(index, 1);
    return failure;
  }

  /** Stores media for an inbound MMS. */
  addMedia(accountSid: string, messageSid: string, contentType: string, data: Uint8Array, chunked = false): FakeMedia {
    const media: FakeMedia = { sid: makeSid("ME"), accountSid, messageSid, contentType, data, chunked };
    this.media.set(media.sid, media);
    return media;
  }

  /** Requests that created messages, oldest first. */
  messageCreates(): RecordedRequest[] {
    return this.requests.filter((r) => r.target === "messages" && r.method === "POST");
  }
}
