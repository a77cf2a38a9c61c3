import fc from "fast-check";
import qs from "qs";
import { describe, expect, it } from "vitest";
import { EventInputError, isPortalsApplicationToken, parseEvent, parseEventForm } from "./index.js";

const auth = {
  access_token: "c978b990071b0008440001b0895f697a",
  expires: "1773762761",
  expires_in: "3600",
  scope: "imconnector,imopenlines",
  domain: "some-domain.bitrix24.com",
  server_endpoint: "https://oauth.bitrix.info/rest/",
  status: "F",
  client_endpoint: "https://some-domain.bitrix24.com/rest/",
  member_id: "bac1cd5c8940947a75e0d71b1a84e348",
  user_id: "27",
  application_token: "831c76b092f9f135d9b6b36c3a720757",
};

/** A body as PHP's http_build_query writes it (what Bitrix's queue server sends). */
function form(value: Record<string, unknown>): string {
  return qs.stringify(value, { encodeValuesOnly: false });
}

describe("parseEvent", () => {
  it("reads an ONIMCONNECTORMESSAGEADD body written by hand in bracket form, with files and Cyrillic", () => {
    const body = [
      "event=ONIMCONNECTORMESSAGEADD",
      "event_handler_id=555",
      "ts=1773759161",
      "data%5BCONNECTOR%5D=switchboard_telegram",
      "data%5BLINE%5D=107",
      "data%5BMESSAGES%5D%5B0%5D%5Bim%5D%5Bchat_id%5D=1807",
      "data%5BMESSAGES%5D%5B0%5D%5Bim%5D%5Bmessage_id%5D=86497",
      "data%5BMESSAGES%5D%5B0%5D%5Bmessage%5D%5Buser_id%5D=27",
      `data%5BMESSAGES%5D%5B0%5D%5Bmessage%5D%5Btext%5D=${encodeURIComponent("[b]Клаус Вебер:[/b] [br]Добрый день! 👋 a&b=c")}`,
      "data%5BMESSAGES%5D%5B0%5D%5Bmessage%5D%5Bfiles%5D%5B0%5D%5Bname%5D=price.pdf",
      "data%5BMESSAGES%5D%5B0%5D%5Bmessage%5D%5Bfiles%5D%5B0%5D%5Btype%5D=file",
      "data%5BMESSAGES%5D%5B0%5D%5Bmessage%5D%5Bfiles%5D%5B0%5D%5Bmime%5D=application%2Fpdf",
      "data%5BMESSAGES%5D%5B0%5D%5Bmessage%5D%5Bfiles%5D%5B0%5D%5Blink%5D=https%3A%2F%2Fportal.example%2Fdisk%2F1%3Fa%3D1%26b%3D2",
      "data%5BMESSAGES%5D%5B0%5D%5Bmessage%5D%5Bfiles%5D%5B0%5D%5Bsize%5D=2048",
      "data%5BMESSAGES%5D%5B0%5D%5Bchat%5D%5Bid%5D=tg-100500",
      ...Object.entries(auth).map(([k, v]) => `auth%5B${k}%5D=${encodeURIComponent(v)}`),
    ].join("&");
    const event = parseEvent(body);
    expect(event.event).toBe("ONIMCONNECTORMESSAGEADD");
    if (event.event !== "ONIMCONNECTORMESSAGEADD") throw new Error("unreachable");
    expect(event.data.LINE).toBe(107);
    expect(event.data.CONNECTOR).toBe("switchboard_telegram");
    expect(event.auth.member_id).toBe(auth.member_id);
    expect(event.data.MESSAGES).toEqual([
      {
        im: { chat_id: 1807, message_id: 86497 },
        message: {
          user_id: 27,
          text: "[b]Клаус Вебер:[/b] [br]Добрый день! 👋 a&b=c",
          files: [
            {
              name: "price.pdf",
              type: "file",
              mime: "application/pdf",
              link: "https://portal.example/disk/1?a=1&b=2",
              size: 2048,
            },
          ],
        },
        chat: { id: "tg-100500" },
      },
    ]);
  });

  it("takes a message event triggered by automation, without access_token, and a file-only message", () => {
    const { access_token: _dropped, ...automationAuth } = auth;
    const event = parseEvent(
      form({
        event: "ONIMCONNECTORMESSAGEADD",
        data: {
          CONNECTOR: "c",
          LINE: "3",
          MESSAGES: [
            { im: { chat_id: "1", message_id: "2" }, message: { files: [{ link: "https://p/x" }] }, chat: { id: "9" } },
          ],
        },
        auth: automationAuth,
      }),
    );
    if (event.event !== "ONIMCONNECTORMESSAGEADD") throw new Error(event.event);
    expect(event.auth.access_token).toBeUndefined();
    expect(event.data.MESSAGES[0]!.message).toEqual({ text: "", files: [{ link: "https://p/x" }] });
  });

  it("reads ONIMCONNECTORMESSAGEUPDATE ids as an array and DELETE's single id as an array too", () => {
    const update = parseEvent(
      form({
        event: "ONIMCONNECTORMESSAGEUPDATE",
        data: {
          CONNECTOR: "c",
          LINE: 107,
          MESSAGES: [
            {
              im: { chat_id: 845, message_id: 344029 },
              message: { id: ["99", "100"], text: "new" },
              chat: { id: "2" },
            },
          ],
        },
        auth,
      }),
    );
    if (update.event !== "ONIMCONNECTORMESSAGEUPDATE") throw new Error(update.event);
    expect(update.data.MESSAGES[0]!.message).toEqual({ id: ["99", "100"], text: "new" });

    const del = parseEvent(
      form({
        event: "ONIMCONNECTORMESSAGEDELETE",
        data: {
          CONNECTOR: "c",
          LINE: 107,
          MESSAGES: [
            { im: { chat_id: 1807, message_id: 86501 }, message: { id: "ext-msg-005" }, chat: { id: "channel-123" } },
          ],
        },
        auth,
      }),
    );
    if (del.event !== "ONIMCONNECTORMESSAGEDELETE") throw new Error(del.event);
    expect(del.data.MESSAGES[0]!.message.id).toEqual(["ext-msg-005"]);
    // A message never confirmed has no external ids: an empty or missing id is an empty list.
    const unconfirmed = parseEvent(
      "event=ONIMCONNECTORMESSAGEDELETE&data[CONNECTOR]=c&data[LINE]=1&data[MESSAGES][0][im][chat_id]=1&data[MESSAGES][0][im][message_id]=2" +
        `&data[MESSAGES][0][message][id]=&data[MESSAGES][0][chat][id]=x&${qs.stringify({ auth })}`,
    );
    if (unconfirmed.event !== "ONIMCONNECTORMESSAGEDELETE") throw new Error(unconfirmed.event);
    expect(unconfirmed.data.MESSAGES[0]!.message.id).toEqual([]);
  });

  it("reads ONIMCONNECTORLINEDELETE with its bare-integer data, and the older LINE_ID form", () => {
    const bare = parseEvent(`event=ONIMCONNECTORLINEDELETE&data=107&${qs.stringify({ auth })}`);
    expect(bare).toMatchObject({ event: "ONIMCONNECTORLINEDELETE", data: { line: 107 } });
    const older = parseEvent(form({ event: "ONIMCONNECTORLINEDELETE", data: { LINE_ID: "12" }, auth }));
    expect(older).toMatchObject({ data: { line: 12 } });
  });

  it("reads ONIMCONNECTORSTATUSDELETE in the current lower-case and the older upper-case keys", () => {
    expect(
      parseEvent(form({ event: "ONIMCONNECTORSTATUSDELETE", data: { connector: "c", line: "107" }, auth })),
    ).toMatchObject({
      data: { connector: "c", line: 107 },
    });
    expect(
      parseEvent(form({ event: "ONIMCONNECTORSTATUSDELETE", data: { CONNECTOR: "c", LINE: "5" }, auth })),
    ).toMatchObject({
      data: { connector: "c", line: 5 },
    });
    expect(() => parseEvent(form({ event: "ONIMCONNECTORSTATUSDELETE", data: { line: "5" }, auth }))).toThrow(
      /connector and line are required/,
    );
  });

  it("reads ONAPPINSTALL with its tokens and ONAPPUNINSTALL with only the application token", () => {
    const install = parseEvent(
      form({
        event: "ONAPPINSTALL",
        data: { VERSION: "1", ACTIVE: "Y", INSTALLED: "Y", LANGUAGE_ID: "ru" },
        auth: { ...auth, refresh_token: "r-1" },
      }),
    );
    expect(install).toMatchObject({ event: "ONAPPINSTALL", auth: { refresh_token: "r-1", expires_in: 3600 } });
    expect(() => parseEvent(form({ event: "ONAPPINSTALL", auth }))).toThrow(/auth\.refresh_token/);

    const uninstall = parseEvent(
      form({
        event: "onAppUninstall",
        data: { LANGUAGE_ID: "en", CLEAN: "1" },
        auth: { domain: auth.domain, member_id: auth.member_id, application_token: auth.application_token },
      }),
    );
    expect(uninstall).toMatchObject({ event: "ONAPPUNINSTALL", data: { CLEAN: "1" } });
  });

  it("answers unsupported for a well-formed event we do not handle", () => {
    expect(parseEvent(form({ event: "ONCRMDEALUPDATE", data: { FIELDS: { ID: 1 } }, auth }))).toEqual({
      event: "unsupported",
      name: "ONCRMDEALUPDATE",
      memberId: auth.member_id,
    });
  });

  it("refuses bodies that are not events, with a reason and never a crash", () => {
    for (const body of ["", "hello", "event=", "event[]=a", "event=A&event=B"]) {
      expect(() => parseEvent(body), body).toThrow(EventInputError);
    }
    const noMessages = form({ event: "ONIMCONNECTORMESSAGEADD", data: { CONNECTOR: "c", LINE: 1 }, auth });
    expect(() => parseEvent(noMessages)).toThrow(/data\.MESSAGES/);
    const badLine = form({
      event: "ONIMCONNECTORMESSAGEADD",
      data: {
        CONNECTOR: "c",
        LINE: "1; DROP",
        MESSAGES: [{ im: { chat_id: 1, message_id: 2 }, message: {}, chat: { id: "x" } }],
      },
      auth,
    });
    expect(() => parseEvent(badLine)).toThrow(/data\.LINE/);
    const noToken = form({ event: "ONAPPUNINSTALL", auth: { member_id: "m" } });
    expect(() => parseEvent(noToken)).toThrow(/auth\.application_token/);
  });
});

