/**
 * The OutgoingStore contract: one suite, run against every implementation (SQLite, and PostgreSQL
 * where the machine has it: see `@switchboard/testkit/postgres`), so the send queue, the statuses
 * and the edits behave the same on both.
 */
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { afterEach, describe, expect, it } from "vitest";
import type { ChatMessage } from "../protocol/chat.js";
import type { OutgoingRow, OutgoingStore, QueuedMessage } from "./outgoing-store.js";
import { postgresKind, sqliteKind, type StoreKind, type StoreUnderTest } from "./test/outgoing-store-harness.js";

const postgres = await postgresTestDatabase();
const kinds: StoreKind[] = [sqliteKind()];
if (postgres) kinds.push(postgresKind(postgres.url));

const A = 1;
const B = 2;
const NOW = 1_000_000;
const LEASE = NOW + 60_000;

function message(id: string | null, contact = "c-1", chat: string | null = "chat-1"): ChatMessage {
  return {
    chat: { id: chat, contact, subject: null },
    message: { id, content: { text: `text of ${id}`, format: "text" }, attachments: [] },
  };
}

const queued = (tenantId: number, id: string | null, hostData?: unknown): QueuedMessage => ({
  tenantId,
  message: message(id),
  ...(hostData === undefined ? {} : { hostData }),
});

