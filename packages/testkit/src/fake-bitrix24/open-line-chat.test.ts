import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesOf, startFileServer, type FileServer } from "../util/file-server.js";
import { freePort } from "../util/free-port.js";
import { startFakeBitrix24, type FakeBitrix24 } from "./index.js";
import { startAppReceiver, type AppReceiver } from "./test/app-receiver.js";
import { callRest } from "./test/rest-client.js";

const ICON = { DATA_IMAGE: "data:image/svg+xml,%3Csvg%2F%3E" };
const C = "switchboard_telegram";

describe("fake Bitrix24 open-line chat: messages in, operator out, statuses", () => {
  let fake: FakeBitrix24;
  let app: AppReceiver;
  let files: FileServer;
  let token: string;
  const call = (method: string, params: Record<string, unknown>, as: "json" | "form" = "json") =>
    callRest(fake.restUrl, method, params, token, { as });
  const msg = (userId: string, chatId: string, text: string, extra: Record<string, unknown> = {}) => ({
    user: { id: userId, name: "Anna" },
    message: { id: `m-${text}`, date: 1773265993, text, ...extra },
    chat: { id: chatId },
  });
  const send = (messages: unknown[], line = 1) =>
    call("imconnector.send.messages", { CONNECTOR: C, LINE: line, MESSAGES: messages });

  beforeAll(async () => {
    fake = await startFakeBitrix24({ portal: { lines: [1, 2, 5] } });
    app = await startAppReceiver();
    files = await startFileServer();
    token = (await fake.portal.install({ install: `${app.url}/install` })).tokens.accessToken;
    const register = { NAME: "Telegram", ICON, PLACEMENT_HANDLER: `${app.url}/settings` };
    await call("imconnector.register", { ID: C, ...register });
    await call("imconnector.register", { ID: "group_conn", ...register, CHAT_GROUP: "Y" });
    for (const [connector, line] of [
      [C, 1],
      [C, 2],
      [C, 5],
      ["group_conn", 1],
    ] as const) {
      await call("imconnector.activate", { CONNECTOR: connector, LINE: line, ACTIVE: 1 });
    }
    for (const event of [
      "OnImConnectorMessageAdd",
      "OnImConnectorMessageUpdate",
      "OnImConnectorMessageDelete",
      "OnImConnectorStatusDelete",
      "OnImConnectorLineDelete",
    ]) {
      await call("event.bind", { event, handler: `${app.url}/events` });
    }
  });
  afterAll(async () => {
    await fake.close();
    await app.close();
    await files.close();
  });

  it("accepts a batch of messages, one result each, with a dialogue per user.id", async () => {
    const res = await send([msg("u1", "chat-a", "one"), msg("u1", "chat-a", "two"), msg("u2", "chat-a", "three")]);
    expect(res.status).toBe(200);
    const result = res.body.result as { SUCCESS: boolean; DATA: { RESULT: Array<Record<string, unknown>> } };
    expect(result.SUCCESS).toBe(true);
    const [a, b, c] = result.DATA.RESULT as Array<
      { user: string; session: { ID: string; CHAT_ID: string } } & Record<string, unknown>
    >;
    expect(a).toMatchObject({
      user: expect.stringMatching(/^\d+$/),
      message: { id: "m-one", date: {}, text: "one" },
      chat: { id: "chat-a" },
      SUCCESS: true,
      session: { ID: expect.stringMatching(/^\d+$/), CHAT_ID: expect.stringMatching(/^\d+$/) },
    });
    expect(b!.session).toEqual(a!.session);
    expect(b!.user).toBe(a!.user);
    expect(c!.session.ID).not.toBe(a!.session.ID);
    expect(fake.portal.messages({ chatId: "chat-a" }).map((m) => [m.userId, m.text])).toEqual([
      ["u1", "one"],
      ["u1", "two"],
      ["u2", "three"],
    ]);
    expect(fake.portal.messages({ userId: "u1" })[0]!.session).toEqual({
      id: Number(a!.session.ID),
      chatId: Number(a!.session.CHAT_ID),
    });
  });

  it("groups by chat.id for a CHAT_GROUP connector, and reads bracket-form bodies the same", async () => {
    const res = await callRest(
      fake.restUrl,
      "imconnector.send.messages",
      { CONNECTOR: "group_conn", LINE: 1, MESSAGES: [msg("u7", "room", "x"), msg("u8", "room", "y")] },
      token,
      { as: "form", authIn: "query" },
    );
    const rows = (res.body.result as { DATA: { RESULT: Array<{ session: unknown }> } }).DATA.RESULT;
    expect(rows[0]!.session).toEqual(rows[1]!.session);
    expect(fake.portal.messages({ chatId: "room" }).map((m) => m.raw.user)).toEqual([
      { id: "u7", name: "Anna" },
      { id: "u8", name: "Anna" },
    ]);
  });

  it("downloads files[].url and records whether each was reachable", async () => {
    const good = files.put("photo.png", bytesOf(300), "image/png");
    const dead = `http://127.0.0.1:${await freePort()}/gone.png`;
    const res = await send([
      msg("u3", "chat-f", "pics", {
        files: [
          { url: good, name: "photo.png" },
          { url: dead },
          { url: files.put("x", new Uint8Array(0)).replace(/x$/, "missing") },
        ],
      }),
    ]);
    expect((res.body.result as { SUCCESS: boolean }).SUCCESS).toBe(true);
    const [ok, refused, missing] = fake.portal.messages({ chatId: "chat-f" })[0]!.files;
    expect(ok).toMatchObject({
      url: good,
      name: "photo.png",
      status: 200,
      reachable: true,
      bytes: 300,
      contentType: "image/png",
    });
    expect(refused).toMatchObject({ url: dead, status: 0, reachable: false, error: expect.any(String) });
    expect(missing).toMatchObject({ status: 404, reachable: false });
  });

  it("validates as the docs do: arguments, structure, inactive lines, names and empty messages", async () => {
    expect((await call("imconnector.send.messages", { CONNECTOR: C, LINE: 1 })).body).toEqual({
      error: "ERROR_ARGUMENT",
      error_description: "Argument 'MESSAGES' is null or empty",
    });
    expect((await call("imconnector.send.messages", { CONNECTOR: C, LINE: 1, MESSAGES: "x" })).body).toEqual({
      error: "ERROR_ARGUMENT",
      error_description: "The value of an argument 'MESSAGES' must be of type array",
    });
    expect((await send([{ user: { id: "u" }, message: { text: "t" } }])).body).toMatchObject({
      error_description: "The incorrect structure of a message inside MESSAGES parameter",
    });
    await call("imconnector.activate", { CONNECTOR: C, LINE: 2, ACTIVE: 0 });
    expect(await send([msg("u", "c", "t")], 2)).toMatchObject({ status: 400, body: { error: "NOT_ACTIVE_LINE" } });
    expect(await send([msg("u", "c", "t")], 99)).toMatchObject({ status: 400, body: { error: "NOT_ACTIVE_LINE" } });
    await call("imconnector.activate", { CONNECTOR: C, LINE: 2, ACTIVE: 1 });
    const mixed = await send([
      { ...msg("u4", "c4", "ok") },
      { ...msg("u4", "c4", "bad"), user: { id: "u4", name: "R2D2" } },
      { ...msg("u4", "c4", "long"), user: { id: "u4", last_name: "a".repeat(26) } },
      { user: { id: "u4" }, message: { id: "empty" }, chat: { id: "c4" } },
    ]);
    const rows = mixed.body.result as { SUCCESS: boolean; DATA: { RESULT: Array<Record<string, unknown>> } };
    expect(rows.SUCCESS).toBe(false);
    expect(rows.DATA.RESULT.map((r) => r.SUCCESS)).toEqual([true, false, false, false]);
    expect(rows.DATA.RESULT[3]!.ERRORS).toEqual(["IMCONNECTOR_NOT_ALL_THE_REQUIRED_DATA"]);
    expect(fake.portal.messages({ chatId: "c4" }).map((m) => m.text)).toEqual(["ok"]);
  });

  it("posts the operator's message as ONIMCONNECTORMESSAGEADD with the signature and files served by the fake", async () => {
    const sent = await send([msg("u5", "chat-o", "hello")]);
    const session = (sent.body.result as { DATA: { RESULT: Array<{ session: { CHAT_ID: string } }> } }).DATA.RESULT[0]!
      .session;
    const said = await fake.portal.operatorSays(1, "chat-o", "Guten Tag!", [
      { name: "price list.pdf", bytes: bytesOf(1500), contentType: "application/pdf" },
    ]);
    expect(said.imChatId).toBe(Number(session.CHAT_ID));
    expect(said.events).toHaveLength(1);
    const posted = app.received.at(-1)!;
    expect(posted.path).toBe("/events");
    expect(posted.raw).toContain("data%5BMESSAGES%5D%5B0%5D%5Bim%5D%5Bchat_id%5D=");
    expect(posted.form).toEqual({
      event: "ONIMCONNECTORMESSAGEADD",
      event_handler_id: expect.stringMatching(/^\d+$/),
      data: {
        CONNECTOR: C,
        LINE: "1",
        MESSAGES: [
          {
            im: { chat_id: session.CHAT_ID, message_id: String(said.imMessageId) },
            message: {
              user_id: "1",
              text: "[b]Klaus Weber:[/b][br]Guten Tag!",
              files: [
                {
                  name: "price list.pdf",
                  type: "file",
                  mime: "application/pdf",
                  link: expect.stringMatching(new RegExp(`^${fake.url}/files/`)),
                  size: "1500",
                  sizef: "1.5 KB",
                },
              ],
            },
            chat: { id: "chat-o" },
          },
        ],
      },
      ts: expect.any(String),
      auth: expect.objectContaining({
        access_token: expect.any(String),
        member_id: fake.portal.memberId,
        application_token: fake.portal.applicationToken,
        client_endpoint: fake.restUrl,
      }),
    });
    const link = (posted.form.data as { MESSAGES: Array<{ message: { files: Array<{ link: string }> } }> }).MESSAGES[0]!
      .message.files[0]!.link;
    const file = await fetch(link);
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    expect(file.headers.get("content-disposition")).toContain("attachment");
    expect(Buffer.from(await file.arrayBuffer()).equals(bytesOf(1500))).toBe(true);
    expect(fake.portal.delivered(said.imMessageId)).toBe(false);
  });

  it("records send.status.delivery per im.message_id, and refuses a message.id that is not an array", async () => {
    const said = await fake.portal.operatorSays(1, "chat-o", "Second");
    const item = (id: unknown) => ({
      im: { chat_id: said.imChatId, message_id: said.imMessageId },
      message: { id, date: 1773265999 },
      chat: { id: "chat-o" },
    });
    const single = await call("imconnector.send.status.delivery", { CONNECTOR: C, LINE: 1, MESSAGES: [item("tg-1")] });
    expect(single).toEqual({
      status: 400,
      body: {
        error: "ERROR_ARGUMENT",
        error_description: "The value of an argument 'MESSAGES[0][message][id]' must be of type array",
      },
    });
    expect(fake.portal.delivered(said.imMessageId)).toBe(false);
    const ok = await call(
      "imconnector.send.status.delivery",
      { CONNECTOR: C, LINE: 1, MESSAGES: [item(["tg-1"])] },
      "form",
    );
    expect(ok).toMatchObject({ status: 200, body: { result: { SUCCESS: true, DATA: [] } } });
    expect(fake.portal.delivered(said.imMessageId)).toBe(true);
    expect(fake.portal.deliveries(said.imMessageId)).toEqual([
      {
        kind: "delivery",
        connector: C,
        line: 1,
        imChatId: said.imChatId,
        imMessageId: said.imMessageId,
        messageIds: ["tg-1"],
        chatId: "chat-o",
        date: 1773265999,
      },
    ]);
    const reading = await call("imconnector.send.status.reading", {
      CONNECTOR: C,
      LINE: 1,
      MESSAGES: [item(["tg-1"])],
    });
    expect(reading.body.result).toEqual({ SUCCESS: true, DATA: [] });
    expect(fake.portal.deliveries(said.imMessageId).map((d) => d.kind)).toEqual(["delivery", "reading"]);

    // The operator edits and deletes it: the events carry our external ids.
    await fake.portal.operatorEdits(said.imMessageId, "Second, fixed");
    expect(app.received.at(-1)!.form).toMatchObject({
      event: "ONIMCONNECTORMESSAGEUPDATE",
      data: {
        MESSAGES: [{ message: { id: ["tg-1"], text: "[b]Klaus Weber:[/b][br]Second, fixed" }, chat: { id: "chat-o" } }],
      },
    });
    await fake.portal.operatorDeletes(said.imMessageId);
    expect(app.received.at(-1)!.form).toMatchObject({
      event: "ONIMCONNECTORMESSAGEDELETE",
      data: {
        MESSAGES: [{ im: { message_id: String(said.imMessageId) }, message: { id: "tg-1" }, chat: { id: "chat-o" } }],
      },
    });
  });

  it("drops operator events in drop mode (never retried), so the message stays undelivered", async () => {
    const before = app.received.length;
    fake.setDropEvents(true);
    const said = await fake.portal.operatorSays(1, "chat-o", "lost");
    fake.setDropEvents(false);
    expect(said.events).toMatchObject([{ event: "ONIMCONNECTORMESSAGEADD", dropped: true, status: 0 }]);
    expect(app.received.length).toBe(before);
    expect(fake.portal.delivered(said.imMessageId)).toBe(false);
    // A handler that fails is not retried either.
    app.answer.status = 500;
    const failed = await fake.portal.operatorSays(1, "chat-o", "failed");
    app.answer.status = 200;
    expect(failed.events).toMatchObject([{ status: 500, dropped: false }]);
    expect(app.received.length).toBe(before + 1);
  });

  it("sends events without access_token when automation triggered them, or with a wrong application_token", async () => {
    await fake.portal.operatorSays(1, "chat-o", "auto", [], { automation: true, signature: false });
    const auto = app.received.at(-1)!.form as {
      auth: Record<string, string>;
      data: { MESSAGES: Array<{ message: { text: string } }> };
    };
    expect(auto.auth).not.toHaveProperty("access_token");
    expect(auto.auth.application_token).toBe(fake.portal.applicationToken);
    expect(auto.data.MESSAGES[0]!.message.text).toBe("auto");
    await fake.portal.operatorSays(1, "chat-o", "forged", [], { applicationToken: "wrong" });
    expect((app.received.at(-1)!.form.auth as Record<string, string>).application_token).toBe("wrong");
  });

  it("posts im.message.add system messages into the open-line chat", async () => {
    const said = await fake.portal.operatorSays(1, "chat-o", "will fail");
    const res = await call("im.message.add", {
      DIALOG_ID: `chat${said.imChatId}`,
      MESSAGE: "Not delivered: blocked by user",
      SYSTEM: "Y",
    });
    expect(res).toMatchObject({ status: 200, body: { result: expect.any(Number) } });
    expect(fake.portal.systemMessages(said.imChatId)).toMatchObject([
      { message: "Not delivered: blocked by user", system: true },
    ]);
    expect((await call("im.message.add", { DIALOG_ID: "chat999999", MESSAGE: "x" })).body).toMatchObject({
      error: "CHAT_ID",
    });
    expect((await call("im.message.add", { DIALOG_ID: `chat${said.imChatId}` })).body).toMatchObject({
      error: "MESSAGE_EMPTY",
    });
  });

  it("updates and deletes customer messages and renames a chat", async () => {
    await send([msg("u6", "chat-u", "typo")]);
    const update = await call("imconnector.update.messages", {
      CONNECTOR: C,
      LINE: 1,
      MESSAGES: [msg("u6", "chat-u", "typo", { text: "fixed" })],
    });
    expect((update.body.result as { SUCCESS: boolean }).SUCCESS).toBe(true);
    expect(fake.portal.messages({ chatId: "chat-u" })[0]!.edits).toEqual([{ text: "fixed", files: [] }]);
    const unknown = await call("imconnector.update.messages", {
      CONNECTOR: C,
      LINE: 1,
      MESSAGES: [msg("u6", "chat-u", "nope")],
    });
    expect((unknown.body.result as { SUCCESS: boolean }).SUCCESS).toBe(false);
    const del = await call("imconnector.delete.messages", {
      CONNECTOR: C,
      LINE: 1,
      MESSAGES: [{ user: { id: "u6" }, message: { id: "m-typo" }, chat: { id: "chat-u" } }],
    });
    expect(del.body.result).toMatchObject({
      SUCCESS: true,
      DATA: { RESULT: [{ message: { id: "m-typo" }, chat: { id: "chat-u" }, SUCCESS: true }] },
    });
    expect(fake.portal.messages({ chatId: "chat-u" })[0]!.deleted).toBe(true);
    expect(
      (await call("imconnector.chat.name.set", { CONNECTOR: C, LINE: 1, CHAT_ID: "chat-u", NAME: "Anna" })).body,
    ).toEqual({
      error: "ERROR_ARGUMENT",
      error_description: "Argument 'USER_ID' is null or empty",
    });
    const renamed = await call("imconnector.chat.name.set", {
      CONNECTOR: C,
      LINE: 1,
      CHAT_ID: "chat-u",
      NAME: "Anna",
      USER_ID: "u6",
    });
    expect(renamed.body.result).toEqual({ SUCCESS: true, DATA: { RESULT: {} } });
    expect(fake.portal.dialogues().find((d) => d.chatId === "chat-u")?.chatName).toBe("Anna");
  });

  it("switches a connector off on a line (STATUSDELETE, lower-case keys) and deletes a line (LINEDELETE, bare data)", async () => {
    await fake.portal.disconnectLine(5);
    expect(app.received.at(-1)!.form).toMatchObject({
      event: "ONIMCONNECTORSTATUSDELETE",
      data: { connector: C, line: "5" },
    });
    expect(await send([msg("u", "c", "t")], 5)).toMatchObject({ status: 400, body: { error: "NOT_ACTIVE_LINE" } });
    await fake.portal.deleteLine(2);
    const posted = app.received.at(-1)!;
    expect(posted.form).toMatchObject({ event: "ONIMCONNECTORLINEDELETE", data: "2" });
    expect(posted.raw).toMatch(/(^|&)data=2(&|$)/);
    expect(await send([msg("u", "c", "t")], 2)).toMatchObject({ status: 400, body: { error: "NOT_ACTIVE_LINE" } });
  });
});
