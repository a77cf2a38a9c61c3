import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, TENANT_B, textMessage, type Stack } from "../test/stack.js";

let stack: Stack;
const echo = createEchoGateway();
beforeAll(async () => {
  stack = await startStack(echo.definition);
});
afterAll(() => stack.close());

const url = (path: string) => stack.gw.url + path;

describe("public routes", () => {
  it("GET /info describes the gateway in the request's language", async () => {
    const res = await fetch(url("info"));
    expect(res.status).toBe(200);
    const info = (await res.json()) as any;
    expect(Object.keys(info).sort()).toEqual(["description", "developer", "extra", "languages", "name", "type"]);
    expect(info).toMatchObject({
      name: "Echo chat",
      type: "CHAT",
      extra: { contactType: "uri", capabilities: { messages: { formats: ["text", "markdown"] } } },
      languages: { current: "en_US", default: "en_US", available: ["en_US", "ru_RU"] },
      developer: { name: "Switchboard", email: "dev@example.org", hostname: "example.org" },
    });
    const ru = (await (await fetch(url("info"), { headers: { "accept-language": "ru-RU,en;q=0.8" } })).json()) as any;
    expect(ru.name).toBe("Эхо-чат");
    expect(ru.languages.current).toBe("ru_RU");
    // Only the first xx_YY token counts, as in the PHP framework.
    const fr = (await (await fetch(url("info"), { headers: { "accept-language": "fr-FR, ru-RU" } })).json()) as any;
    expect(fr.languages.current).toBe("en_US");
  });

  it("serves the icon, robots.txt and health probes", async () => {
    const icon = await fetch(url("icon.png"));
    expect(icon.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await icon.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    expect(await (await fetch(url("robots.txt"))).text()).toBe("User-agent: *\nDisallow: /");
    expect((await fetch(url("healthz"))).status).toBe(200);
    expect((await (await fetch(url("readyz"))).json()) as any).toEqual({ status: "ready" });
  });

  it("answers unknown paths 404 {code, message}, with CORS headers, and OPTIONS preflight 200", async () => {
    const res = await fetch(url("nope/nothing"));
    expect(res.status).toBe(404);
    expect((await res.json()) as any).toEqual({ code: 404, message: "Not found." });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const pre = await fetch(url("special/send"), { method: "OPTIONS" });
    expect(pre.status).toBe(200);
    expect(pre.headers.get("access-control-allow-methods")).toBe("GET, POST, PUT, OPTIONS");
  });
});

describe("registration", () => {
  it("registers with a valid token and keeps the old registration when a new token is bad", async () => {
    const res = await stack.crm.register(stack.gw.url, TENANT_A);
    expect(res.status).toBe(200);
    expect((await res.json()) as any).toEqual({ registered: true });
    const bad = await fetch(url("registration"), {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ registration: "not.a.token" }),
    });
    expect(bad.status).toBe(403);
    expect((await bad.json()) as any).toEqual({ code: 403, message: "Token is malformed" });
    // Still registered: protected routes keep working.
    expect((await stack.crm.getSettings(stack.gw.url, TENANT_A)).status).toBe(200);
  });

  it("answers 401 without a token and 400 for a body that is not JSON", async () => {
    const missing = await fetch(url("registration"), {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(missing.status).toBe(401);
    const garbage = await fetch(url("registration"), {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: "{oops",
    });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as any).code).toBe(400);
  });

  it("accepts a form-encoded registration", async () => {
    const claims = {
      ...stack.crm.claimsFor(stack.gw.url, TENANT_B),
      HPT: "x".repeat(64),
      country: "RU",
      currency: "RUB",
    };
    const token = stack.crm.mintToken({ claims });
    const res = await fetch(url("registration"), {
      method: "PUT",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ registration: token }).toString(),
    });
    expect(res.status).toBe(200);
    // Re-register with the CRM's own HPT so later outbox tests verify.
    expect((await stack.crm.register(stack.gw.url, TENANT_B)).status).toBe(200);
  });
});

