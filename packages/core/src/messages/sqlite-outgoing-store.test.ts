/**
 * SqliteOutgoingStore's replica-facing statements (the OutgoingStore contract runs them on
 * PostgreSQL): putting a tenant's leased rows back, and releasing expired leases of given tenants.
 */
import { afterEach, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client.js";
import { SqliteOutboxStore } from "../outbox/sqlite-outbox-store.js";
import type { QueuedMessage } from "./outgoing-store.js";
import { SqliteOutgoingStore } from "./sqlite-outgoing-store.js";

const NOW = 1_000_000;
let db: Database | undefined;
afterEach(() => db?.$client.close());

function open() {
  db = openDatabase(":memory:");
  const outbox = new SqliteOutboxStore(db, { clock: { now: () => NOW }, maxAgeMs: 86_400_000, wake: () => undefined });
  const store = new SqliteOutgoingStore(db, outbox);
  const state = (id: number) =>
    db!.$client.prepare("SELECT state, lease_until, attempts FROM outgoing WHERE id = ?").get(id) as {
      state: string;
      lease_until: number | null;
      attempts: number;
    };
  return { store, state };
}

const queued = (tenantId: number, id: string): QueuedMessage => ({
  tenantId,
  message: {
    chat: { id: "chat", contact: "c", subject: null },
    message: { id, content: { text: id, format: "text" }, attachments: [] },
  },
});

it("puts every leased row of one tenant back at once, except the running ones; attempts kept", async () => {
  const { store, state } = open();
  await store.insertAll([queued(1, "a1"), queued(1, "a2"), queued(2, "b1")], NOW);
  const [a1, a2] = await store.claimDue(1, NOW, NOW + 60_000, 10);
  const [b1] = await store.claimDue(2, NOW, NOW + 60_000, 10);
  expect(await store.releaseLeased(1, [a2!.id], NOW)).toBe(1);
  expect(state(a1!.id)).toEqual({ state: "queued", lease_until: null, attempts: 1 });
  expect(state(a2!.id).state).toBe("leased");
  expect(state(b1!.id).state).toBe("leased");
});

it("releases expired leases of the tenants given only, with the next lease among theirs", async () => {
  const { store, state } = open();
  await store.insertAll([queued(1, "a1"), queued(2, "b1")], NOW);
  const [a1] = await store.claimDue(1, NOW, NOW + 100, 10);
  const [b1] = await store.claimDue(2, NOW, NOW + 200, 10);
  expect(await store.releaseExpired(NOW + 500, [], [2])).toEqual({ tenantIds: [2], nextLease: null });
  expect(state(a1!.id).state).toBe("leased");
  expect(state(b1!.id)).toEqual({ state: "queued", lease_until: null, attempts: 1 });
  expect(await store.releaseExpired(NOW + 50, [], [1])).toEqual({ tenantIds: [], nextLease: NOW + 100 });
});
