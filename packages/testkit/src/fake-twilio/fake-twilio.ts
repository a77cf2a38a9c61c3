/**
 * @module fake-twilio/fake-twilio — a real HTTP server on loopback that speaks the parts of
 * Twilio's REST API a gateway uses, plus helpers that call a gateway's webhooks as Twilio does.
 */
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { createFakeTwilioApp } from "./api.js";
import {
  makeSid,
  type FakeAccount,
  type FakeMedia,
  type FakeMessage,
  type FakeMessagingService,
  type FakePhoneNumber,
} from "./resources.js";
import { encodeForm, twilioSignature, type WebhookParams } from "./signature.js";
import { FakeTwilioState, type RecordedRequest, type ScriptedFailure } from "./state.js";

/** One media item of an inbound MMS to build. */
export interface InboundMedia {
  contentType: string;
  data: Uint8Array;
  /** Serve it chunked, with no Content-Length header. */
  chunked?: boolean;
}

/** What an inbound message looks like before the fake turns it into Twilio's webhook params. */
export interface InboundInput {
  accountSid: string;
  from: string;
  to: string;
  body?: string;
  media?: InboundMedia[];
  /** Set when the number belongs to a Messaging Service (the payload then carries its SID). */
  messagingServiceSid?: string;
  /** Overrides the generated MessageSid (to replay a duplicate). */
  messageSid?: string;
  /** Extra params, e.g. `OptOutType`. */
  extra?: Record<string, string>;
}

/** The error a status callback carries (`ErrorCode`, `ErrorMessage`). */
export interface StatusError {
  code: number;
  message?: string;
}

/** A status callback as Twilio would post it. */
export interface StatusCallback {
  url: string;
  params: WebhookParams;
  authToken: string;
}

/** A running fake Twilio. */
export interface FakeTwilio {
  /** Base URL, no trailing slash: use as `TWILIO_API_BASE_URL`. */
  readonly url: string;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
  /** Every message created. */
  readonly messages: FakeMessage[];
  readonly state: FakeTwilioState;
  /** Adds an account (random SID/token when omitted). */
  addAccount(sid?: string, authToken?: string): FakeAccount;
  addPhoneNumber(accountSid: string, phoneNumber: string): FakePhoneNumber;
  addMessagingService(accountSid: string, inboundRequestUrl?: string | null): FakeMessagingService;
  /** Makes creates to this recipient answer 21610 (or lifts it). */
  setOptedOut(accountSid: string, phoneNumber: string, optedOut?: boolean): void;
  /** The next matching request(s) fail as scripted (default: the next message create). */
  failNext(failure: ScriptedFailure): void;
  /** Message creates received (including refused ones), oldest first. */
  messageCreates(): RecordedRequest[];
  /** Stores media and returns its URL on the fake, as Twilio puts it in `MediaUrl{N}`. */
  addMedia(accountSid: string, messageSid: string, media: InboundMedia): FakeMedia & { url: string };
  /** Webhook params of an inbound SMS/MMS, exactly as Twilio posts them (media stored on the fake). */
  inboundParams(input: InboundInput): WebhookParams;
  /** Posts an inbound message webhook, signed with `authToken` (`null`: no signature header). */
  sendInbound(url: string, params: WebhookParams, authToken: string | null): Promise<Response>;
  /** Posts a status callback, signed with `authToken` (`null`: no signature header). */
  sendStatusCallback(url: string, params: WebhookParams, authToken: string | null): Promise<Response>;
  /** Moves a created message to `status` and posts the callback to its `StatusCallback`, signed. */
  deliver(messageSid: string, status: string, error?: StatusError): Promise<Response>;
  /**
   * The status callback Twilio would post for a created message (its `StatusCallback` URL, the form
   * and the account's auth token to sign it with), without posting it: to post it twice or forged.
   */
  statusCallback(messageSid: string, status: string, error?: StatusError): StatusCallback;
  close(): Promise<void>;
}