describe("settings", () => {
  it("serves the form with translations and PHP's empty-array shapes", async () => {
    const res = await stack.crm.getSettingsForm(stack.gw.url, TENANT_A);
    expect(res.status).toBe(200);
    const form = (await res.json()) as any;
    expect(form.title).toBe("Echo settings");
    expect(form.groups.main.dependencies).toEqual([]);
    expect(form.groups.main.fields.apiKey).toEqual({
      title: "API key",
      description: null,
      definition: "password",
      default: null,
      context: [],
    });
    expect(form.groups.main.fields.greeting.multiline).toBe(false);
    expect(form.groups.main.fields.status).toMatchObject({ definition: "markdownPreview", previewer: "status" });
  });

  it("round-trips data, masks passwords, keeps an omitted password and validates per field", async () => {
    const gw = stack.gw.url;
    const empty = (await (await stack.crm.getSettings(gw, TENANT_A)).json()) as any;
    expect(empty).toEqual({ main: { apiKey: false } });

    const saved = await stack.crm.putSettings(gw, TENANT_A, {
      main: { apiKey: "s3cret", greeting: "hello", retries: "5", junk: 1 },
      other: {},
    });
    expect(saved.status).toBe(200);
    expect((await saved.json()) as any).toEqual({ main: { apiKey: true, greeting: "hello", retries: 5 } });

    const kept = await stack.crm.putSettings(gw, TENANT_A, { main: { greeting: "hey" } });
    expect((await kept.json()) as any).toEqual({ main: { apiKey: true, greeting: "hey", retries: 3 } });
    expect(
      (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.settings.main!.apiKey,
    ).toBe("s3cret");

    const invalid = await stack.crm.putSettings(gw, TENANT_A, { main: { apiKey: "", retries: 50 } });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()) as any).toEqual({
      main: { apiKey: ["This field is required"], retries: ["At most 10"] },
    });

    const refused = await stack.crm.putSettings(gw, TENANT_A, { main: { apiKey: "wrong" } });
    expect(refused.status).toBe(400);
    expect((await refused.json()) as any).toEqual({ main: { apiKey: ["The service refused this key"] } });
    // Nothing was saved by the refused attempts.
    expect(
      (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.settings.main!.apiKey,
    ).toBe("s3cret");
  });

  it("needs X-PLUGIN-TOKEN, a registered plugin and the settings claim", async () => {
    const noToken = await fetch(url("protected/data/settings"));
    expect(noToken.status).toBe(401);
    expect((await noToken.json()) as any).toEqual({ code: 401, message: "X-PLUGIN-TOKEN not found" });
    const unregistered = await stack.crm.getSettings(stack.gw.url, {
      companyId: "9",
      pluginAlias: "echo",
      pluginId: "9",
    });
    expect(unregistered.status).toBe(403);
    expect(((await unregistered.json()) as any).message).toBe("Plugin was not registered");
    const token = stack.crm.pluginToken(stack.gw.url, TENANT_A, { settings: false });
    const noClaim = await fetch(url("protected/data/settings"), { headers: { "x-plugin-token": token } });
    expect(noClaim.status).toBe(403);
    expect(((await noClaim.json()) as any).message).toBe("Access to settings is not allowed");
  });

  it("isolates tenants: company B never sees or changes company A's settings", async () => {
    await stack.crm.putSettings(stack.gw.url, TENANT_A, { main: { apiKey: "a-key", greeting: "from A" } });
    const b = (await (await stack.crm.getSettings(stack.gw.url, TENANT_B)).json()) as any;
    expect(b).toEqual({ main: { apiKey: false } });
    await stack.crm.putSettings(stack.gw.url, TENANT_B, { main: { apiKey: "b-key", greeting: "from B" } });
    const a = (await (await stack.crm.getSettings(stack.gw.url, TENANT_A)).json()) as any;
    expect(a.main.greeting).toBe("from A");
    expect(
      (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.settings.main!.apiKey,
    ).toBe("a-key");
  });

  it("answers previews and autocompletes, and 404 for unknown ones", async () => {
    const token = stack.crm.pluginToken(stack.gw.url, TENANT_A);
    const preview = await fetch(url("protected/preview/markdown/status"), { headers: { "x-plugin-token": token } });
    // The PHP form component's shape: {markdown}.
    expect((await preview.json()) as any).toEqual({ markdown: "**registered** greeting=from A" });
    const auto = await fetch(url("protected/autocomplete/colors?query=gr"), { headers: { "x-plugin-token": token } });
    expect((await auto.json()) as any).toEqual(["green"]);
    const unknown = await fetch(url("protected/autocomplete/none?query=x"), { headers: { "x-plugin-token": token } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).code).toBe(404);
  });
});

describe("name-keyed tables", () => {
  const inherited = ["constructor", "__proto__", "hasOwnProperty", "valueOf", "toString"];

  it.each(inherited)("a preview, autocomplete or file kind named %s is 404 {code, message}", async (name) => {
    await stack.crm.putSettings(stack.gw.url, TENANT_A, { main: { apiKey: "never-shown-key" } });
    const token = stack.crm.pluginToken(stack.gw.url, TENANT_A, { settings: false });
    const headers = { "x-plugin-token": token };
    const preview = await fetch(url(`protected/preview/markdown/${name}`), { headers });
    const previewText = await preview.text();
    expect(preview.status).toBe(404);
    expect(JSON.parse(previewText)).toEqual({ code: 404, message: "Preview not found" });
    expect(previewText).not.toContain("never-shown-key");
    const auto = await fetch(url(`protected/autocomplete/${name}?query=a`), { headers });
    expect(auto.status).toBe(404);
    expect((await auto.json()) as any).toEqual({ code: 404, message: "Autocomplete not found" });
    const link = stack.gw.runtime.files.link(
      (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!,
      name,
      "k",
    );
    const file = await fetch(link);
    expect(file.status).toBe(404);
    expect((await file.json()) as any).toEqual({ code: 404, message: "File not found" });
  });
});

describe("previews", () => {
  it("hide a stored password whatever the renderer wrote", async () => {
    await stack.crm.putSettings(stack.gw.url, TENANT_B, { main: { apiKey: "b-secret-key", greeting: "b-secret-key" } });
    const res = await stack.crm.request(stack.gw.url, TENANT_B, "GET", "protected/preview/markdown/status");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain("b-secret-key");
    expect(JSON.parse(text)).toEqual({ markdown: "**registered** greeting=[hidden]" });
  });

  it("declared as secret need the settings claim; others do not", async () => {
    const withClaim = await stack.crm.request(stack.gw.url, TENANT_A, "GET", "protected/preview/markdown/webhook");
    expect(withClaim.status).toBe(200);
    expect(((await withClaim.json()) as any).markdown).toContain("/echo/webhook/");
    const token = stack.crm.pluginToken(stack.gw.url, TENANT_A, { settings: false });
    const without = await fetch(url("protected/preview/markdown/webhook"), { headers: { "x-plugin-token": token } });
    expect(without.status).toBe(403);
    expect((await without.json()) as any).toEqual({ code: 403, message: "Access to settings is not allowed" });
    const open = await fetch(url("protected/preview/markdown/status"), { headers: { "x-plugin-token": token } });
    expect(open.status).toBe(200);
  });
});

describe("POST /special/send", () => {
  it("answers 202 with an empty body and queues the message", async () => {
    const res = await stack.crm.send(stack.gw.url, TENANT_A, textMessage("route-1"));
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
    await stack.crm.waitFor(() => echo.calls.some((c) => c.message.id === "route-1"));
  });

  it.each([
    [
      { chat: { contact: "x" }, message: { content: { text: "   ", format: "text" } } },
      "Message text should not be empty",
    ],
    [{ chat: { contact: "x" }, message: { attachments: [] } }, "Message should contain content or attachmetns"],
    [{ chat: {}, message: { content: { text: "hi", format: "text" } } }, "Can not parse chat & message data"],
    [
      { chat: { contact: "x" }, message: { attachments: [{ name: "a", uri: "http://a", type: "video" }] } },
      "Can not parse chat & message data",
    ],
  ])("answers 405 with the protocol's message for %j", async (body, message) => {
    const res = await stack.crm.send(stack.gw.url, TENANT_A, body as never);
    expect(res.status).toBe(405);
    expect((await res.json()) as any).toEqual({ code: 405, message });
  });

  it("queues a message whose content is empty but not null when it has attachments (202), as PHP does", async () => {
    const attachments = [{ name: "a.txt", uri: "http://127.0.0.1:9/a.txt", type: "file" }];
    for (const [i, content] of [{}, [], "", false].entries()) {
      const id = `empty-content-${i}`;
      const res = await stack.crm.send(stack.gw.url, TENANT_A, {
        chat: { contact: "echo://empty" },
        message: { id, content, attachments },
      } as never);
      expect(res.status, JSON.stringify(content)).toBe(202);
      const call = await stack.crm.waitFor(() => echo.calls.find((c) => c.message.id === id));
      expect(call.message.content).toBeNull();
      expect(call.message.attachments).toEqual(attachments);
    }
  });

  it("sends a message in an unknown format as plain text instead of refusing it", async () => {
    const res = await stack.crm.send(stack.gw.url, TENANT_A, {
      chat: { contact: "echo://rtf" },
      message: { id: "rtf-1", content: { text: "{\\rtf1 hi}", format: "rtf" } },
    } as never);
    expect(res.status).toBe(202);
    const call = await stack.crm.waitFor(() => echo.calls.find((c) => c.message.id === "rtf-1"));
    expect(call.message.content).toEqual({ text: "{\\rtf1 hi}", format: "text" });
  });

  it("answers 413 {code, message} for a body over 10 MB, with or without Content-Length", async () => {
    const big = JSON.stringify({ request: "x".repeat(11 * 1024 * 1024) });
    const sized = await fetch(url("special/send"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    });
    expect(sized.status).toBe(413);
    expect((await sized.json()) as any).toEqual({ code: 413, message: "Request body is larger than 10485760 bytes" });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await fetch(url("special/send"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it("answers 403 for an unregistered plugin and for a missing token", async () => {
    const res = await stack.crm.send(
      stack.gw.url,
      { companyId: "77", pluginAlias: "echo", pluginId: "1" },
      textMessage("x"),
    );
    expect(res.status).toBe(403);
    const none = await fetch(url("special/send"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(none.status).toBe(403);
    expect(((await none.json()) as any).code).toBe(403);
  });
});

describe("file answers", () => {
  const SAFE = { "x-content-type-options": "nosniff", "content-security-policy": "sandbox; default-src 'none'" };

  it.each([
    ["image/svg+xml", "image/svg+xml", "attachment"],
    ["text/html; charset=utf-8", "text/html", "attachment"],
    ["application/xhtml+xml", "application/xhtml+xml", "attachment"],
    ["text/plain", "text/plain", "attachment"],
    ["IMAGE/SVG+XML", "image/svg+xml", "attachment"],
    ["text/html\r\nx-evil: 1", "application/octet-stream", "attachment"],
    ["", "application/octet-stream", "attachment"],
    ["image/png; q=1", "image/png", "inline"],
    ["image/jpeg", "image/jpeg", "inline"],
    ["audio/ogg", "audio/ogg", "inline"],
    ["video/mp4", "video/mp4", "inline"],
    ["application/pdf", "application/pdf", "inline"],
  ])("a file the channel calls %j is served as %s, %s, nosniff and sandboxed", async (claimed, type, disposition) => {
    const tenant = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!;
    const res = await fetch(stack.gw.runtime.files.link(tenant, "typed", claimed));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    expect(res.headers.get("content-disposition")).toBe(`${disposition}; filename*=UTF-8''media`);
    expect(Object.fromEntries(Object.keys(SAFE).map((h) => [h, res.headers.get(h)]))).toEqual(SAFE);
  });

  it("stored files get the same headers", async () => {
    const tenant = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!;
    const link = await stack.gw.runtime.files.store(tenant, {
      name: "page.html",
      contentType: "text/html",
      data: Buffer.from("<script>alert(1)</script>"),
    });
    const res = await fetch(link);
    expect(res.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''page.html");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
  });
});

describe("signed file links", () => {
  it("serves a gateway file and a stored file, and refuses tampered or foreign links", async () => {
    const tenant = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!;
    const link = stack.gw.runtime.files.link(tenant, "echo", "abc", { fileName: "e.txt" });
    expect(link.startsWith(stack.gw.url + "files/")).toBe(true);
    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("file:abc");

    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const stored = await stack.gw.runtime.files.store(tenant, {
      name: "b.bin",
      contentType: "application/octet-stream",
      data: bytes,
    });
    const got = await fetch(stored);
    expect(Buffer.from(await got.arrayBuffer())).toEqual(bytes);
    expect(got.headers.get("content-disposition")).toContain("b.bin");

    const [head, name] = stored.split("/files/")[1]!.split("/");
    const [payload, sig] = head!.split(".");
    // Same signature, payload pointing at company 2: the HMAC no longer matches.
    const parts = JSON.parse(Buffer.from(payload!, "base64url").toString()) as unknown[];
    parts[0] = "2";
    const forgedPayload = Buffer.from(JSON.stringify(parts)).toString("base64url");
    expect((await fetch(`${stack.gw.url}files/${forgedPayload}.${sig}/${name}`)).status).toBe(404);

    const expired = stack.gw.runtime.files.link(tenant, "echo", "old", { ttlSeconds: -10 });
    expect((await fetch(expired)).status).toBe(410);
  });
});
