/**
 * Bad input, property-based, against every route and webhook of all three gateways, each with a
 * registered and configured tenant so that malformed requests reach the handlers behind valid
 * webhook ids, signatures, secrets and tokens: `/special/send`, `/registration`, settings,
 * previews (`constructor`, `__proto__`…), autocompletes, uploads, uploaded files, signed file
 * links, the Telegram webhook, Twilio's inbound and status webhooks, email's raw-MIME route and
 * its inbound SMTP server, and every route with every method. Never a 5xx, never a crash, errors
 * always `{code, message}` JSON (settings validation: the protocol's field errors), no credential
 * in any answer, nothing sent.
 */
import fc from "fast-check";
import { waitFor, type PluginRef } from "@switchboard/testkit";
import { encodeForm, twilioSignature } from "@switchboard/testkit/twilio";
import { afterAll, beforeAll, expect, test } from "vitest";
import { BENCH_BOT_TOKEN, BENCH_TENANT, type BenchStack } from "../gateway/bench-stack.js";
import { DbProbe } from "../queue/db-probe.js";
import { startChaosStack } from "./harness/chaos-stack.js";
import { startChannelGateways, type ChannelGateways } from "./harness/channel-gateways.js";
import {
  malformedEmailSettings,
  malformedMime,
  malformedSmsSettings,
  malformedUpdate,
  smtpSession as smtpCommands,
  twilioParams,
} from "./harness/channel-input.js";
import { anyBadToken, contentType, forgedToken, garbageBody, malformedSendBody } from "./harness/malformed.js";
import { isCodeMessage, isFieldErrors, probe, type Answer } from "./harness/probe-request.js";
import { smtpSession } from "./harness/smtp-session.js";
import { chaosSeed } from "./harness/env.js";
import { summary } from "./harness/summary.js";

const RUNS = 300;
/** Fixed seeds keep CI deterministic; `CHAOS_SEED` (read in the harness) explores other inputs. */
const runs = (seedOffset: number, numRuns = RUNS) => ({ numRuns, seed: chaosSeed() + seedOffset });
let stack: BenchStack;
let channels: ChannelGateways;
/** Each gateway under test: its base URL, its tenant and its data folder's database. */
let gateways: Array<{ name: "telegram" | "sms" | "email"; url: string; ref: PluginRef; dbPath: string }>;
let secrets: string[];
const tally = { requests: 0, status2xx: 0, status4xx: 0, status5xx: 0, notCodeMessage: 0, smtpSessions: 0 };
let updateId = 500_000_000;
/** How often malformed input got past the route's checks into its handler, per route and gateway. */
const reached = new Map<string, number>();
const hit = (label: string) => reached.set(label, (reached.get(label) ?? 0) + 1);
/** Labels that must have been hit by the end: input that only ever met a 401 or 404 proves nothing. */
const MUST_REACH = [
  ...["telegram", "sms", "email"].flatMap((gw) => [`send:${gw}`, `settings:${gw}`, `preview:${gw}`, `upload:${gw}`]),
  "telegram-update",
  "twilio:inbound",
  "twilio:status",
  "email-mime",
  "smtp-data",
];

beforeAll(async () => {
  stack = await startChaosStack();
  channels = await startChannelGateways(stack.crm);
  gateways = [
    { name: "telegram", url: stack.gateway.url, ref: BENCH_TENANT, dbPath: stack.dbPath },
    { name: "sms", url: channels.sms.gw.url, ref: channels.sms.ref, dbPath: channels.sms.dbPath },
    { name: "email", url: channels.email.gw.url, ref: channels.email.ref, dbPath: channels.email.dbPath },
  ];
  secrets = [BENCH_BOT_TOKEN, stack.api.webhooks.get(BENCH_BOT_TOKEN)!.secret, ...channels.secrets];
}, 90_000);
afterAll(async () => {
  await channels?.close();
  await stack?.close();
});

