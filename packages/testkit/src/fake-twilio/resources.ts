/**
 * @module fake-twilio/resources — the records the fake keeps and their JSON as Twilio's REST API shows them.
 */
import { randomBytes } from "node:crypto";

/** A Twilio SID: a two-letter prefix and 32 hex digits. */
export function makeSid(prefix: "AC" | "SM" | "MM" | "ME" | "PN" | "MG"): string {
  return prefix + randomBytes(16).toString("hex");
}

/** An account the fake accepts basic auth for. */
export interface FakeAccount {
  sid: string;
  authToken: string;
  status: "active" | "suspended" | "closed";
  friendlyName: string;
}

/** A phone number owned by an account, with its inbound SMS webhook. */
export interface FakePhoneNumber {
  sid: string;
  accountSid: string;
  phoneNumber: string;
  smsUrl: string;
  smsMethod: string;
}

/** A Messaging Service of an account. */
export interface FakeMessagingService {
  sid: string;
  accountSid: string;
  friendlyName: string;
  inboundRequestUrl: string | null;
}

/** A message created through `POST /Messages.json`. */
export interface FakeMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  mediaUrls: string[];
  statusCallback: string | null;
  status: string;
  numSegments: number;
  createdAt: Date;
}

/** Media of an inbound MMS, downloadable with the account's credentials. */
export interface FakeMedia {
  sid: string;
  accountSid: string;
  messageSid: string;
  contentType: string;
  data: Uint8Array;
  /** Served chunked, without Content-Length (as a CDN streaming the file may answer). */
  chunked: boolean;
}

const GSM7 =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENDED = "^{}\\[~]|€\f";

/** Segments as Twilio counts them (GSM-7 160/153 septets, else UCS-2 70/67 code units). */
export function countSegments(body: string): number {
  let septets = 0;
  let gsm = true;
  for (const ch of body) {
    if (GSM7.includes(ch)) septets += 1;
    else if (GSM7_EXTENDED.includes(ch)) septets += 2;
    else gsm = false;
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
}

function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

const API = "/2010-04-01";

/** Account JSON (`GET /Accounts/{Sid}.json`). */
export function accountJson(a: FakeAccount): Record<string, unknown> {
  return {
    sid: a.sid,
    owner_account_sid: a.sid,
    friendly_name: a.friendlyName,
    status: a.status,
    type: "Full",
    auth_token: a.authToken,
    date_created: rfc2822(new Date(0)),
    date_updated: rfc2822(new Date(0)),
    uri: `${API}/Accounts/${a.sid}.json`,
  };
}

/** IncomingPhoneNumber JSON. */
export function phoneNumberJson(n: FakePhoneNumber): Record<string, unknown> {
  return {
    sid: n.sid,
    account_sid: n.accountSid,
    phone_number: n.phoneNumber,
    friendly_name: n.phoneNumber,
    sms_url: n.smsUrl,
    sms_method: n.smsMethod,
    capabilities: { sms: true, mms: true, voice: true, fax: false },
    status: "in-use",
    uri: `${API}/Accounts/${n.accountSid}/IncomingPhoneNumbers/${n.sid}.json`,
  };
}

/** Messaging Service JSON (Messaging API v1). */
export function serviceJson(s: FakeMessagingService): Record<string, unknown> {
  return {
    sid: s.sid,
    account_sid: s.accountSid,
    friendly_name: s.friendlyName,
    inbound_request_url: s.inboundRequestUrl,
    inbound_method: "POST",
    use_inbound_webhook_on_number: false,
    url: `/v1/Services/${s.sid}`,
  };
}

/** Message JSON, as the create answer shows it. */
export function messageJson(m: FakeMessage): Record<string, unknown> {
  return {
    sid: m.sid,
    account_sid: m.accountSid,
    api_version: "2010-04-01",
    body: m.body,
    date_created: rfc2822(m.createdAt),
    date_updated: rfc2822(m.createdAt),
    date_sent: null,
    direction: "outbound-api",
    error_code: null,
    error_message: null,
    from: m.from,
    to: m.to,
    messaging_service_sid: m.messagingServiceSid,
    num_media: String(m.mediaUrls.length),
    num_segments: String(m.numSegments),
    price: null,
    price_unit: "USD",
    status: m.status,
    subresource_uris: { media: `${API}/Accounts/${m.accountSid}/Messages/${m.sid}/Media.json` },
    uri: `${API}/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
  };
}

/** Twilio's error body: `{code, message, more_info, status}`. */
export function errorJson(status: number, code: number, message: string): Record<string, unknown> {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}