/** Posts a form to `url` as Twilio does, with `X-Twilio-Signature` unless `authToken` is null. */
export async function postSignedForm(url: string, params: WebhookParams, authToken: string | null): Promise<Response> {
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    "User-Agent": "TwilioProxy/1.1",
    "I-Twilio-Idempotency-Token": makeSid("SM").slice(2),
  };
  if (authToken != null) headers["X-Twilio-Signature"] = twilioSignature(authToken, url, params);
  return fetch(url, { method: "POST", headers, body: encodeForm(params) });
}

/** Starts a fake Twilio on 127.0.0.1 (random port unless given). */
export async function startFakeTwilio(options: { port?: number } = {}): Promise<FakeTwilio> {
  const state = new FakeTwilioState();
  const app = createFakeTwilioApp(state);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const addMedia: FakeTwilio["addMedia"] = (accountSid, messageSid, media) => {
    const stored = state.addMedia(accountSid, messageSid, media.contentType, media.data, media.chunked);
    return { ...stored, url: `${url}/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${stored.sid}` };
  };

  const statusCallback: FakeTwilio["statusCallback"] = (messageSid, status, error) => {
    const message = state.messages.find((m) => m.sid === messageSid);
    if (!message?.statusCallback) throw new Error(`Message ${messageSid} has no StatusCallback`);
    const account = state.accounts.get(message.accountSid);
    if (!account) throw new Error(`Account ${message.accountSid} is gone`);
    const params: Record<string, string> = {
      SmsSid: message.sid,
      SmsStatus: status,
      MessageStatus: status,
      To: message.to,
      MessageSid: message.sid,
      AccountSid: message.accountSid,
      From: message.from ?? "+15550000000",
      ApiVersion: "2010-04-01",
      ...(message.messagingServiceSid ? { MessagingServiceSid: message.messagingServiceSid } : {}),
      ...(error ? { ErrorCode: String(error.code) } : {}),
      ...(error?.message ? { ErrorMessage: error.message } : {}),
    };
    return { url: message.statusCallback, params, authToken: account.authToken };
  };

  return {
    url,
    requests: state.requests,
    messages: state.messages,
    state,
    addAccount: (sid, authToken) => state.addAccount(sid, authToken),
    addPhoneNumber: (accountSid, phoneNumber) => state.addPhoneNumber(accountSid, phoneNumber),
    addMessagingService: (accountSid, inbound) => state.addMessagingService(accountSid, inbound ?? null),
    setOptedOut: (accountSid, phoneNumber, optedOut) => state.setOptedOut(accountSid, phoneNumber, optedOut),
    failNext: (failure) => state.failNext(failure),
    messageCreates: () => state.messageCreates(),
    addMedia,
    inboundParams(input) {
      const media = input.media ?? [];
      const sid = input.messageSid ?? makeSid(media.length ? "MM" : "SM");
      const params: Record<string, string> = {
        ToCountry: "US",
        ToState: "CA",
        SmsMessageSid: sid,
        NumMedia: String(media.length),
        ToCity: "SAN FRANCISCO",
        FromZip: "94105",
        SmsSid: sid,
        FromState: "CA",
        SmsStatus: "received",
        FromCity: "SAN FRANCISCO",
        Body: input.body ?? "",
        FromCountry: "US",
        To: input.to,
        ToZip: "94105",
        NumSegments: "1",
        MessageSid: sid,
        AccountSid: input.accountSid,
        From: input.from,
        ApiVersion: "2010-04-01",
        ...(input.messagingServiceSid ? { MessagingServiceSid: input.messagingServiceSid } : {}),
        ...input.extra,
      };
      media.forEach((m, i) => {
        params[`MediaUrl${i}`] = addMedia(input.accountSid, sid, m).url;
        params[`MediaContentType${i}`] = m.contentType;
      });
      return params;
    },
    sendInbound: postSignedForm,
    sendStatusCallback: postSignedForm,
    statusCallback,
    async deliver(messageSid, status, error) {
      const callback = statusCallback(messageSid, status, error);
      state.messages.find((m) => m.sid === messageSid)!.status = status;
      return postSignedForm(callback.url, callback.params, callback.authToken);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