/**
 * Every answer: below 500; an error answer is `{code, message}` (or field errors where allowed);
 * no credential of any tenant, and the email webhook token only where the settings claim shows it.
 */
function check(answer: Answer, options: { fieldErrors?: boolean; mayShowWebhookToken?: boolean } = {}): void {
  tally.requests += 1;
  if (answer.status >= 500 || answer.status === 0) tally.status5xx += 1;
  else if (answer.status >= 400) tally.status4xx += 1;
  else tally.status2xx += 1;
  expect(answer.status, `answer ${answer.status}: ${answer.text.slice(0, 200)}`).toBeGreaterThan(0);
  expect(answer.status, answer.text.slice(0, 200)).toBeLessThan(500);
  if (answer.status >= 400) {
    const ok =
      isCodeMessage(answer) || (options.fieldErrors === true && answer.status === 400 && isFieldErrors(answer));
    if (!ok) tally.notCodeMessage += 1;
    expect(ok, `not {code, message}: ${answer.status} ${answer.text.slice(0, 200)}`).toBe(true);
  }
  const shown = [...secrets, ...(options.mayShowWebhookToken ? [] : [channels.email.webhookToken])];
  expect(
    shown.filter((secret) => answer.text.includes(secret)),
    answer.text.slice(0, 200),
  ).toEqual([]);
}

const headersOf = (type: string, extra: Record<string, string> = {}): Record<string, string> => ({
  ...(type ? { "content-type": type } : {}),
  ...extra,
});

const anyGateway = () => fc.constantFrom(...gateways);

test("POST /special/send on every gateway: garbage bodies, bad tokens, malformed messages", async () => {
  const requestBody = (gw: (typeof gateways)[number]) =>
    fc.oneof(
      garbageBody,
      anyBadToken(stack.crm, gw.url, gw.ref).map((t) => JSON.stringify({ request: t })),
      malformedSendBody.map((b) =>
        JSON.stringify({ request: stack.crm.specialToken(gw.url, gw.ref, b as Record<string, unknown>) }),
      ),
      forgedToken(stack.crm, gw.url, gw.ref, {
        chat: { contact: "tg://user?id=5" },
        message: { content: { text: "hi", format: "text" } },
      }).map((t) => JSON.stringify({ request: t })),
    );
  const input = anyGateway().chain((gw) => fc.tuple(fc.constant(gw), requestBody(gw), contentType));
  await fc.assert(
    fc.asyncProperty(input, async ([gw, body, type]) => {
      const answer = await probe(`${gw.url}special/send`, { method: "POST", headers: headersOf(type), body });
      check(answer);
      expect(answer.status).not.toBe(202);
      // A 400 after a valid token: the message itself was read and refused.
      if (answer.status === 400 && /"request":"[^"]+"/.test(String(body))) hit(`send:${gw.name}`);
    }),
    runs(1),
  );
});

test("PUT /registration on every gateway: garbage bodies and forged registration tokens", async () => {
  const input = anyGateway().chain((gw) =>
    fc.tuple(
      fc.constant(gw),
      fc.oneof(
        garbageBody,
        anyBadToken(stack.crm, gw.url, gw.ref).map((t) => JSON.stringify({ registration: t })),
        forgedToken(stack.crm, gw.url, { ...gw.ref, companyId: "77" }).map((t) => JSON.stringify({ registration: t })),
      ),
      contentType,
    ),
  );
  await fc.assert(
    fc.asyncProperty(input, async ([gw, body, type]) => {
      check(await probe(`${gw.url}registration`, { method: "PUT", headers: headersOf(type), body }));
    }),
    runs(2),
  );
});

