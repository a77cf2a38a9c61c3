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
    // As core's logger writes them (docs/operating.md, "Logs").
    const line = (event: string, err?: object) =>
      JSON.stringify({ level: 50, event, tenant: 1, queueId: 2, crmMessageId: "m-1", attempt: 1, err, msg: "x" });
    const lines = [
      line("send.failed", { type: "InvalidInputError", message: "bad number", retryable: false }),
      line("send.retrying", { type: "ChannelNetworkError", message: "timeout", retryable: true }),
      line("send.sent"),
    ];
    expect(readLoggedFailure(lines[0]!)).toEqual({ crmMessageId: "m-1", reason: "bad number", final: true });
    expect(readLoggedFailure(lines[1]!)).toEqual({ crmMessageId: "m-1", reason: "timeout", final: false });
    expect(readLoggedFailure(lines[2]!)).toBeUndefined();
    expect(readLoggedFailure("not json")).toBeUndefined();
  });
});