describe.each(kinds)("OutgoingStore contract: $name", (kind) => {
  let t: StoreUnderTest;
  let store: OutgoingStore;
  const open = async () => {
    t = await kind.open();
    store = t.store;
  };
  afterEach(async () => t?.close());

  /** Stores messages and claims them all (one tenant), answering the claimed rows by CRM id. */
  async function sendable(tenantId: number, ...ids: string[]): Promise<OutgoingRow[]> {
    await store.insertAll(
      ids.map((id) => queued(tenantId, id)),
      NOW,
    );
    return store.claimDue(tenantId, NOW, LEASE, ids.length);
  }

  describe("insertAll", () => {
    it("stores each message once per tenant and CRM id, in one call, and says which it stored", async () => {
      await open();
      expect(await store.insertAll([queued(A, "m1"), queued(A, "m2"), queued(A, "m1"), queued(B, "m1")], NOW)).toEqual([
        true,
        true,
        false,
        true,
      ]);
      expect(await store.insertAll([queued(A, "m2"), queued(A, "m3")], NOW + 1)).toEqual([false, true]);
      // Messages without a CRM id are never repeats of each other.
      expect(await store.insertAll([queued(A, null), queued(A, null)], NOW)).toEqual([true, true]);
      expect(await store.insertAll([], NOW)).toEqual([]);
      const rows = await store.claimDue(A, NOW + 1, LEASE, 10);
      expect(rows.map((r) => r.crm_message_id)).toEqual(["m1", "m2", null, null, "m3"]);
      expect(rows[0]).toMatchObject({
        tenant_id: A,
        contact: "c-1",
        attempts: 1,
        created_at: NOW,
        action: "send",
        target_id: null,
        host_data: null,
      });
      expect(JSON.parse(rows[0]!.payload)).toEqual(message("m1"));
    });

    it("keeps the host's data with the message as JSON", async () => {
      await open();
      await store.insertAll([queued(A, "m1", { line: 7 }), queued(A, "m2", null)], NOW);
      const rows = await store.claimDue(A, NOW, LEASE, 10);
      expect(rows.map((r) => r.host_data)).toEqual(['{"line":7}', "null"]);
    });

    it("stores a batch of 500 at once", async () => {
      await open();
      const ids = Array.from({ length: 500 }, (_, i) => `m${i}`);
      expect(
        await store.insertAll(
          ids.map((id) => queued(A, id)),
          NOW,
        ),
      ).toEqual(ids.map(() => true));
      const rows = await store.claimDue(A, NOW, LEASE, 1000);
      expect(rows.map((r) => r.crm_message_id)).toEqual(ids);
    });
  });

  describe("claimDue", () => {
    it("leases the tenant's due rows oldest first, up to the limit, counting an attempt, never twice", async () => {
      await open();
      await store.insertAll([queued(A, "late")], NOW + 500);
      await store.insertAll([queued(A, "m1"), queued(A, "m2"), queued(B, "b1")], NOW);
      await store.insertAll([queued(A, "m3")], NOW + 100);
      await store.insertAll([queued(A, "future")], NOW + 10_000);
      const first = await store.claimDue(A, NOW + 1000, LEASE, 2);
      expect(first.map((r) => r.crm_message_id)).toEqual(["m1", "m2"]);
      const rest = await store.claimDue(A, NOW + 1000, LEASE, 10);
      expect(rest.map((r) => r.crm_message_id)).toEqual(["m3", "late"]);
      expect(await store.claimDue(A, NOW + 1000, LEASE, 10)).toEqual([]);
      expect(await t.row(first[0]!.id)).toMatchObject({ state: "leased", lease_until: LEASE, attempts: 1 });
      expect((await store.claimDue(B, NOW, LEASE, 10)).map((r) => r.crm_message_id)).toEqual(["b1"]);
      expect(await store.tenantNextDue(A)).toBe(NOW + 10_000);
      expect(await store.tenantNextDue(B)).toBeNull();
    });

    it("hands no row out twice to two replicas claiming at once", async () => {
      await open();
      const replica = await t.replica();
      const total = 400;
      for (let i = 0; i < total; i += 100) {
        await store.insertAll(
          Array.from({ length: 100 }, (_, j) => queued(A, `m${i + j}`)),
          NOW,
        );
      }
      const claimed: number[][] = [[], []];
      const drain = async (s: OutgoingStore, into: number[]) => {
        for (;;) {
          const rows = await s.claimDue(A, NOW, LEASE, 7);
          if (rows.length === 0 && (await s.tenantNextDue(A)) === null) return;
          into.push(...rows.map((r) => r.id));
        }
      };
      await Promise.all([drain(store, claimed[0]!), drain(replica, claimed[1]!), drain(store, claimed[0]!)]);
      const all = [...claimed[0]!, ...claimed[1]!];
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(total);
    });
  });

  describe("replicas", () => {
    it("stores a message posted to two replicas at once exactly once", async () => {
      await open();
      const replica = await t.replica();
      const batch = Array.from({ length: 50 }, (_, i) => queued(A, `m${i}`));
      const [one, two] = await Promise.all([store.insertAll(batch, NOW), replica.insertAll([...batch].reverse(), NOW)]);
      const stored = batch.map((_, i) => Number(one![i]) + Number(two![batch.length - 1 - i]));
      expect(stored).toEqual(batch.map(() => 1));
      expect(await store.claimDue(A, NOW, LEASE, 100)).toHaveLength(50);
    });

    it("reports each step of a message once when its parts' statuses come to two replicas at once", async () => {
      await open();
      const replica = await t.replica();
      const parts = Array.from({ length: 40 }, (_, i) => `p${i}`);
      const [m1] = await sendable(A, "m1");
      await store.markSent([{ row: m1!, ids: parts }], NOW);
      await Promise.all(parts.map((p, i) => (i % 2 ? store : replica).report(A, p, "delivered")));
      expect((await t.requests()).map((r) => r.body.status)).toEqual(["sent", "delivered"]);
    });
  });

  describe("defer and retry", () => {
    it("defers rows without counting their attempt, and retries failed ones counting it, with the reason", async () => {
      await open();
      const [m1, m2, m3] = await sendable(A, "m1", "m2", "m3");
      await store.deferAll([
        { id: m1!.id, at: NOW + 50 },
        { id: m2!.id, at: NOW + 20 },
      ]);
      await store.deferAll([]);
      await store.retry(m3!.id, NOW + 10, "channel said no");
      expect(await t.row(m1!.id)).toMatchObject({
        state: "queued",
        attempts: 0,
        lease_until: null,
        next_attempt_at: NOW + 50,
      });
      expect(await t.row(m3!.id)).toMatchObject({ state: "queued", attempts: 1, last_error: "channel said no" });
      expect(await store.tenantNextDue(A)).toBe(NOW + 10);
      expect(await store.claimDue(A, NOW + 15, LEASE, 10)).toMatchObject([{ crm_message_id: "m3", attempts: 2 }]);
      expect((await store.claimDue(A, NOW + 100, LEASE, 10)).map((r) => r.crm_message_id)).toEqual(["m2", "m1"]);
    });

    it("lists every tenant with queued rows and its earliest due time", async () => {
      await open();
      await store.insertAll([queued(A, "a1")], NOW + 5);
      await store.insertAll([queued(A, "a2")], NOW + 1);
      await store.insertAll([queued(B, "b1")], NOW + 9);
      expect((await store.queuedTenants()).sort((x, y) => x.tenant_id - y.tenant_id)).toEqual([
        { tenant_id: A, t: NOW + 1 },
        { tenant_id: B, t: NOW + 9 },
      ]);
      await store.claimDue(B, NOW + 10, LEASE, 10);
      expect(await store.queuedTenants()).toEqual([{ tenant_id: A, t: NOW + 1 }]);
    });
  });

  describe("releaseExpired", () => {
    it("puts expired leases back (attempts kept) except this process's running sends, and says the next lease to check", async () => {
      await open();
      await store.insertAll([queued(A, "a1"), queued(A, "a2"), queued(B, "b1")], NOW);
      const [a1, a2] = await store.claimDue(A, NOW, NOW + 100, 10);
      const [b1] = await store.claimDue(B, NOW, NOW + 300, 10);
      expect(await store.releaseExpired(NOW + 99, [])).toEqual({ tenantIds: [], nextLease: NOW + 100 });
      const released = await store.releaseExpired(NOW + 100, [a2!.id]);
      expect([...new Set(released.tenantIds)]).toEqual([A]);
      expect(released.nextLease).toBe(NOW + 300);
      expect(await t.row(a1!.id)).toMatchObject({ state: "queued", lease_until: null, attempts: 1 });
      expect(await t.row(a2!.id)).toMatchObject({ state: "leased" });
      expect(await store.releaseExpired(NOW + 1000, [a2!.id, b1!.id])).toEqual({ tenantIds: [], nextLease: null });
      expect((await store.claimDue(A, NOW + 1000, LEASE, 10)).map((r) => r.crm_message_id)).toEqual(["a1"]);
    });

    it("only the tenants given (a replica's own), and the next lease among theirs", async () => {
      await open();
      await store.insertAll([queued(A, "a1"), queued(B, "b1")], NOW);
      const [a1] = await store.claimDue(A, NOW, NOW + 100, 10);
      const [b1] = await store.claimDue(B, NOW, NOW + 200, 10);
      expect(await store.releaseExpired(NOW + 500, [], [B])).toEqual({ tenantIds: [B], nextLease: null });
      expect(await t.row(a1!.id)).toMatchObject({ state: "leased" });
      expect(await t.row(b1!.id)).toMatchObject({ state: "queued", lease_until: null, attempts: 1 });
      expect(await store.releaseExpired(NOW + 50, [], [A])).toEqual({ tenantIds: [], nextLease: NOW + 100 });
    });
  });

  describe("releaseLeased", () => {
    it("puts every leased row of one tenant back at once, lease or not, except the running ones; attempts kept", async () => {
      await open();
      await store.insertAll([queued(A, "a1"), queued(A, "a2"), queued(A, "a3"), queued(B, "b1")], NOW);
      const [a1, a2] = await store.claimDue(A, NOW, LEASE, 2);
      const [b1] = await store.claimDue(B, NOW, LEASE, 10);
      expect(await store.releaseLeased(A, [a2!.id], NOW)).toBe(1);
      expect(await t.row(a1!.id)).toMatchObject({ state: "queued", lease_until: null, attempts: 1 });
      expect(await t.row(a2!.id)).toMatchObject({ state: "leased" });
      expect(await t.row(b1!.id)).toMatchObject({ state: "leased" });
      // Oldest first again: the chat's first message goes before the ones behind it.
      expect((await store.claimDue(A, NOW, LEASE, 10)).map((r) => r.crm_message_id)).toEqual(["a1", "a3"]);
      expect(await store.releaseLeased(B, [], NOW)).toBe(1);
    });

    it("drops the previous owner's rate-limit waits, so the new owner takes the tenant's messages in the order stored; a retry keeps its wait", async () => {
      await open();
      await store.insertAll([queued(A, "a1"), queued(A, "a2"), queued(A, "r1"), queued(B, "b1")], NOW);
      const [a1, a2, r1] = await store.claimDue(A, NOW, LEASE, 3);
      const [b1] = await store.claimDue(B, NOW, LEASE, 1);
      // The previous owner's rate limits held a1 back a little (its own limiter knew a later row
      // of the chat must wait behind it); a2 was in flight when it died; r1 failed and waits to retry.
      await store.deferAll([
        { id: a1!.id, at: NOW + 33 },
        { id: b1!.id, at: NOW + 33 },
      ]);
      await store.retry(r1!.id, NOW + 5_000, "NetworkError: reset");
      // Stored meanwhile: due at once, so before a1 unless its wait goes.
      await store.insertAll([queued(A, "a3")], NOW + 10);
      expect(await store.releaseLeased(A, [], NOW + 20)).toBe(1);
      expect((await store.claimDue(A, NOW + 20, LEASE, 10)).map((r) => r.crm_message_id)).toEqual(["a1", "a2", "a3"]);
      expect(await t.row(r1!.id)).toMatchObject({ state: "queued", next_attempt_at: NOW + 5_000 });
      // Another tenant's waits are its owner's.
      expect(await t.row(b1!.id)).toMatchObject({ state: "queued", next_attempt_at: NOW + 33 });
      expect(a2).toBeDefined();
    });

    it("levels the waits to no later than the rows' own storing, so a chat's message stored while the new owner took over still comes after them", async () => {
      await open();
      await store.insertAll([queued(A, "a1")], NOW);
      const [a1] = await store.claimDue(A, NOW, LEASE, 1);
      // The previous owner held a1 back for the rate limits.
      await store.deferAll([{ id: a1!.id, at: NOW + 900 }]);
      // The chat's next message, on another replica: its time read before the takeover's, its
      // commit after it (the takeover's statement does not see it).
      expect(await store.releaseLeased(A, [], NOW + 20)).toBe(0);
      await store.insertAll([queued(A, "a2")], NOW + 10);
      expect((await store.claimDue(A, NOW + 20, LEASE, 10)).map((r) => r.crm_message_id)).toEqual(["a1", "a2"]);
    });
  });

  describe("sent, failed and statuses", () => {
    it("marks messages sent in one call: parts mapped in the channel's order, progress cleared, sent reported", async () => {
      await open();
      await store.insertAll([queued(A, "m1", { line: 3 }), queued(A, "m2")], NOW);
      const [m1, m2] = await store.claimDue(A, NOW, LEASE, 10);
      await store.recordPart(A, m1!.id, 0, "9", undefined);
      expect(
        await store.markSent(
          [
            { row: m1!, ids: ["9", "10", "1"], details: { edited: false } },
            { row: m2!, ids: ["x"] },
          ],
          NOW + 5,
        ),
      ).toEqual([]);
      expect(await t.row(m1!.id)).toMatchObject({
        state: "sent",
        lease_until: null,
        details: '{"edited":false}',
        finished_at: NOW + 5,
        status_rank: 1,
      });
      expect(await store.readParts(m1!.id)).toEqual(new Map());
      expect(await t.requests()).toEqual([
        {
          tenant_id: A,
          kind: "status",
          order_key: `status:${A}:m1`,
          next_attempt_at: t.clock.now,
          body: { id: "m1", status: "sent", channelIds: ["9", "10", "1"], hostData: { line: 3 } },
        },
        expect.objectContaining({ body: { id: "m2", status: "sent", channelIds: ["x"] } }),
      ]);
      expect(t.woken).toContain(A);
      expect(await store.findOutgoing(A, "10")).toEqual({ chat: message("m1").chat, crmMessageId: "m1" });
      expect(await store.findOutgoing(B, "10")).toBeUndefined();
      expect(await store.findOutgoing(A, "nope")).toBeUndefined();
    });

    it("moves a message forward only, once per step, the lowest of its parts, error when one failed", async () => {
      await open();
      const [m1] = await sendable(A, "m1");
      await store.markSent([{ row: m1!, ids: ["p1", "p2"] }], NOW);
      expect(await store.report(A, "p1", "delivered")).toBe(false);
      expect(await store.report(A, "p2", "delivered")).toBe(true);
      expect(await store.report(A, "p2", "delivered")).toBe(false);
      expect(await store.report(A, "p2", "sent")).toBe(false);
      expect(await store.report(B, "p2", "read")).toBe(false);
      expect(await store.report(A, "unknown", "read")).toBe(false);
      expect(await store.report(A, "p1", "error", "blocked by the user")).toBe(true);
      expect(await store.report(A, "p2", "read")).toBe(false);
      expect((await t.requests()).map((r) => r.body)).toEqual([
        { id: "m1", status: "sent", channelIds: ["p1", "p2"] },
        { id: "m1", status: "delivered", channelIds: ["p1", "p2"] },
        { id: "m1", status: "error", channelIds: ["p1", "p2"], reason: "blocked by the user" },
      ]);
    });

    it("reports statuses that came while the message was being sent once it is sent, in order", async () => {
      await open();
      const [m1] = await sendable(A, "m1");
      await store.recordPart(A, m1!.id, 0, "p1", undefined);
      // The part is mapped at once: a status or a reply finds its message during the send.
      expect(await store.findOutgoing(A, "p1")).toMatchObject({ crmMessageId: "m1" });
      expect(await store.report(A, "p1", "read")).toBe(true);
      expect(await t.requests()).toEqual([]);
      await store.markSent([{ row: m1!, ids: ["p1"] }], NOW);
      expect((await t.requests()).map((r) => [r.body.status, r.order_key])).toEqual([
        ["sent", `status:${A}:m1`],
        ["read", `status:${A}:m1`],
      ]);
    });

    it("marks a message failed with its reason, its progress cleared", async () => {
      await open();
      const [m1] = await sendable(A, "m1");
      await store.recordPart(A, m1!.id, 0, "p1", undefined);
      expect(await store.markFailed(m1!, "chat not found", NOW + 3)).toEqual([]);
      expect(await t.row(m1!.id)).toMatchObject({
        state: "failed",
        last_error: "chat not found",
        finished_at: NOW + 3,
        status_rank: 4,
      });
      expect(await store.readParts(m1!.id)).toEqual(new Map());
      expect((await t.requests()).map((r) => r.body)).toEqual([
        { id: "m1", status: "error", reason: "chat not found", channelIds: ["p1"] },
      ]);
      expect(await store.report(A, "p1", "delivered")).toBe(false);
    });

    it("keeps a send's parts by index: a part taken again under a new id replaces the old one", async () => {
      await open();
      const [m1] = await sendable(A, "m1");
      await store.recordPart(A, m1!.id, 0, "a", undefined);
      await store.recordPart(A, m1!.id, 1, "b", undefined);
      await store.recordPart(A, m1!.id, 0, "c", "a");
      expect(await store.readParts(m1!.id)).toEqual(
        new Map([
          [0, "c"],
          [1, "b"],
        ]),
      );
      expect(await store.findOutgoing(A, "a")).toBeUndefined();
      expect(await store.findOutgoing(A, "c")).toMatchObject({ crmMessageId: "m1" });
      await store.markSent([{ row: m1!, ids: ["c", "b"] }], NOW);
      expect((await t.requests())[0]!.body).toEqual({ id: "m1", status: "sent", channelIds: ["b", "c"] });
    });
  });

  describe("edits and removals", () => {
    const edit = (crmMessageId: string, key: string, text = "new text") => ({
      tenantId: A,
      action: "edit" as const,
      crmMessageId,
      operationKey: key,
      message: { content: { text, format: "text" as const }, attachments: [] },
    });

    it("stores an operation once per key, unless its message is unknown or failed", async () => {
      await open();
      const [m1, m2] = await sendable(A, "m1", "m2");
      await store.markFailed(m2!, "no", NOW);
      expect(await store.insertOperation(edit("m1", "k1"), NOW)).toBe("queued");
      expect(await store.insertOperation(edit("m1", "k1"), NOW)).toBe("repeated");
      expect(await store.insertOperation(edit("nope", "k1"), NOW)).toBe("unknown");
      expect(await store.insertOperation({ ...edit("m1", "k1"), tenantId: B }, NOW)).toBe("unknown");
      expect(await store.insertOperation(edit("m2", "k1"), NOW)).toBe("failed");
      const [op] = await store.claimDue(A, NOW, LEASE, 10);
      expect(op).toMatchObject({ action: "edit", target_id: m1!.id, crm_message_id: null, host_data: null });
      expect(JSON.parse(op!.payload)).toEqual({ message: edit("m1", "k1").message });
    });

    it("makes an operation wait for its message, then gives it the message and its ids; a finished send wakes it", async () => {
      await open();
      await store.insertAll([queued(A, "m1", { line: 1 })], NOW);
      expect(await store.insertOperation(edit("m1", "e1"), NOW)).toBe("queued");
      expect(await store.insertOperation({ ...edit("m1", "e2"), hostData: { line: 2 } }, NOW)).toBe("queued");
      const [m1, e1, e2] = await store.claimDue(A, NOW, LEASE, 10);
      expect(e2!.host_data).toBe('{"line":2}');
      expect(e1!.host_data).toBe('{"line":1}');
      expect(await store.operationTarget(e1!)).toEqual({ state: "waiting", until: LEASE });
      await store.deferAll([
        { id: e1!.id, at: NOW + 99_999 },
        { id: e2!.id, at: NOW + 99_999 },
      ]);
      // The message finished: its operations are due now, their tenant told.
      expect(await store.markSent([{ row: m1!, ids: ["p1", "p2"] }], NOW + 7)).toEqual([A, A]);
      expect(await store.tenantNextDue(A)).toBe(NOW + 7);
      const [e1b, e2b] = await store.claimDue(A, NOW + 7, LEASE, 10);
      expect(await store.operationTarget(e1b!)).toEqual({
        state: "sent",
        crmMessageId: "m1",
        message: message("m1"),
        channelIds: ["p1", "p2"],
      });
      // The second edit waits for the first (leased now).
      expect(await store.operationTarget(e2b!)).toEqual({ state: "waiting", until: LEASE });
      // The first edit left the message with one part; the second is given that.
      expect(await store.markOperationDone(e1b!, ["p1"], NOW + 8)).toEqual([]);
      expect(await store.operationTarget(e2b!)).toMatchObject({ state: "sent", channelIds: ["p1"] });
      expect(await store.markOperationFailed(e2b!, "too long", true, NOW + 9)).toEqual([]);
      expect((await t.requests()).map((r) => [r.order_key, r.body])).toEqual([
        [`status:${A}:m1`, { id: "m1", status: "sent", channelIds: ["p1", "p2"], hostData: { line: 1 } }],
        [`status:${A}:m1`, { id: "m1", status: "sent", channelIds: ["p1"], hostData: { line: 1 }, operation: "edit" }],
        [
          `status:${A}:m1`,
          {
            id: "m1",
            status: "error",
            reason: "too long",
            channelIds: ["p1"],
            hostData: { line: 2 },
            operation: "edit",
          },
        ],
      ]);
      expect(await t.row(e2b!.id)).toMatchObject({ state: "failed", last_error: "too long" });
    });

    it("wakes the next operation when one finishes, reports nothing for removals or when asked not to", async () => {
      await open();
      const [m1] = await sendable(A, "m1");
      await store.markSent([{ row: m1!, ids: ["p1"] }], NOW);
      await store.insertOperation(edit("m1", "e1"), NOW);
      await store.insertOperation({ ...edit("m1", "r1"), action: "remove", message: null }, NOW);
      await store.insertOperation(edit("m1", "e3"), NOW);
      const [e1, r1, e3] = await store.claimDue(A, NOW, LEASE, 10);
      await store.deferAll([
        { id: r1!.id, at: NOW + 50_000 },
        { id: e3!.id, at: NOW + 50_000 },
      ]);
      expect(await store.markOperationFailed(e1!, "gone", false, NOW + 1)).toEqual([A, A]);
      const [r1b] = await store.claimDue(A, NOW + 1, LEASE, 1);
      expect(r1b!.action).toBe("remove");
      expect(await store.operationTarget(r1b!)).toMatchObject({ state: "sent", channelIds: ["p1"] });
      expect(await store.markOperationDone(r1b!, null, NOW + 2)).toEqual([A]);
      expect((await t.requests()).map((r) => r.body.status)).toEqual(["sent"]);
    });

    it("makes an operation due at once when what it waits for finished while it was claimed", async () => {
      await open();
      await store.insertAll([queued(A, "m1")], NOW);
      const [m1] = await store.claimDue(A, NOW, LEASE, 1);
      await store.insertOperation(edit("m1", "e1"), NOW + 1);
      await store.insertOperation({ ...edit("m1", "r1"), action: "remove", message: null }, NOW + 1);
      // A take claims both operations while the message is being sent: they wait for it.
      const [e1, r1] = await store.claimDue(A, NOW + 1, LEASE + 1, 10);
      expect(await store.operationTarget(e1!)).toEqual({ state: "waiting", until: LEASE });
      // The send finishes before the take puts them back: its wake-up finds them claimed, not queued.
      expect(await store.markSent([{ row: m1!, ids: ["p1"] }], NOW + 2)).toEqual([]);
      await store.deferAll([
        { id: e1!.id, at: LEASE, ifUnblocked: NOW + 3 },
        { id: r1!.id, at: LEASE, ifUnblocked: NOW + 3 },
      ]);
      // The edit is due now, not at the send's lease end; the removal still waits for the edit.
      expect(await store.tenantNextDue(A)).toBe(NOW + 3);
      const [e1b, ...others] = await store.claimDue(A, NOW + 3, NOW + 60_003, 10);
      expect(others).toEqual([]);
      expect(e1b).toMatchObject({ id: e1!.id, attempts: 1 });

      // The same between two operations: the removal is claimed while the edit runs, the edit ends first.
      const [r1b] = await store.claimDue(A, LEASE, LEASE + 60_000, 10);
      expect(await store.operationTarget(r1b!)).toEqual({ state: "waiting", until: NOW + 60_003 });
      expect(await store.markOperationDone(e1b!, ["p1"], LEASE + 1)).toEqual([]);
      await store.deferAll([{ id: r1b!.id, at: LEASE + 60_000, ifUnblocked: LEASE + 2 }]);
      expect(await store.tenantNextDue(A)).toBe(LEASE + 2);
      const [r1c] = await store.claimDue(A, LEASE + 2, LEASE + 60_002, 10);
      expect(r1c).toMatchObject({ id: r1!.id, action: "remove" });
      expect(await store.operationTarget(r1c!)).toMatchObject({ state: "sent", channelIds: ["p1"] });
    });

    it("keeps a put-back operation's time when what it waits for is still unfinished, or it was only rate-limited", async () => {
      await open();
      const [m1] = await sendable(A, "m1");
      await store.insertOperation(edit("m1", "e1"), NOW);
      const [e1] = await store.claimDue(A, NOW, LEASE, 10);
      await store.deferAll([{ id: e1!.id, at: LEASE, ifUnblocked: NOW + 1 }]);
      expect(await store.tenantNextDue(A)).toBe(LEASE);
      await store.markSent([{ row: m1!, ids: ["p1"] }], NOW + 2);
      const [e1b] = await store.claimDue(A, NOW + 2, LEASE, 10);
      // Held back by a rate limit (no blocker): it goes when the limit lets it.
      await store.deferAll([{ id: e1b!.id, at: NOW + 5_000 }]);
      expect(await store.tenantNextDue(A)).toBe(NOW + 5_000);
    });

    it("says an operation's message failed or is unknown", async () => {
      await open();
      const [m1] = await sendable(A, "m1");
      await store.insertOperation(edit("m1", "e1"), NOW);
      const [e1] = await store.claimDue(A, NOW, LEASE, 10);
      await store.markFailed(m1!, "no", NOW);
      expect(await store.operationTarget(e1!)).toEqual({ state: "failed" });
      expect(await store.operationTarget({ ...e1!, target_id: null })).toEqual({ state: "unknown" });
      expect(await store.operationTarget({ ...e1!, target_id: 9999 })).toEqual({ state: "unknown" });
    });
  });
});