test("settings of every gateway: bad X-PLUGIN-TOKENs, and a valid one with malformed data; nothing changes", async () => {
  const before = await Promise.all(gateways.map(async (gw) => (await stack.crm.getSettings(gw.url, gw.ref)).text()));
  const telegramData = fc.oneof(
    fc
      .record({ main: fc.oneof(fc.integer(), fc.string(), fc.array(fc.integer()), fc.constant(null)) })
      .map((d) => JSON.stringify(d)),
    fc
      .record({
        main: fc.record({
          botToken: fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 7 }), fc.constant(null)),
        }),
      })
      .map((d) => JSON.stringify(d)),
  );
  const dataFor = {
    telegram: telegramData,
    sms: malformedSmsSettings.map((d) => JSON.stringify(d)),
    email: malformedEmailSettings.map((d) => JSON.stringify(d)),
  };
  const badTokens = anyGateway().chain((gw) =>
    fc.tuple(fc.constant(gw), anyBadToken(stack.crm, gw.url, gw.ref), fc.constantFrom("GET", "PUT"), garbageBody),
  );
  await fc.assert(
    fc.asyncProperty(badTokens, async ([gw, token, method, body]) => {
      check(
        await probe(`${gw.url}protected/data/settings`, {
          method,
          headers: { "x-plugin-token": token, "content-type": "application/json" },
          body: method === "PUT" ? body : undefined,
        }),
      );
    }),
    runs(3),
  );
  const badData = anyGateway().chain((gw) =>
    fc.tuple(fc.constant(gw), fc.oneof(garbageBody, dataFor[gw.name]), contentType),
  );
  await fc.assert(
    fc.asyncProperty(badData, async ([gw, body, type]) => {
      const token = stack.crm.pluginToken(gw.url, gw.ref);
      // A group that is not an object counts as "nothing submitted" (kept settings): 200 is fine
      // then, as long as nothing changes (checked below).
      const answer = await probe(`${gw.url}protected/data/settings`, {
        method: "PUT",
        headers: headersOf(type, { "x-plugin-token": token }),
        body,
      });
      check(answer, { fieldErrors: true });
      if (answer.status === 400 && isFieldErrors(answer)) hit(`settings:${gw.name}`);
    }),
    runs(4),
  );
  const after = await Promise.all(gateways.map(async (gw) => (await stack.crm.getSettings(gw.url, gw.ref)).text()));
  expect(after).toEqual(before);
});

test("Telegram webhook: unknown ids, wrong secrets, garbage bodies, and updates with one field of the wrong shape", async () => {
  const hook = stack.api.webhooks.get(BENCH_BOT_TOKEN)!;
  const base = hook.url.slice(0, hook.url.lastIndexOf("/") + 1);
  const target = fc.oneof(
    fc.record({
      url: fc.string({ maxLength: 30 }).map((id) => base + encodeURIComponent(id)),
      secret: fc.constant(hook.secret),
    }),
    fc.record({ url: fc.constant(hook.url), secret: fc.oneof(fc.string({ maxLength: 80 }), fc.constant("")) }),
    fc.record({ url: fc.constant(hook.url), secret: fc.constant(hook.secret) }),
  );
  await fc.assert(
    fc.asyncProperty(target, garbageBody, contentType, async (t, body, type) => {
      const headers = headersOf(type, t.secret ? { "x-telegram-bot-api-secret-token": t.secret } : {});
      check(await probe(t.url, { method: "POST", headers, body }));
    }),
    runs(5),
  );
  // Behind the right secret: what Telegram could post, with one field broken at any depth.
  await fc.assert(
    fc.asyncProperty(
      malformedUpdate(() => ++updateId),
      async (update) => {
        const headers = { "content-type": "application/json", "x-telegram-bot-api-secret-token": hook.secret };
        const answer = await probe(hook.url, { method: "POST", headers, body: JSON.stringify(update) });
        check(answer);
        if (answer.status === 200) hit("telegram-update");
      },
    ),
    runs(6),
  );
});

