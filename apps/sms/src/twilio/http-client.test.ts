import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FetchError, ChannelNetworkError } from "@switchboard/core";
import { configureOutbound } from "@switchboard/core/internal";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BaseUrlRequestClient, rewriteToBase } from "./http-client.js";

describe("API base rewriting", () => {
  it("leaves Twilio's own hosts alone with the default base", () => {
    const uri = "https://messaging.twilio.com/v1/Services/MG1";
    expect(rewriteToBase(uri, "https://api.twilio.com")).toBe(uri);
  });

  it("sends every product's path to a custom base", () => {
    expect(rewriteToBase("https://api.twilio.com/2010-04-01/Accounts/AC1.json?x=1", "http://127.0.0.1:4010")).toBe(
      "http://127.0.0.1:4010/2010-04-01/Accounts/AC1.json?x=1",
    );
    expect(rewriteToBase("https://messaging.twilio.com/v1/Services/MG1", "http://proxy.test/twilio/")).toBe(
      "http://proxy.test/twilio/v1/Services/MG1",
    );
  });
});

/** Core's outbound policy with the given private-address rule (the other settings as core's defaults). */
const outbound = (allowPrivate: boolean) =>
  configureOutbound({ allowPrivate, downloadDeadlineMs: 30_000, downloadBudgetBytes: 64 * 1024 * 1024 });

describe("the Twilio HTTP client", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith("/2010-04-01/Accounts/AC1/Messages.json")) {
        // Headers at once, then one byte every 100 ms: never idle long enough for an idle timeout.
        res.writeHead(201, { "content-type": "application/json" });
        const timer = setInterval(() => res.write(" "), 100);
        res.on("close", () => clearInterval(timer));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ sid: "AC1", status: "active" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    outbound(false);
    return new Promise<void>((r) => server.close(() => r()));
  });
  const client = (deadlineMs?: number) =>
    twilio("AC1", "secret", { httpClient: new BaseUrlRequestClient(base, deadlineMs), autoRetry: false });

  it("goes through core's address policy: a loopback base is refused unless private URLs are allowed", async () => {
    outbound(false);
    const refused = await client()
      .api.v2010.accounts("AC1")
      .fetch()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FetchError);
    expect((refused as FetchError).message).toMatch(/private address/);
    outbound(true);
    expect((await client().api.v2010.accounts("AC1").fetch()).status).toBe("active");
  });

  it("fails a call whose answer trickles past the total deadline as a retryable network error", async () => {
    outbound(true);
    const error = await client(400)
      .messages.create({ to: "+14155550100", from: "+14155550199", body: "hi" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelNetworkError);
    expect((error as ChannelNetworkError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/did not complete within 400 ms/);
  });
});
