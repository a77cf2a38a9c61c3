/**
 * Bad input, property-based: thousands of malformed bodies and tokens against `/special/send`,
 * `/registration`, settings, previews, autocompletes, uploads and every gateway's webhooks. Never a 5xx, never a crash, errors
 * always `{code, message}` JSON (settings validation: the protocol's field errors), nothing stored.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { freePort } from "@switchboard/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import { BENCH_BOT_TOKEN, BENCH_TENANT, type BenchStack } from "../gateway/bench-stack.js";
import { GatewayProcess } from "../gateway/gateway-process.js";
import { DbProbe } from "../queue/db-probe.js";
import { startChaosStack } from "./harness/chaos-stack.js";
import { anyBadToken, contentType, forgedToken, garbageBody, malformedSendBody } from "./harness/malformed.js";
import { isCodeMessage, isFieldErrors, probe, type Answer } from "./harness/probe-request.js";
import { chaosSeed } from "./harness/env.js";
import { summary } from "./harness/summary.js";

const RUNS = 400;
/** Fixed seeds keep CI deterministic; `CHAOS_SEED` (read in the harness) explores other inputs. */
const runs = (seedOffset: number) => ({ numRuns: RUNS, seed: chaosSeed() + seedOffset });
let stack: BenchStack;
let others: Array<{ name: string; gw: GatewayProcess; dir: string }> = [];
const tally = { requests: 0, status2xx: 0, status4xx: 0, status5xx: 0, notCodeMessage: 0 };

beforeAll(async () => {
  stack = await startChaosStack();
  others = await Promise.all(
    (["sms", "email"] as const).map(async (name) => {
      const dir = mkdtempSync(join(tmpdir(), `switchboard-chaos-${name}-`));
      const port = await freePort();
      const gw = GatewayProcess.spawn({
        script: fileURLToPath(new URL(`../../../apps/${name}/dist/main.js`, import.meta.url)),
        port,
        env: {
          ...stack.crm.env,
          SWITCHBOARD_DB_PATH: join(dir, "db.sqlite"),
          SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
          LOG_LEVEL: "fatal",
        },
      });
      await gw.ready();
      return { name, gw, dir };
    }),
  );
});
afterAll(async () => {
  for (const o of others) {
    await o.gw.kill();
    rmSync(o.dir, { recursive: true, force: true });
  }
  await stack?.close();
});

/** Every answer: below 500; an error answer is `{code, message}` (or field errors where allowed). */
function check(answer: Answer, options: { fieldErrors?: boolean } = {}): void {
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
}

const headersOf = (type: string, extra: Record<string, string> = {}) => ({
  ...(type ? { "content-type": type } : {}),
  ...extra,
});

test("POST /special/send: garbage bodies, bad tokens, malformed messages", async () => {
  const url = `${stack.gateway.url}special/send`;
  const gw = stack.gateway.url;
  const requestBody = fc.oneof(
    garbageBody,
    anyBadToken(stack.crm, gw, BENCH_TENANT).map((t) => JSON.stringify({ request: t })),
    malformedSendBody.map((b) =>
      JSON.stringify({ request: stack.crm.specialToken(gw, BENCH_TENANT, b as Record<string, unknown>) }),
    ),
    forgedToken(stack.crm, gw, BENCH_TENANT, {
      chat: { contact: "tg://user?id=5" },
      message: { content: { text: "hi", format: "text" } },
    }).map((t) => JSON.stringify({ request: t })),
  );
  await fc.assert(
    fc.asyncProperty(requestBody, contentType, async (body, type) => {
      const answer = await probe(url, { method: "POST", headers: headersOf(type), body });
      check(answer);
      expect(answer.status).not.toBe(202);
    }),
    runs(1),
  );
});

test("PUT /registration: garbage bodies and forged registration tokens", async () => {
  const url = `${stack.gateway.url}registration`;
  const gw = stack.gateway.url;
  const body = fc.oneof(
    garbageBody,
    anyBadToken(stack.crm, gw, BENCH_TENANT).map((t) => JSON.stringify({ registration: t })),
    forgedToken(stack.crm, gw, { ...BENCH_TENANT, companyId: "77" }).map((t) => JSON.stringify({ registration: t })),
  );
  await fc.assert(
    fc.asyncProperty(body, contentType, async (b, type) => {
      check(await probe(url, { method: "PUT", headers: headersOf(type), body: b }));
    }),
    runs(2),
  );
});

