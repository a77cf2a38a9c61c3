/**
 * @module fake-twilio/api — the REST endpoints of the fake, checked with basic auth like Twilio's.
 */
import type { HttpBindings } from "@hono/node-server";
import { Hono, type Context } from "hono";
import {
  accountJson,
  countSegments,
  errorJson,
  makeSid,
  messageJson,
  phoneNumberJson,
  serviceJson,
  type FakeAccount,
} from "./resources.js";
import type { FakeTwilioState, RecordedRequest } from "./state.js";

type Ctx = Context<{ Bindings: HttpBindings }>;
type Target = RecordedRequest["target"];
type Handler = (c: Ctx, req: RecordedRequest, account: FakeAccount, match: RegExpMatchArray) => Response;

interface Route {
  method: string;
  pattern: RegExp;
  target: Target;
  handle: Handler;
}

const A = "/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})";
const E164 = /^(whatsapp:)?\+[1-9]\d{6,14}$/;

function fail(c: Ctx, status: number, code: number, message: string): Response {
  return c.json(errorJson(status, code, message), status as 400);
}

function parseBasicAuth(header: string | undefined): { user: string; pass: string } | null {
  const encoded = header?.match(/^Basic\s+(.+)$/i)?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

function createMessage(state: FakeTwilioState): Handler {
  return (c, req, account) => {
    const form = req.form;
    const to = form.get("To") ?? "";
    const from = form.get("From");
    const serviceSid = form.get("MessagingServiceSid");
    const body = form.get("Body") ?? "";
    const mediaUrls = form.getAll("MediaUrl");
    if (!E164.test(to)) return fail(c, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from && !serviceSid) return fail(c, 400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required.");
    if (serviceSid && !state.services.some((s) => s.sid === serviceSid && s.accountSid === account.sid)) {
      return fail(c, 400, 21705, "The Messaging Service Sid is invalid.");
    }
    if (!body && mediaUrls.length === 0) return fail(c, 400, 21602, "Message body is required.");
    if (body.length > 1600)
      return fail(c, 400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    if (mediaUrls.length > 10) return fail(c, 400, 21623, "Too many media URLs: at most 10 are allowed.");
    if (state.isOptedOut(account.sid, to.replace(/^whatsapp:/, ""))) {
      return fail(c, 400, 21610, "Attempt to send to unsubscribed recipient");
    }
    const message = {
      sid: makeSid(mediaUrls.length ? "MM" : "SM"),
      accountSid: account.sid,
      to,
      from: from ?? null,
      messagingServiceSid: serviceSid ?? null,
      body,
      mediaUrls,
      statusCallback: form.get("StatusCallback"),
      status: from ? "queued" : "accepted",
      numSegments: countSegments(body),
      createdAt: new Date(),
    };
    state.messages.push(message);
    return c.json(messageJson(message), 201);
  };
}

function routes(state: FakeTwilioState): Route[] {
  return [
    {
      method: "GET",
      pattern: new RegExp(`^${A}\\.json$`),
      target: "accounts",
      handle: (c, _r, a) => c.json(accountJson(a)),
    },
    { method: "POST", pattern: new RegExp(`^${A}/Messages\\.json$`), target: "messages", handle: createMessage(state) },
    {
      method: "GET",
      pattern: new RegExp(`^${A}/Messages/((?:SM|MM)[0-9a-f]{32})\\.json$`),
      target: "messages",
      handle: (c, _r, a, m) => {
        const message = state.messages.find((x) => x.sid === m[2] && x.accountSid === a.sid);
        return message ? c.json(messageJson(message)) : fail(c, 404, 20404, "The requested resource was not found");
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${A}/IncomingPhoneNumbers\\.json$`),
      target: "numbers",
      handle: (c, req, a) => {
        const wanted = req.query.get("PhoneNumber");
        const list = state.numbers.filter((n) => n.accountSid === a.sid && (!wanted || n.phoneNumber === wanted));
        return c.json({
          incoming_phone_numbers: list.map(phoneNumberJson),
          page: 0,
          page_size: 50,
          start: 0,
          end: Math.max(list.length - 1, 0),
          first_page_uri: req.path,
          next_page_uri: null,
          previous_page_uri: null,
          uri: req.path,
        });
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^${A}/IncomingPhoneNumbers/(PN[0-9a-f]{32})\\.json$`),
      target: "numbers",
      handle: (c, req, a, m) => {
        const number = state.numbers.find((n) => n.sid === m[2] && n.accountSid === a.sid);
        if (!number) return fail(c, 404, 20404, "The requested resource was not found");
        number.smsUrl = req.form.get("SmsUrl") ?? number.smsUrl;
        number.smsMethod = req.form.get("SmsMethod") ?? number.smsMethod;
        return c.json(phoneNumberJson(number));
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${A}/Messages/((?:SM|MM)[0-9a-f]{32})/Media/(ME[0-9a-f]{32})$`),
      target: "media",
      handle: (c, _r, a, m) => {
        const media = state.media.get(m[3] ?? "");
        if (!media || media.accountSid !== a.sid || media.messageSid !== m[2]) {
          return fail(c, 404, 20404, "The requested resource was not found");
        }
        if (!media.chunked) return c.body(Buffer.from(media.data), 200, { "Content-Type": media.contentType });
        // Two chunks from a stream: the Node server sends Transfer-Encoding: chunked, no length.
        const half = Math.floor(media.data.length / 2);
        const parts = [media.data.slice(0, half), media.data.slice(half)];
        const stream = new ReadableStream<Uint8Array>({
          pull: (controller) => {
            const next = parts.shift();
            if (next) controller.enqueue(next);
            else controller.close();
          },
        });
        return c.body(stream, 200, { "Content-Type": media.contentType });
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/Services\/(MG[0-9a-f]{32})$/,
      target: "services",
      handle: (c, _r, a, m) => {
        const service = state.services.find((s) => s.sid === m[1] && s.accountSid === a.sid);
        return service ? c.json(serviceJson(service)) : fail(c, 404, 20404, "The requested resource was not found");
      },
    },
  ];
}

/** The fake's HTTP app: records every request, checks basic auth, applies scripted failures. */
export function createFakeTwilioApp(state: FakeTwilioState): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>();
  const table = routes(state);
  app.all("*", async (c) => {
    const url = new URL(c.req.url);
    const form = c.req.method === "POST" ? new URLSearchParams(await c.req.text()) : new URLSearchParams();
    const auth = parseBasicAuth(c.req.header("authorization"));
    const account = auth ? state.accounts.get(auth.user) : undefined;
    const authenticated = !!account && account.authToken === auth?.pass;
    const route = table.find((r) => r.method === c.req.method && r.pattern.test(url.pathname));
    const req: RecordedRequest = {
      method: c.req.method,
      path: url.pathname,
      query: url.searchParams,
      form,
      authUser: auth?.user ?? null,
      authenticated,
      status: 0,
      target: route?.target ?? "unknown",
    };
    state.requests.push(req);
    const response = answer(c, state, req, route, authenticated ? account : undefined, url.pathname);
    req.status = c.env.incoming.socket.destroyed ? 0 : response.status;
    return response;
  });
  return app;
}

function answer(
  c: Ctx,
  state: FakeTwilioState,
  req: RecordedRequest,
  route: Route | undefined,
  account: FakeAccount | undefined,
  path: string,
): Response {
  if (!account) return fail(c, 401, 20003, "Authenticate");
  if (!route) return fail(c, 404, 20404, "The requested resource was not found");
  const match = path.match(route.pattern) as RegExpMatchArray;
  if (match[1]?.startsWith("AC") && match[1] !== account.sid) {
    return fail(c, 404, 20404, "The requested resource was not found");
  }
  const failure = state.takeFailure(req.target);
  if (failure?.network) {
    c.env.incoming.socket.destroy();
    return c.body(null, 500);
  }
  if (failure) {
    const status = failure.status ?? 500;
    const headers: Record<string, string> = {};
    if (failure.retryAfterSeconds != null) headers["Retry-After"] = String(failure.retryAfterSeconds);
    const body = errorJson(
      status,
      failure.code ?? (status === 429 ? 20429 : 20500),
      failure.message ?? "Scripted failure",
    );
    return c.json(body, status as 400, headers);
  }
  if (account.status !== "active" && route.target !== "accounts") {
    return fail(c, 401, 20003, "Authenticate");
  }
  return route.handle(c, req, account, match);
}