test("Twilio webhooks: correctly signed inbound and status callbacks with malformed parameters, plus unknown ids and bad signatures", async () => {
  const { sms, twilio } = channels;
  const signed = fc.tuple(
    fc.constantFrom(sms.inboundUrl, sms.statusUrl),
    twilioParams(sms.account.sid, twilio.url),
    fc.constantFrom("valid", "valid", "valid", "wrong", "none"),
  );
  await fc.assert(
    fc.asyncProperty(signed, async ([url, params, signature]) => {
      const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
      if (signature === "valid") headers["x-twilio-signature"] = twilioSignature(sms.account.authToken, url, params);
      if (signature === "wrong") headers["x-twilio-signature"] = twilioSignature("not-the-token", url, params);
      const answer = await probe(url, { method: "POST", headers, body: encodeForm(params) });
      check(answer);
      if (signature !== "valid") expect(answer.status).toBe(403);
      else if (answer.status !== 403 && answer.status !== 404)
        hit(url === sms.inboundUrl ? "twilio:inbound" : "twilio:status");
    }),
    runs(7),
  );
  const publicId = sms.inboundUrl.slice(sms.inboundUrl.lastIndexOf("/") + 1);
  const paths = fc.oneof(
    fc.string({ maxLength: 30 }).map((id) => `sms/inbound/${encodeURIComponent(id)}`),
    fc.string({ maxLength: 30 }).map((id) => `sms/status/${encodeURIComponent(id)}`),
    fc.constantFrom(`sms/inbound/${publicId}`, `sms/status/${publicId}`),
  );
  await fc.assert(
    fc.asyncProperty(paths, garbageBody, contentType, fc.string({ maxLength: 40 }), async (path, body, type, sig) => {
      check(
        await probe(sms.gw.url + path, {
          method: "POST",
          headers: headersOf(type, { "x-twilio-signature": sig }),
          body,
        }),
      );
    }),
    runs(8),
  );
});

test("email raw-MIME webhook: malformed mail behind the tenant's token, and unknown tokens", async () => {
  const { email } = channels;
  const bodies = fc.oneof(
    malformedMime.map((mime) => ({ type: "message/rfc822", body: mime as string | Uint8Array })),
    garbageBody.chain((body) => contentType.map((type) => ({ type, body }))),
    malformedMime.map((mime) => ({
      type: "application/x-www-form-urlencoded",
      body: new URLSearchParams({ email: mime }).toString() as string | Uint8Array,
    })),
    malformedMime.map((mime) => ({
      type: "multipart/form-data; boundary=zz9",
      body: `--zz9\r\nContent-Disposition: form-data; name="body-mime"\r\n\r\n${mime}\r\n--zz9--\r\n` as
        string | Uint8Array,
    })),
  );
  const urls = fc.oneof(
    fc.constantFrom(email.webhookUrl, email.webhookUrl + "/mime"),
    fc.string({ maxLength: 30 }).map((t) => `${email.gw.url}email/inbound/${encodeURIComponent(t)}`),
  );
  await fc.assert(
    fc.asyncProperty(urls, bodies, async (url, { type, body }) => {
      const answer = await probe(url, { method: "POST", headers: headersOf(type), body });
      check(answer);
      if (url.startsWith(email.webhookUrl) && answer.status === 200) hit("email-mime");
    }),
    runs(9),
  );
});

