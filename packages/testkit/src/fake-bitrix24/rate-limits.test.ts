import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchCommand, manualClock, startFakeBitrix24, type FakeBitrix24 } from "./index.js";
import { postFrom, startAppReceiver, type AppReceiver } from "./test/app-receiver.js";
import { callRest } from "./test/rest-client.js";

describe("fake Bitrix24 rate bucket and batch", () => {
  const clock = manualClock();
  let fake: FakeBitrix24;
  let app: AppReceiver;
  let token: string;
  const info = () => callRest(fake.restUrl, "app.info", {}, token);

  beforeAll(async () => {
    fake = await startFakeBitrix24({ clock: clock.now, rateLimit: { burst: 5, perSecond: 2 } });
    app = await startAppReceiver();
    token = (await fake.portal.install({ install: `${app.url}/install` })).tokens.accessToken;
  });
  afterAll(async () => {
    await fake.close();
    await app.close();
  });

  it("lets X requests through, refuses the next with 503 QUERY_LIMIT_EXCEEDED, and drains Y per second", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await info()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 503]);
    expect((await info()).body).toEqual({ error: "QUERY_LIMIT_EXCEEDED", error_description: "Too many requests" });
    clock.advance(1000);
    expect([(await info()).status, (await info()).status, (await info()).status]).toEqual([200, 200, 503]);
    // Another portal has its own bucket.
    const other = fake.addPortal();
    const otherToken = (await other.install({ install: `${app.url}/install` })).tokens.accessToken;
    expect((await callRest(fake.restUrl, "app.info", {}, otherToken)).status).toBe(200);
    // Another source IP has its own bucket for the same portal.
    const fromOtherIp = await postFrom("127.0.0.2", `${fake.restUrl}app.info`, JSON.stringify({ auth: token }));
    expect(fromOtherIp.status).toBe(200);
    expect(fake.calls("app.info").at(-1)?.ip).toBe("127.0.0.2");
    clock.advance(10_000);
  });

  it("counts a batch of 50 calls as one request and answers per key", async () => {
    fake = await restart({ burst: 2, perSecond: 2 });
    const cmd: Record<string, string> = {};
    for (let i = 0; i < 50; i++) cmd[`c${i}`] = batchCommand("imconnector.status", { CONNECTOR: "x", LINE: 1 });
    const res = await callRest(fake.restUrl, "batch", { halt: 0, cmd }, token);
    expect(res.status).toBe(200);
    const result = res.body.result as Record<string, Record<string, unknown>>;
    expect(Object.keys(result.result!)).toHaveLength(50);
    expect(result.result!.c0).toMatchObject({ CONNECTOR: "x", LINE: 1, STATUS: false });
    expect(result.result_error).toEqual([]);
    expect(Object.keys(result.result_time!)).toHaveLength(50);
    expect(fake.calls("imconnector.status").filter((c) => c.batch !== undefined)).toHaveLength(50);
    expect((await info()).status).toBe(200);
    expect((await info()).status).toBe(503);
  });

  it("puts sub-call errors in result_error, halts when asked, and refuses more than 50 or nested batches", async () => {
    clock.advance(10_000);
    const list = await callRest(
      fake.restUrl,
      "batch",
      {
        cmd: [
          batchCommand("app.info"),
          batchCommand("imconnector.activate", { CONNECTOR: "x" }),
          "batch?cmd[0]=app.info",
        ],
      },
      token,
    );
    const body = list.body.result as Record<string, unknown>;
    expect(body.result).toMatchObject({ "0": { INSTALLED: true } });
    expect(body.result_error).toEqual({
      "1": { error: "ERROR_ARGUMENT", error_description: "Argument 'LINE' is null or empty" },
      "2": { error: "ERROR_BATCH_METHOD_NOT_ALLOWED", error_description: "Method is not allowed for batch usage" },
    });
    clock.advance(10_000);
    const halted = await callRest(
      fake.restUrl,
      "batch",
      { halt: 1, cmd: { a: "imconnector.status", b: "app.info" } },
      token,
      { as: "form" },
    );
    expect(halted.body.result).toMatchObject({ result: [], result_error: { a: { error: "ERROR_ARGUMENT" } } });
    clock.advance(10_000);
    const cmd = Array.from({ length: 51 }, () => "app.info");
    const long = await callRest(fake.restUrl, "batch", { cmd }, token);
    const longBody = long.body.result as Record<string, Record<string, unknown>>;
    expect(Object.keys(longBody.result!)).toHaveLength(50);
    expect(longBody.result_error).toEqual({
      "50": { error: "ERROR_BATCH_LENGTH_EXCEEDED", error_description: "Max batch length exceeded" },
    });
  });

  async function restart(rateLimit: { burst: number; perSecond: number }): Promise<FakeBitrix24> {
    await fake.close();
    const next = await startFakeBitrix24({ clock: clock.now, rateLimit });
    token = (await next.portal.install({ install: `${app.url}/install` })).tokens.accessToken;
    return next;
  }
});
