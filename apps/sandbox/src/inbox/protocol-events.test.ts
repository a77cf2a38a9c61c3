import { describe, expect, it } from "vitest";
import { readLoggedFailure } from "./gateway-log.js";
import { maskSecrets, toProtocolEvent } from "./protocol-events.js";

describe("protocol events for the panel", () => {
  it("masks HPTs, tokens and passwords at any depth, and keeps the rest", () => {
    const masked = maskSecrets({
      HPT: "secret-hpt",
      main: { botToken: "123:abc", allowGroups: true },
      smtp: { password: "pw", host: "127.0.0.1" },
      request: "eyJhbGciOi…",
      body: { message: { id: "m-1" } },
    });
    expect(masked).toEqual({
      HPT: "•••",
      main: { botToken: "•••", allowGroups: true },
      smtp: { password: "•••", host: "127.0.0.1" },
      request: "•••",
      body: { message: { id: "m-1" } },
    });
  });

  it("shows a call with its path, channel and decoded claims, and the settings body only for settings", () => {
    const event = toProtocolEvent(
      {
        seq: 3,
        at: 1,
        direction: "to-gateway",
        kind: "settings-put",
        method: "PUT",
        url: "http://127.0.0.1:8081/protected/data/settings",
        ref: { companyId: "1", pluginAlias: "telegram", pluginId: "1" },
        claims: { cid: "1", plugin: { alias: "telegram", id: "1" } },
        requestBody: { main: { botToken: "123:abc" } },
        status: 200,
      },
      () => undefined,
    );
    expect(event).toMatchObject({
      path: "/protected/data/settings",
      channel: "telegram",
      status: 200,
      body: { main: { botToken: "•••" } },
    });
    const incoming = toProtocolEvent(
      {
        seq: 4,
        at: 1,
        direction: "from-gateway",
        kind: "incoming",
        method: "PUT",
        url: "http://127.0.0.1:9/x",
        claims: { plugin: { alias: "sms", id: "1" }, cid: "1" },
        requestBody: { request: "jwt" },
        status: 201,
      },
      () => undefined,
    );
    expect([incoming.channel, incoming.body]).toEqual(["sms", null]);
  });

  it("reads a gateway's send failure from its log line, final or retried", () => {
    const line = (msg: string) =>
      JSON.stringify({ level: 50, msg, crmMessageId: "m-1", err: "InvalidInputError: bad number" });
    expect(readLoggedFailure(line("send failed for good; error status reported"))).toEqual({
      crmMessageId: "m-1",
      reason: "bad number",
      final: true,
    });
    expect(readLoggedFailure(line("send failed; will retry"))?.final).toBe(false);
    expect(readLoggedFailure(JSON.stringify({ msg: "message sent", crmMessageId: "m-1" }))).toBeUndefined();
    expect(readLoggedFailure("not json")).toBeUndefined();
  });
});