test("email inbound SMTP server: malformed sessions always get well-formed replies and never end the server", async () => {
  const { email } = channels;
  await fc.assert(
    fc.asyncProperty(smtpCommands(email.inboundAddress), malformedMime, async (commands, mime) => {
      const transcript = await smtpSession(email.smtpPort, commands, mime);
      tally.smtpSessions += 1;
      if (transcript.replies.some((r) => r.code === 354)) hit("smtp-data");
      expect(transcript.replies.length).toBeGreaterThan(0);
      expect(transcript.replies[0]!.code).toBe(220);
      for (const reply of transcript.replies) {
        expect(reply.code >= 200 && reply.code < 600, reply.text).toBe(true);
        expect(secrets.filter((s) => reply.text.includes(s))).toEqual([]);
        expect(reply.text).not.toContain(email.webhookToken);
      }
    }),
    runs(10, 150),
  );
  // Still serving: a well-formed message is accepted.
  const ok = await smtpSession(
    email.smtpPort,
    ["EHLO chaos.test", "MAIL FROM:<ann@customer.test>", `RCPT TO:<${email.inboundAddress}>`, "DATA"],
    "From: Ann <ann@customer.test>\r\nTo: " + email.inboundAddress + "\r\nSubject: still there\r\n\r\nHello",
  );
  expect(ok.replies.map((r) => r.code)).toEqual([220, 250, 250, 250, 354, 250, 221]);
});

test("previews, autocompletes, uploads and uploaded files of every gateway: any name, any token, garbage bodies", async () => {
  const name = fc.oneof(
    // Each gateway's own previewers (connection, setup, inbound) and upload names, so valid requests get through too.
    { weight: 2, arbitrary: fc.constantFrom("connection", "setup", "inbound", "image", "voice") },
    {
      weight: 2,
      arbitrary: fc.constantFrom("constructor", "__proto__", "hasOwnProperty", "valueOf", "toString", "prototype", ""),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  );
  const fileName = fc.oneof(
    fc.constantFrom(
      "a.png",
      "photo.JPG",
      "voice.ogg",
      "doc.pdf",
      "constructor.png",
      "__proto__.txt",
      "a.",
      ".png",
      "noext",
      "a.exe",
      "../../etc/x.png",
      'q".png',
    ),
    fc.string({ maxLength: 20 }),
  );
  const fileType = fc.oneof(
    fc.constantFrom("image/png", "text/html", "image/svg+xml", "application/octet-stream", "audio/ogg"),
    fc.string({ maxLength: 20 }),
  );
  const route = fc.constantFrom("preview", "autocomplete", "upload", "uploadNamed", "uploaded");
  const tokenKind = fc.constantFrom("settings", "no-settings", "garbage");
  const multipart = (fileName: string, type: string, data: string) =>
    `--b\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n${data}\r\n--b--\r\n`;
  await fc.assert(
    fc.asyncProperty(
      anyGateway(),
      route,
      name,
      tokenKind,
      fc.oneof(
        garbageBody,
        fc.tuple(fileName, fileType, fc.string()).map(([n, t, d]) => multipart(n, t, d)),
      ),
      // dep/context are JSON in the protocol: empty, JSON of any shape, or not JSON at all.
      fc.oneof(fc.constant(""), fc.json({ maxDepth: 3 }), fc.string({ maxLength: 30 })),
      fc.boolean(),
      async (gw, kind, anyName, tokenOf, body, query, ownPreviewer) => {
        const n = kind === "preview" && ownPreviewer ? PREVIEWERS[gw.name] : anyName;
        const token =
          tokenOf === "garbage" ? query : stack.crm.pluginToken(gw.url, gw.ref, { settings: tokenOf === "settings" });
        const headers = { "x-plugin-token": token };
        const q = encodeURIComponent(query);
        const name = encodeURIComponent(n);
        const answer =
          kind === "preview"
            ? await probe(`${gw.url}protected/preview/markdown/${name}?dep=${q}&context=${q}`, {
                method: "GET",
                headers,
              })
            : kind === "autocomplete"
              ? await probe(`${gw.url}protected/autocomplete/${name}?query=${q}&dep=${q}`, { method: "GET", headers })
              : kind === "uploaded"
                ? await probe(`${gw.url}uploaded/${name}/${q}`, { method: "GET" })
                : await probe(`${gw.url}protected/upload${kind === "uploadNamed" ? `/${name}` : ""}`, {
                    method: "POST",
                    headers: { ...headers, "content-type": "multipart/form-data; boundary=b" },
                    body,
                  });
        // The email inbound preview shows the webhook URL (with its token) to the settings claim only.
        check(answer, { mayShowWebhookToken: kind === "preview" && tokenOf === "settings" && gw.name === "email" });
        if (answer.status === 200 && kind === "preview") hit(`preview:${gw.name}`);
        if (answer.status === 200 && kind.startsWith("upload") && kind !== "uploaded") hit(`upload:${gw.name}`);
      },
    ),
    runs(11),
  );
});

/** The markdown previewer each gateway's settings form names. */
const PREVIEWERS = { telegram: "connection", sms: "setup", email: "inbound" } as const;

/** Real signed links and uploaded-file URIs of every gateway, for the file routes to be probed with near misses. */
async function realFileLinks(): Promise<string[]> {
  const links: string[] = [];
  for (const gw of gateways) {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" }), "a.png");
    const res = await fetch(`${gw.url}protected/upload`, {
      method: "POST",
      headers: { "x-plugin-token": stack.crm.pluginToken(gw.url, gw.ref) },
      body: form,
    });
    const uri = ((await res.json()) as { uri?: unknown }).uri;
    if (res.status === 200 && typeof uri === "string") links.push(uri);
  }
  // An inbound MMS (signed Twilio media link) and a Telegram photo (signed getFile link).
  const { sms } = channels;
  const params = channels.twilio.inboundParams({
    accountSid: sms.account.sid,
    from: "+14155550777",
    to: sms.number,
    body: "photo",
    media: [{ contentType: "image/png", data: new Uint8Array([1, 2, 3]) }],
  });
  await fetch(sms.inboundUrl, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilioSignature(sms.account.authToken, sms.inboundUrl, params),
    },
    body: encodeForm(params),
  });
  const hook = stack.api.webhooks.get(BENCH_BOT_TOKEN)!;
  await fetch(hook.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": hook.secret },
    body: JSON.stringify({
      update_id: ++updateId,
      message: {
        message_id: 1,
        date: 1_700_000_000,
        chat: { id: 7777, type: "private", first_name: "Ann" },
        from: { id: 7777, is_bot: false, first_name: "Ann" },
        photo: [{ file_id: "chaos-photo", file_unique_id: "cp", width: 10, height: 10, file_size: 3 }],
      },
    }),
  });
  const attachmentOf = (contact: string) =>
    stack.crm.incoming.find((r) => r.body.chat.contact === contact)?.body.message.attachments?.[0]?.uri;
  const signed = await waitFor(() => {
    const fromSms = attachmentOf("+14155550777");
    const fromTelegram = attachmentOf("tg://user?id=7777");
    return fromSms && fromTelegram ? [fromSms, fromTelegram] : undefined;
  });
  return [...links, ...signed];
}

