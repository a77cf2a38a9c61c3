/**
 * The Bitrix24 view's API against a real fake Bitrix24, with the test playing our app over plain
 * HTTP (test/app-player): the portal's
 * state, Open Lines chats from `send.messages`, the operator's signed answers as events to the app,
 * delivered marks, system notices, and the settings slider relayed both ways.
 */
import { waitFor } from "@switchboard/testkit";
import { parseBracketForm, startFakeBitrix24, type FakeBitrix24 } from "@switchboard/testkit/bitrix24";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UploadStore } from "../files/upload-store.js";
import { OpenLines } from "../portal/open-lines.js";
import { startAppPlayer, type AppPlayer } from "../test/app-player.js";
import { listen, type Listening } from "./listen.js";
import { addPortalRoutes } from "./portal-routes.js";
import { problemResponse } from "./problems.js";

let fake: FakeBitrix24;
let appSide: AppPlayer;
let openLines: OpenLines;
let server: Listening;
const changed: Array<number | null> = [];
let portalChanges = 0;

const url = (path: string) => `http://127.0.0.1:${server.port}/${path}`;
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any });
const get = async (path: string) => json(await fetch(url(path)));
const post = async (path: string, body: unknown) =>
  json(
    await fetch(url(path), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );

const rest = (method: string, params: Record<string, unknown>) => appSide.rest(method, params);
const CONNECTOR = "switchboard_telegram";

beforeAll(async () => {
  fake = await startFakeBitrix24({ portal: { lines: [1], languageId: "en" } });
  appSide = await startAppPlayer(fake, CONNECTOR);
  openLines = new OpenLines({
    fake,
    operatorName: "Olga Petrova",
    onChat: (id) => changed.push(id),
    onPortal: () => (portalChanges += 1),
  });
  const app = new Hono();
  addPortalRoutes(app, { openLines, portal: fake.portal, uploads: new UploadStore() });
  app.onError((error, c) => problemResponse(error, c));
  server = await listen(app, 0, "the test's port");
});

afterAll(async () => {
  openLines?.close();
  await server?.close();
  await fake?.close();
  await appSide?.close();
});

describe("the Bitrix24 view's API", { timeout: 30_000 }, () => {
  it("shows a portal without our app: nothing installed, no chats, and no slider to open", async () => {
    expect((await get("api/bitrix24/portal")).body).toMatchObject({
      memberId: fake.portal.memberId,
      installed: false,
      connectors: [],
      lines: [{ line: 1, connector: null, active: false }],
    });
    expect((await get("api/bitrix24/chats")).body).toEqual([]);
    expect(await get("bitrix24/slider/1")).toEqual({
      status: 409,
      body: { code: 409, message: expect.stringContaining("not installed") },
    });
    expect((await get("bitrix24/slider/2")).status).toBe(404);
  });

  it("opens an Open Lines chat per customer from send.messages, and shows the portal's state", async () => {
    await appSide.connect(1);
    await waitFor(() => portalChanges >= 2);
    await rest("imconnector.send.messages", {
      CONNECTOR,
      LINE: 1,
      MESSAGES: [
        {
          user: { id: "5550001", name: "Ann", last_name: "Lee" },
          message: { id: "u1", date: 1_700_000_000, text: "Where is my [\u200bb]order[/b]?" },
          chat: { id: "5550001" },
        },
      ],
    });
    await waitFor(() => changed.length > 0);
    const chats = (await get("api/bitrix24/chats")).body;
    expect(chats).toEqual([
      expect.objectContaining({
        connector: CONNECTOR,
        line: 1,
        chatId: "5550001",
        userId: "5550001",
        name: "Ann Lee",
        last: expect.objectContaining({ kind: "customer", text: "Where is my [\u200bb]order[/b]?" }),
      }),
    ]);
    expect(changed).toContain(chats[0].id);
    expect((await get("api/bitrix24/portal")).body).toMatchObject({
      installed: true,
      connectors: [{ id: CONNECTOR, name: "Switchboard Telegram" }],
      lines: [{ line: 1, connector: CONNECTOR, active: true, connected: false }],
    });
  });

  it("marks an operator's answer failed with the reason when no app handler is bound", async () => {
    const [chat] = (await get("api/bitrix24/chats")).body;
    const answer = await post(`api/bitrix24/chats/${chat.id}/messages`, { text: "Hello?" });
    expect(answer).toMatchObject({
      status: 201,
      body: { kind: "operator", status: "error", reason: expect.stringContaining("ONIMCONNECTORMESSAGEADD") },
    });
  });

  it("posts the operator's answer to the app with the signature, then shows its delivered mark and the app's notice in order", async () => {
    await appSide.bind("ONIMCONNECTORMESSAGEADD");
    const [chat] = (await get("api/bitrix24/chats")).body;
    const answer = await post(`api/bitrix24/chats/${chat.id}/messages`, { text: "It ships [i]today[/i]" });
    expect(answer).toMatchObject({ status: 201, body: { kind: "operator", status: "sent" } });
    const event = appSide.posts.filter((p) => p.path === "/bitrix24/events").at(-1)!;
    const form = parseBracketForm(event.raw) as any;
    expect(form.event).toBe("ONIMCONNECTORMESSAGEADD");
    expect(form.data.MESSAGES[0]).toMatchObject({
      im: { chat_id: String(chat.id), message_id: String(answer.body.imMessageId) },
      message: { text: "[b]Olga Petrova:[/b][br]It ships [i]today[/i]" },
      chat: { id: "5550001" },
    });

    await rest("imconnector.send.status.delivery", {
      CONNECTOR,
      LINE: 1,
      MESSAGES: [
        {
          im: { chat_id: chat.id, message_id: answer.body.imMessageId },
          message: { id: ["42"] },
          chat: { id: "5550001" },
        },
      ],
    });
    await rest("im.message.add", {
      DIALOG_ID: `chat${chat.id}`,
      MESSAGE: "[b]Not delivered:[/b] blocked",
      SYSTEM: "Y",
    });
    await waitFor(() => changed.filter((id) => id === chat.id).length >= 3);
    const entries = (await get(`api/bitrix24/chats/${chat.id}`)).body.entries;
    expect(entries.map((e: any) => [e.kind, e.status ?? null, e.text])).toEqual([
      ["customer", null, "Where is my [\u200bb]order[/b]?"],
      ["operator", "error", "[b]Olga Petrova:[/b][br]Hello?"],
      ["operator", "delivered", "[b]Olga Petrova:[/b][br]It ships [i]today[/i]"],
      ["notice", null, "[b]Not delivered:[/b] blocked"],
    ]);
  });

  it("lists the calls between the portal and our app, with statuses and errors but never a token", async () => {
    await expect(appSide.rest("imconnector.no.such.method", {})).rejects.toThrow(/404/);
    const res = await fetch(url("api/bitrix24/calls"));
    const raw = await res.text();
    const calls = JSON.parse(raw) as any[];
    expect(calls.find((c) => c.name === "ONAPPINSTALL")).toMatchObject({
      direction: "to-app",
      status: 200,
      detail: "POST /bitrix24/install",
    });
    expect(calls.find((c) => c.name === "imconnector.register")).toMatchObject({
      direction: "to-portal",
      status: 200,
      error: null,
      detail: "json body, auth in body",
    });
    expect(calls.at(-1)).toMatchObject({
      name: "imconnector.no.such.method",
      status: 404,
      error: "ERROR_METHOD_NOT_FOUND",
    });
    expect(calls.map((c) => c.at)).toEqual([...calls.map((c) => c.at)].sort((a, b) => a - b));
    expect(raw).not.toContain(appSide.accessToken);
    expect(raw).not.toContain(fake.portal.applicationToken!);
  });

  it("refuses bad answers with {code, message}", async () => {
    const [chat] = (await get("api/bitrix24/chats")).body;
    expect(await post(`api/bitrix24/chats/${chat.id}/messages`, { text: "   " })).toEqual({
      status: 400,
      body: { code: 400, message: "Write a text or attach a file" },
    });
    expect((await post(`api/bitrix24/chats/${chat.id}/messages`, { text: "x", files: ["nope"] })).status).toBe(400);
    expect((await post("api/bitrix24/chats/999999/messages", { text: "x" })).status).toBe(404);
    expect((await get("api/bitrix24/chats/abc")).status).toBe(404);
  });

  it("relays the settings slider: the app's page framed by the sandbox, its form posting back through the placement", async () => {
    const opened = await fetch(url("bitrix24/slider/1"));
    expect(opened.status).toBe(200);
    const policy = opened.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("frame-ancestors 'self'");
    expect(policy).not.toContain("portal.example");
    expect(policy).toContain("form-action 'self'");
    expect(opened.headers.get("x-content-type-options")).toBe("nosniff");
    expect(opened.headers.get("set-cookie")).toBeNull();
    const page = await opened.text();
    expect(page).toContain('<form method="post" action="/bitrix24/slider/1" accept-charset="utf-8">');
    expect(page).not.toContain(appSide.url);
    const placement = appSide.posts.at(-1)!.body;
    expect([placement.get("PLACEMENT"), JSON.parse(placement.get("PLACEMENT_OPTIONS")!).LINE]).toEqual([
      "SETTING_CONNECTOR",
      "1",
    ]);

    const saved = await fetch(url("bitrix24/slider/1"), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "token=t%261&main.botToken=123%3Aabc",
    });
    expect([saved.status, (await saved.text()).includes("<p>Saved</p>")]).toEqual([200, true]);
    const save = appSide.posts.at(-1)!.body;
    expect([save.get("PLACEMENT"), save.get("token"), save.get("main.botToken")]).toEqual([
      "SETTING_CONNECTOR",
      "t&1",
      "123:abc",
    ]);
    expect(
      (
        await json(
          await fetch(url("bitrix24/slider/1"), {
            method: "POST",
            body: "{}",
            headers: { "content-type": "application/json" },
          }),
        )
      ).status,
    ).toBe(400);
  });
});
