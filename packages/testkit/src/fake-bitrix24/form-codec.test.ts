import { describe, expect, it } from "vitest";
import { buildBracketForm, parseBracketForm } from "./form-codec.js";

describe("PHP bracket form codec", () => {
  it("builds what http_build_query builds: indexed brackets, booleans as 1/0, nulls left out", () => {
    const body = buildBracketForm({
      data: { MESSAGES: [{ im: { chat_id: 49 }, flag: true, off: false, none: null }] },
    });
    expect(body).toBe(
      "data%5BMESSAGES%5D%5B0%5D%5Bim%5D%5Bchat_id%5D=49&data%5BMESSAGES%5D%5B0%5D%5Bflag%5D=1&data%5BMESSAGES%5D%5B0%5D%5Boff%5D=0",
    );
  });

  it("round-trips nested messages with files and awkward text", () => {
    const text = "[b]Klaus & Co:[/b][br]a=b [x] 100% «ok» 🚀";
    const value = {
      CONNECTOR: "c",
      MESSAGES: Array.from({ length: 50 }, (_, i) => ({
        user: { id: `u${i}` },
        message: { id: `m${i}`, text, files: [{ url: `http://h/f${i}?a=1&b=2`, name: "a b.png" }] },
        chat: { id: "main.chat" },
      })),
    };
    const parsed = parseBracketForm(buildBracketForm(value));
    expect(parsed).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it("reads the sample event of b24-rest-docs#257 and keeps dotted keys whole", () => {
    const form = parseBracketForm(
      "data%5BMESSAGES%5D%5B0%5D%5Bim%5D%5Bchat_id%5D=49&data%5BMESSAGES%5D%5B0%5D%5Bmessage%5D%5Btext%5D=hi&auth%5Bapplication_token%5D=t&main.token=x",
    );
    expect(form).toEqual({
      data: { MESSAGES: [{ im: { chat_id: "49" }, message: { text: "hi" } }] },
      auth: { application_token: "t" },
      "main.token": "x",
    });
  });

  it("never lets a key reach the object prototype", () => {
    const form = parseBracketForm("__proto__%5Bpolluted%5D=1&constructor%5Bprototype%5D%5Bx%5D=1&a=1");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(form)).toBe(Object.prototype);
    expect(form.a).toBe("1");
  });
});