test("signed file links and uploaded files: tampered, truncated and random tokens and names", async () => {
  const links = await realFileLinks();
  expect(links.length).toBeGreaterThanOrEqual(5);
  /** A link with one character of its path replaced; `intact` when its token survived (a valid link). */
  const nearMiss = fc.tuple(fc.constantFrom(...links), fc.nat(), fc.string({ maxLength: 8 })).map(([link, at, s]) => {
    const path = link.indexOf("/", link.indexOf("//") + 2) + 1;
    const position = path + (at % (link.length - path));
    const url = link.slice(0, position) + encodeURIComponent(s) + link.slice(position + 1);
    const token = (u: string) => u.split("/").slice(0, -1).join("/");
    return { url, intact: token(url) === token(link) };
  });
  const random = fc
    .tuple(
      anyGateway(),
      fc.constantFrom("files/", "uploaded/"),
      fc.string({ maxLength: 60 }),
      fc.string({ maxLength: 20 }),
    )
    .map(([gw, route, token, name]) => ({
      url: `${gw.url}${route}${encodeURIComponent(token)}/${encodeURIComponent(name)}`,
      intact: false,
    }));
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(nearMiss, random),
      fc.constantFrom("GET", "HEAD", "POST"),
      async ({ url, intact }, method) => {
        const answer = await probe(url, { method });
        // A link whose token survived is valid: what it serves is the file routes' own tests' business.
        if (intact) expect(answer.status).toBeGreaterThan(0);
        else if (method === "HEAD") {
          // No body to check on HEAD; the status still may not be a server error.
          expect(answer.status).toBeGreaterThan(0);
          expect(answer.status).toBeLessThan(500);
        } else check(answer);
      },
    ),
    runs(12),
  );
});

