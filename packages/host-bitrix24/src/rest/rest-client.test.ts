import { InvalidInputError } from "@switchboard/core";
import { waitFor } from "@switchboard/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { startPortalFixture, type PortalFixture } from "../test/portal-fixture.js";
import { batch, BATCH_LIMIT } from "./batch.js";
import { PortalRateLimitError, PortalRefusedError } from "./errors.js";

/** Settles a promise into a flag a test can poll, without awaiting it. */
function track<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error) => Object.assign(state, { done: true, error }),
  );
  return state;
}

describe("Bitrix24RestClient against the fake Bitrix24", () => {
  let f: PortalFixture;
  afterEach(() => f?.close());

  it("keeps a portal at its rate: a burst, then one request per 1/rate s, and never a 503", async () => {
    f = await startPortalFixture({ rate: { ratePerSecond: 2, burst: 5 } });
    const { member_id: memberId } = (await f.install()).auth;
    const calls = Array.from({ length: 9 }, () => track(f.client.call(memberId, "app.info")));
    const done = () => calls.filter((c) => c.done).length;
    // The burst goes at once; the rest wait on the (manual) clock.
    await waitFor(() => done() === 5 && f.timers.sleeping === 1);
    expect(f.fake.calls("app.info")).toHaveLength(5);
    f.timers.advance(499);
    await waitFor(() => f.timers.sleeping === 1);
    expect(done()).toBe(5);
    f.timers.advance(1);
    await waitFor(() => done() === 6);
    f.timers.advance(1500);
    await waitFor(() => done() === 9);
    expect(calls.every((c) => c.error === undefined)).toBe(true);
    expect(f.fake.calls("app.info").map((c) => c.status)).toEqual(Array(9).fill(200));
  });

  it("does not make one portal wait for another's queue", async () => {
    f = await startPortalFixture({ rate: { ratePerSecond: 2, burst: 2 } });
    const busy = (await f.install()).auth.member_id;
    const quiet = (await f.install(f.fake.addPortal())).auth.member_id;
    const queued = Array.from({ length: 6 }, () => track(f.client.call(busy, "app.info")));
    await waitFor(() => queued.filter((c) => c.done).length === 2 && f.timers.sleeping === 1);
    // The busy portal has four requests waiting; the quiet one's goes straight through.
    await expect(f.client.call(quiet, "app.info")).resolves.toBeTruthy();
    expect(queued.filter((c) => c.done)).toHaveLength(2);
    // The bucket never holds more than its burst: the rest follow at the rate.
    for (let waited = 0; !queued.every((c) => c.done); waited += 500) {
      expect(waited).toBeLessThanOrEqual(2000);
      await waitFor(() => f.timers.sleeping === 1 || queued.every((c) => c.done));
      f.timers.advance(500);
    }
  });

  it("waits out QUERY_LIMIT_EXCEEDED as the portal's bucket drains, then succeeds", async () => {
    // Our limiter believes in 50 at once; the portal's bucket (shared with other apps on our IP) holds 3.
    f = await startPortalFixture({
      rate: { ratePerSecond: 2, burst: 50 },
      fake: { rateLimit: { burst: 3, perSecond: 2 } },
    });
    const { member_id: memberId } = (await f.install()).auth;
    const calls = Array.from({ length: 5 }, () => track(f.client.call(memberId, "app.info")));
    await waitFor(() => calls.filter((c) => c.done).length === 3 && f.timers.sleeping > 0);
    expect(f.fake.calls("app.info").filter((c) => c.error === "QUERY_LIMIT_EXCEEDED").length).toBeGreaterThan(0);
    for (let i = 0; i < 20 && !calls.every((c) => c.done); i++) {
      await waitFor(() => f.timers.sleeping > 0 || calls.every((c) => c.done));
      f.timers.advance(500);
    }
    await waitFor(() => calls.every((c) => c.done));
    expect(calls.map((c) => c.error)).toEqual(Array(5).fill(undefined));
  });

  it("waits longer after each QUERY_LIMIT_EXCEEDED in a row, then gives it to the caller with a wait", async () => {
    f = await startPortalFixture();
    const { member_id: memberId } = (await f.install()).auth;
    f.fake.failNext({ method: "app.info", status: 503, error: "QUERY_LIMIT_EXCEEDED", times: 6 });
    const call = track(f.client.call(memberId, "app.info"));
    // One request's drain time (500 ms at 2/s), doubled for each refusal in a row: the bucket is
    // shared with other apps on the same IP, so our own rate is only the shortest wait.
    for (let i = 0; i < 5; i++) {
      await waitFor(() => f.timers.sleeping === 1);
      f.timers.advance(499 * 2 ** i);
      expect(f.fake.calls("app.info")).toHaveLength(i + 1);
      f.timers.advance(2 ** i);
    }
    await waitFor(() => call.done);
    expect(call.error).toBeInstanceOf(PortalRateLimitError);
    expect(call.error).toMatchObject({ code: "QUERY_LIMIT_EXCEEDED", retryable: true, retryAfterMs: 16_000 });
    expect(f.fake.calls("app.info")).toHaveLength(6);
  });

  it("stops calling a method blocked by OPERATION_TIME_LIMIT until operating_reset_at, other methods go on", async () => {
    f = await startPortalFixture({ fake: { operatingLimitSeconds: 480 } });
    const { member_id: memberId } = (await f.install()).auth;
    f.fake.setOperatingCost("app.info", 500);
    const first = await f.client.call(memberId, "app.info");
    const resetAt = first.time!.operating_reset_at! * 1000;
    expect(resetAt).toBeGreaterThan(f.timers.now());
    const blocked = await f.client.call(memberId, "app.info").catch((e) => e);
    expect(blocked).toBeInstanceOf(PortalRateLimitError);
    expect(blocked).toMatchObject({
      code: "OPERATION_TIME_LIMIT",
      status: 429,
      retryAfterMs: resetAt - f.timers.now(),
    });
    expect(f.fake.calls("app.info").map((c) => c.error)).toEqual([undefined, "OPERATION_TIME_LIMIT"]);
    // Until the reset, the method is not called again at all; others are.
    f.timers.advance(60_000);
    await expect(f.client.call(memberId, "app.info")).rejects.toMatchObject({ retryAfterMs: resetAt - f.timers.now() });
    expect(f.fake.calls("app.info")).toHaveLength(2);
    await expect(f.client.call(memberId, "event.get")).resolves.toBeTruthy();
    f.fake.setOperatingCost("app.info", 0);
    f.timers.advance(resetAt - f.timers.now());
    await expect(f.client.call(memberId, "app.info")).resolves.toBeTruthy();
  });

  it("waits one basket after an OPERATION_TIME_LIMIT when no reset time was seen", async () => {
    f = await startPortalFixture();
    const { member_id: memberId } = (await f.install()).auth;
    f.fake.failNext({ method: "imconnector.status", status: 429, error: "OPERATION_TIME_LIMIT" });
    await expect(f.client.call(memberId, "imconnector.status", { CONNECTOR: "x", LINE: 1 })).rejects.toMatchObject({
      code: "OPERATION_TIME_LIMIT",
      retryAfterMs: 60_000,
    });
  });

  it("gives a token that expired again after its refresh to the caller as retryable: a later retry refreshes", async () => {
    f = await startPortalFixture();
    const { member_id: memberId } = (await f.install()).auth;
    // Under load a token can expire again between the refresh and the retried call (the chaos suite's
    // token race): the customer's message must wait for the next attempt, not be dropped.
    f.fake.failNext({ method: "app.info", status: 401, error: "expired_token", times: 2 });
    await expect(f.client.call(memberId, "app.info")).rejects.toMatchObject({
      code: "expired_token",
      retryable: true,
    });
    expect(f.store.saved).toHaveLength(1);
    await expect(f.client.call(memberId, "app.info")).resolves.toMatchObject({ result: expect.anything() });
  });

  it("names permanent refusals and never retries them", async () => {
    f = await startPortalFixture();
    const { member_id: memberId } = (await f.install()).auth;
    const argument = await f.client.call(memberId, "imconnector.activate", { LINE: 1, ACTIVE: 1 }).catch((e) => e);
    expect(argument).toBeInstanceOf(PortalRefusedError);
    expect(argument).toMatchObject({ code: "ERROR_ARGUMENT", status: 400, retryable: false });
    for (const [status, error] of [
      [403, "WRONG_AUTH_TYPE"],
      [401, "insufficient_scope"],
      [400, "IMCONNECTOR_NO_CORRECT_PROVIDER"],
    ] as const) {
      f.fake.failNext({ method: "imconnector.status", status, error });
      await expect(f.client.call(memberId, "imconnector.status", { CONNECTOR: "x", LINE: 1 })).rejects.toMatchObject({
        code: error,
        retryable: false,
      });
    }
    // A line an administrator has not activated yet (or switched off) may be activated: not final.
    f.fake.failNext({ method: "imconnector.status", status: 400, error: "NOT_ACTIVE_LINE" });
    await expect(f.client.call(memberId, "imconnector.status", { CONNECTOR: "x", LINE: 1 })).rejects.toMatchObject({
      code: "NOT_ACTIVE_LINE",
      retryable: true,
    });
    f.fake.failNext({ method: "app.info", status: 500, error: "INTERNAL_SERVER_ERROR" });
    await expect(f.client.call(memberId, "app.info")).rejects.toMatchObject({
      code: "INTERNAL_SERVER_ERROR",
      retryable: true,
    });
    await expect(f.client.call(memberId, "app.info?x=1")).rejects.toBeInstanceOf(InvalidInputError);
    await expect(f.client.call(memberId, "../oauth/token")).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("runs several calls as one batch request, per-command outcomes included", async () => {
    f = await startPortalFixture();
    const { member_id: memberId } = (await f.install()).auth;
    const before = f.fake.calls("batch").length;
    const outcomes = await batch(f.client, memberId, {
      info: { method: "app.info" },
      bad: { method: "imconnector.activate", params: { LINE: 1 } },
      events: { method: "event.get" },
    });
    expect(f.fake.calls("batch")).toHaveLength(before + 1);
    expect(outcomes.get("info")).toMatchObject({ ok: true });
    expect(outcomes.get("events")).toMatchObject({ ok: true });
    const bad = outcomes.get("bad");
    expect(bad?.ok).toBe(false);
    if (bad && !bad.ok) expect(bad.error).toMatchObject({ code: "ERROR_ARGUMENT", retryable: false });
    // Sub-calls carried their parameters through the bracket-form query.
    expect(f.fake.calls("imconnector.activate").at(-1)).toMatchObject({ params: { LINE: "1" }, batch: "bad" });

    const halted = await batch(
      f.client,
      memberId,
      { bad: { method: "imconnector.activate" }, never: { method: "app.info" } },
      { halt: true },
    );
    expect(halted.get("never")).toMatchObject({ ok: false, error: { code: "NOT_RUN", retryable: true } });

    const tooMany = Object.fromEntries(
      Array.from({ length: BATCH_LIMIT + 1 }, (_, i) => [`c${i}`, { method: "app.info" }]),
    );
    await expect(batch(f.client, memberId, tooMany)).rejects.toBeInstanceOf(InvalidInputError);
    expect(await batch(f.client, memberId, {})).toEqual(new Map());
  });
});