test("settings: bad X-PLUGIN-TOKENs, and a valid one with malformed data", async () => {
  const url = `${stack.gateway.url}protected/data/settings`;
  const gw = stack.gateway.url;
  const before = await (await stack.crm.getSettings(gw, BENCH_TENANT)).text();
  const valid = stack.crm.pluginToken(gw, BENCH_TENANT);
  const badData = fc.oneof(
    garbageBody,
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
  await fc.assert(
    fc.asyncProperty(
      anyBadToken(stack.crm, gw, BENCH_TENANT),
      fc.constantFrom("GET", "PUT"),
      garbageBody,
      async (token, method, body) => {
        check(
          await probe(url, {
            method,
            headers: { "x-plugin-token": token, "content-type": "application/json" },
            body: method === "PUT" ? body : undefined,
          }),
        );
      },
    ),
    runs(3),
  );
  await fc.assert(
    fc.asyncProperty(badData, contentType, async (body, type) => {
      // A group that is not an object counts as "nothing submitted" (kept settings): 200 is fine
      // then, as long as nothing changes (checked below).
      check(await probe(url, { method: "PUT", headers: headersOf(type, { "x-plugin-token": valid }), body }), {
        fieldErrors: true,
      });
    }),
    runs(4),
  );
  expect(await (await stack.crm.getSettings(gw, BENCH_TENANT)).text()).toBe(before);
});

test("Telegram webhook: unknown ids, wrong secrets, garbage updates", async () => {
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
});

test("SMS and email webhooks: unknown tenants, bad signatures, garbage bodies", async () => {
  const paths = fc.oneof(
    fc.string({ maxLength: 30 }).map((id) => `sms/inbound/${encodeURIComponent(id)}`),
    fc.string({ maxLength: 30 }).map((id) => `sms/status/${encodeURIComponent(id)}`),
    fc.string({ maxLength: 30 }).map((id) => `email/inbound/${encodeURIComponent(id)}`),
    fc.string({ maxLength: 30 }).map((id) => `email/inbound/${encodeURIComponent(id)}/mime`),
  );
  await fc.assert(
    fc.asyncProperty(
      paths,
      garbageBody,
      contentType,
      fc.string({ maxLength: 40 }),
      async (path, body, type, signature) => {
        const target = others.find((o) => path.startsWith(o.name))!;
        check(
          await probe(target.gw.url + path, {
            method: "POST",
            headers: headersOf(type, { "x-twilio-signature": signature }),
            body,
          }),
        );
      },
    ),
    runs(6),
  );
});

test("previews, autocompletes, uploads and uploaded files of every gateway: any name, any token, garbage bodies", async () => {
  const gateways = [stack.gateway.url, ...others.map((o) => o.gw.url)];
  // Registered everywhere, so valid tokens reach the routes instead of stopping at 403.
  for (const url of gateways.slice(1)) expect((await stack.crm.register(url, BENCH_TENANT)).status).toBe(200);
  const name = fc.oneof(
    fc.constantFrom("constructor", "__proto__", "hasOwnProperty", "valueOf", "toString", "connection", "setup"),
    fc.constantFrom("inbound", "image", "voice", ""),
    fc.string({ maxLength: 20 }),
  );
  const route = fc.constantFrom("preview", "autocomplete", "upload", "uploadNamed", "uploaded");
  const tokenKind = fc.constantFrom("settings", "no-settings", "garbage");
  const multipart = (fileName: string, type: string, data: string) =>
    `--b\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n${data}\r\n--b--\r\n`;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...gateways),
      route,
      name,
      tokenKind,
      fc.oneof(
        garbageBody,
        fc.tuple(name, fc.string(), fc.string()).map(([n, t, d]) => multipart(n, t, d)),
      ),
      fc.string({ maxLength: 30 }),
      async (gw, kind, n, tokenOf, body, query) => {
        const token =
          tokenOf === "garbage" ? query : stack.crm.pluginToken(gw, BENCH_TENANT, { settings: tokenOf === "settings" });
        const headers = { "x-plugin-token": token };
        const q = encodeURIComponent(query);
        const name = encodeURIComponent(n);
        const answer =
          kind === "preview"
            ? await probe(`${gw}protected/preview/markdown/${name}?dep=${q}&context=${q}`, { method: "GET", headers })
            : kind === "autocomplete"
              ? await probe(`${gw}protected/autocomplete/${name}?query=${q}&dep=${q}`, { method: "GET", headers })
              : kind === "uploaded"
                ? await probe(`${gw}uploaded/${name}/${q}`, { method: "GET" })
                : await probe(`${gw}protected/upload${kind === "uploadNamed" ? `/${name}` : ""}`, {
                    method: "POST",
                    headers: { ...headers, "content-type": "multipart/form-data; boundary=b" },
                    body,
                  });
        check(answer);
        expect(answer.text).not.toContain(BENCH_BOT_TOKEN.split(":")[1]);
      },
    ),
    runs(7),
  );
});

test("afterwards: no process crashed and nothing was stored", async () => {
  for (const gw of [stack.gateway, ...others.map((o) => o.gw)]) {
    expect(gw.child.exitCode).toBeNull();
    expect((await probe(`${gw.url}healthz`, { method: "GET" })).status).toBe(200);
  }
  const db = new DbProbe(stack.dbPath);
  const stored = { outgoing: db.total(), crmOutbox: db.outboxPending(), registrations: db.registrations() };
  db.close();
  summary("bad-input", { ...tally, ...stored, crmIncoming: stack.crm.incoming.length });
  expect(stored).toEqual({ outgoing: 0, crmOutbox: 0, registrations: 1 });
  expect(stack.crm.incoming).toHaveLength(0);
  expect(tally.status5xx).toBe(0);
});