test("every route of every gateway, with every method and garbage bodies", async () => {
  const ROUTES = [
    "",
    "info",
    "icon.png",
    "robots.txt",
    "healthz",
    "readyz",
    "registration",
    "special/send",
    "protected/forms/settings",
    "protected/data/settings",
    "protected/autocomplete/x",
    "protected/preview/markdown/x",
    "protected/upload",
    "protected/upload/image",
    "uploaded/x/y",
    "files/x/y",
    "telegram/webhook/x",
    "sms/inbound/x",
    "sms/status/x",
    "email/inbound/x",
    "email/inbound/x/mime",
    "%2e%2e/%2e%2e/etc/passwd",
    "protected/../registration",
  ];
  await fc.assert(
    fc.asyncProperty(
      anyGateway(),
      fc.constantFrom(...ROUTES),
      fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
      garbageBody,
      contentType,
      fc.constantFrom("valid", "none", "garbage"),
      async (gw, route, method, body, type, token) => {
        const headers = headersOf(type);
        if (token !== "none")
          headers["x-plugin-token"] =
            token === "valid" ? stack.crm.pluginToken(gw.url, gw.ref, { settings: false }) : "x";
        const answer = await probe(gw.url + route, {
          method,
          headers,
          body: method === "GET" ? undefined : body,
        });
        if (answer.status >= 400 || route.startsWith("protected/") || route === "") check(answer);
        else expect(answer.status).toBeLessThan(500);
      },
    ),
    runs(13),
  );
});

test("afterwards: no process crashed, nothing was sent, every registration stands", async () => {
  for (const gw of [stack.gateway, channels.sms.gw, channels.email.gw]) {
    expect(gw.child.exitCode).toBeNull();
    expect((await probe(`${gw.url}healthz`, { method: "GET" })).status).toBe(200);
  }
  const stored: Record<string, { outgoing: number; crmOutbox: number; registrations: number }> = {};
  for (const gw of gateways) {
    const db = new DbProbe(gw.dbPath);
    // Well-formed webhooks among the random ones forward customers' messages: wait for them to leave.
    await waitFor(async () => (await db.outboxPending()) === 0, { timeoutMs: 30_000 });
    stored[gw.name] = {
      outgoing: await db.total(),
      crmOutbox: await db.outboxPending(),
      registrations: await db.registrations(),
    };
    db.close();
  }
  summary("bad-input", {
    ...tally,
    crmIncoming: stack.crm.incoming.length,
    stored: JSON.stringify(stored),
    reached: JSON.stringify(Object.fromEntries(reached)),
  });
  expect(MUST_REACH.filter((label) => !reached.has(label))).toEqual([]);
  const nothingSent = { outgoing: 0, crmOutbox: 0, registrations: 1 };
  expect(stored).toEqual({ telegram: nothingSent, sms: nothingSent, email: nothingSent });
  // What did reach the CRM came from a webhook that passed its checks, and is a whole message.
  for (const incoming of stack.crm.incoming) {
    expect(typeof incoming.body.chat.contact).toBe("string");
    expect(incoming.body.message.content !== null || (incoming.body.message.attachments ?? []).length > 0).toBe(true);
  }
  expect(tally.status5xx).toBe(0);
});