describe("parseEvent on arbitrary input", () => {
  it("either parses or refuses with EventInputError, never anything else", () => {
    const key = fc.constantFrom(
      "event",
      "data",
      "auth",
      "data[LINE]",
      "data[MESSAGES][0][im][chat_id]",
      "auth[member_id]",
      "x[",
      "]]",
      "__proto__",
      "data[MESSAGES][]",
      "a[b][c][d][e][f][g][h]",
    );
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom("ONIMCONNECTORMESSAGEADD", "ONAPPUNINSTALL", "ONIMCONNECTORLINEDELETE", "107", "", "%", "%ZZ"),
    );
    const body = fc.oneof(
      fc.string(),
      fc
        .array(fc.tuple(key, value), { maxLength: 20 })
        .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")),
      fc.array(fc.tuple(key, value), { maxLength: 20 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&")),
    );
    fc.assert(
      fc.property(body, (input) => {
        try {
          parseEvent(input);
        } catch (error) {
          expect(error).toBeInstanceOf(EventInputError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("parseEventForm limits", () => {
  it("refuses a body nested deeper than the deepest real key", () => {
    expect(parseEventForm("data[MESSAGES][0][message][files][0][link]=x")).toBeTruthy();
    expect(() => parseEventForm(`a${"[x]".repeat(40)}=1`)).toThrow(/depth/);
  });

  it("refuses too many parameters and huge array indices rather than truncating", () => {
    const many = Array.from({ length: 2001 }, (_, i) => `p${i}=1`).join("&");
    expect(() => parseEventForm(many)).toThrow(EventInputError);
    expect(() => parseEventForm("data[MESSAGES][100000][x]=1")).toThrow(EventInputError);
  });

  it("keeps prototype keys as plain data", () => {
    const parsed = parseEventForm("__proto__[polluted]=1&constructor[prototype][x]=2&hasOwnProperty=3");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(parsed.hasOwnProperty).toBe("3");
  });
});

describe("isPortalsApplicationToken", () => {
  it("matches only the saved token", () => {
    expect(isPortalsApplicationToken("831c76b092f9f135d9b6b36c3a720757", "831c76b092f9f135d9b6b36c3a720757")).toBe(
      true,
    );
    expect(isPortalsApplicationToken("831c76b092f9f135d9b6b36c3a720758", "831c76b092f9f135d9b6b36c3a720757")).toBe(
      false,
    );
    expect(isPortalsApplicationToken("831c", "831c76b092f9f135d9b6b36c3a720757")).toBe(false);
    expect(isPortalsApplicationToken(undefined, "x")).toBe(false);
    expect(isPortalsApplicationToken("", "")).toBe(false);
    expect(isPortalsApplicationToken("anything", undefined)).toBe(false);
  });
});
