import { waitFor } from "@switchboard/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startPortalFixture, type PortalFixture } from "../test/portal-fixture.js";
import { isPortalsApplicationToken } from "./index.js";

const CONNECTOR = "switchboard_sms";
const EVENTS = [
  "OnImConnectorMessageAdd",
  "OnImConnectorMessageUpdate",
  "OnImConnectorMessageDelete",
  "OnImConnectorStatusDelete",
  "OnImConnectorLineDelete",
  "OnAppUninstall",
];

describe("events as the fake Bitrix24's queue server posts them", () => {
  let f: PortalFixture;
  let memberId: string;
  let applicationToken: string;
  beforeEach(async () => {
    f = await startPortalFixture();
    const install = await f.install();
    memberId = install.auth.member_id;
    applicationToken = install.auth.application_token;
    await f.client.call(memberId, "imconnector.register", {
      ID: CONNECTOR,
      NAME: "Switchboard SMS",
      ICON: { DATA_IMAGE: "data:image/svg+xml,%3Csvg%3E%3C/svg%3E" },
      PLACEMENT_HANDLER: f.handler.url,
    });
    await f.client.call(memberId, "imconnector.activate", { CONNECTOR, LINE: 1, ACTIVE: 1 });
    for (const event of EVENTS) await f.client.call(memberId, "event.bind", { event, handler: f.handler.url });
  });
  afterEach(() => f.close());

  it("parses every event the host handles, from the fake's real bracket-form bodies", async () => {
    const said = await f.fake.portal.operatorSays(1, "sms-+15550001", "Hello [b]there[/b]", [
      { name: "price list.pdf", bytes: new TextEncoder().encode("%PDF-1.4"), contentType: "application/pdf" },
    ]);
    await f.fake.portal.operatorEdits(said.imMessageId, "Hello again");
    await f.fake.portal.operatorDeletes(said.imMessageId);
    await f.fake.portal.disconnectLine(1);
    await f.fake.portal.deleteLine(1);
    await f.fake.portal.uninstall();
    await waitFor(() => f.handler.events.some((e) => e.event === "ONAPPUNINSTALL"));
    const byName = new Map(f.handler.events.map((e) => [e.event, e]));
    const add = byName.get("ONIMCONNECTORMESSAGEADD");
    if (add?.event !== "ONIMCONNECTORMESSAGEADD") throw new Error("no message event");
    expect(add.data).toMatchObject({ CONNECTOR, LINE: 1 });
    expect(add.data.MESSAGES[0]).toMatchObject({
      im: { chat_id: said.imChatId, message_id: said.imMessageId },
      chat: { id: "sms-+15550001" },
      message: { text: said.text },
    });
    expect(add.data.MESSAGES[0]!.message.files[0]).toMatchObject({
      name: "price list.pdf",
      link: expect.stringMatching(/^http:\/\/127\.0\.0\.1/),
    });
    // Never confirmed delivered, so the edit carries no external ids.
    expect(byName.get("ONIMCONNECTORMESSAGEUPDATE")).toMatchObject({
      data: { MESSAGES: [{ message: { id: [], text: "[b]Klaus Weber:[/b][br]Hello again" } }] },
    });
    expect(byName.get("ONIMCONNECTORMESSAGEDELETE")).toMatchObject({
      data: { MESSAGES: [{ im: { message_id: said.imMessageId } }] },
    });
    expect(byName.get("ONIMCONNECTORSTATUSDELETE")).toMatchObject({ data: { connector: CONNECTOR, line: 1 } });
    expect(byName.get("ONIMCONNECTORLINEDELETE")).toMatchObject({ data: { line: 1 } });
    const uninstall = byName.get("ONAPPUNINSTALL");
    expect(uninstall).toMatchObject({ auth: { member_id: memberId } });
    expect(f.handler.refused).toEqual([]);
    expect(f.handler.events.every((e) => e.event !== "unsupported")).toBe(true);
    // Every event carries the install's application_token, the only proof it comes from the portal.
    for (const event of f.handler.events) {
      if (event.event === "unsupported") continue;
      expect(isPortalsApplicationToken(event.auth.application_token, applicationToken)).toBe(true);
    }
  });
});
