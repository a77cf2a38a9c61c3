/**
 * Several replicas' send queues on one PostgreSQL: each tenant's messages are sent by the one
 * replica owning it, woken by NOTIFY from whichever replica stored them; a replica that dies or
 * stops hands its tenants over with nothing lost, nothing sent twice, per-chat order and the
 * per-bot limit kept. No test waits for a time: each waits for a condition.
 */
import { waitFor } from "@switchboard/testkit";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { afterEach, describe, expect, it } from "vitest";
import type { RateLimitRule } from "../gateway/types.js";
import {
  chatMessage,
  ownersOf,
  replicaDatabase,
  settled,
  startReplicaQueue,
  type Channel,
  type Delivered,
  type DeliveredRequest,
  type ReplicaQueue,
} from "./test/replica-workers.js";

const db = await postgresTestDatabase();
/** The polling backstop: an hour, so whatever is sent promptly was woken by a notification. */
const NO_BACKSTOP = 3_600_000;
const running: ReplicaQueue[] = [];
afterEach(async () => {
  for (const replica of running.splice(0).reverse()) await replica.stop().catch(() => undefined);
});

async function cluster(
  names: string[],
  tenants: number,
  options: {
    leaseMs?: number;
    channel?: (replica: string) => Channel;
    crm?: (replica: string) => (signal: AbortSignal) => Promise<void>;
    rateLimits?: RateLimitRule[];
    holdSent?: (replica: string) => (() => Promise<void>) | undefined;
  } = {},
) {
  const url = await db!.server.createDatabase();
  const { admin, tenantIds } = await replicaDatabase(url, tenants);
  const delivered: Delivered[] = [];
  const requests: DeliveredRequest[] = [];
  const start = async (name: string) => {
    const replica = await startReplicaQueue({
      url,
      name,
      leaseMs: options.leaseMs ?? 1500,
      pollMs: NO_BACKSTOP,
      delivered,
      requests,
      ...(options.crm ? { crm: options.crm(name) } : {}),
      ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
      ...(options.channel ? { channel: options.channel(name) } : {}),
      ...(options.holdSent?.(name) ? { holdSent: options.holdSent(name)! } : {}),
    });
    running.push(replica);
    return replica;
  };
  const replicas: ReplicaQueue[] = [];
  for (const name of names) replicas.push(await start(name));
  // Settled and fair (no rebalancing left to do): one owner per tenant, shares even.
  const fair = () =>
    replicas.every((r) => Math.abs(r.leases.ownedTenants().length - tenantIds.length / replicas.length) < 1);
  await waitFor(() => settled(replicas, tenantIds) && fair(), {
    timeoutMs: 20_000,
    message: () => `every tenant one owner: ${JSON.stringify(ownersOf(replicas, tenantIds))}`,
  });
  return { url, admin, tenantIds, delivered, requests, replicas, start };
}

/**
 * Posts `perChat` messages to each of `chats` chats of every tenant, each message through the next
 * replica in turn (a balancer), a chat's messages one after the other (accepted in that order).
 */
async function post(replicas: ReplicaQueue[], tenantIds: number[], chats: number, perChat: number, tag = "m") {
  let turn = 0;
  const sent: Array<{ tenantId: number; contact: string; ids: string[] }> = [];
  await Promise.all(
    tenantIds.flatMap((tenantId) =>
      Array.from({ length: chats }, async (_, c) => {
        const contact = `t${tenantId}-chat${c}`;
        const ids: string[] = [];
        for (let i = 0; i < perChat; i++) {
          const id = `${contact}-${tag}${i}`;
          const via = replicas[turn++ % replicas.length]!;
          expect(await via.queue.enqueue(tenantId, chatMessage(id, contact))).toBe(true);
          ids.push(id);
        }
        sent.push({ tenantId, contact, ids });
      }),
    ),
  );
  return sent;
}

/** Every message reached the channel exactly once, each chat's in the order they were accepted. */
function expectOnceInOrder(delivered: Delivered[], sent: Array<{ contact: string; ids: string[] }>) {
  const ids = delivered.map((d) => d.crmMessageId);
  expect(ids.length, "nothing sent twice").toBe(new Set(ids).size);
  for (const chat of sent) {
    expect(
      delivered.filter((d) => d.contact === chat.contact).map((d) => d.crmMessageId),
      `chat ${chat.contact}`,
    ).toEqual(chat.ids);
  }
}

const total = (sent: Array<{ ids: string[] }>) => sent.reduce((n, chat) => n + chat.ids.length, 0);

/**
 * Stores `perChat` CRM requests for each of `chats` chats of every tenant (one order key per chat),
 * each through the next replica in turn, a chat's one after the other.
 */
async function store(replicas: ReplicaQueue[], tenantIds: number[], chats: number, perChat: number) {
  let turn = 0;
  const stored: Array<{ contact: string; ids: string[] }> = [];
  await Promise.all(
    tenantIds.flatMap((tenantId) =>
      Array.from({ length: chats }, async (_, c) => {
        const chat = `t${tenantId}-chat${c}`;
        const ids: string[] = [];
        for (let i = 0; i < perChat; i++) {
          const id = `${chat}-r${i}`;
          await replicas[turn++ % replicas.length]!.outboxRows.insertAll([
            { tenantId, kind: "incoming", body: { id, chat }, orderKey: chat },
          ]);
          ids.push(id);
        }
        stored.push({ contact: chat, ids });
      }),
    ),
  );
  return stored;
}

/** Every request reached the CRM exactly once, each chat's in the order stored. */
function expectRequestsOnceInOrder(requests: DeliveredRequest[], stored: Array<{ contact: string; ids: string[] }>) {
  const ids = requests.map((r) => r.body.id);
  expect(ids.length, "nothing delivered twice").toBe(new Set(ids).size);
  for (const chat of stored) {
    expect(
      requests.filter((r) => r.body.chat === chat.contact).map((r) => r.body.id),
      `chat ${chat.contact}`,
    ).toEqual(chat.ids);
  }
}

describe.skipIf(!db)("the CRM outboxes of replicas on one PostgreSQL", () => {
  it("requests stored through every replica reach the CRM once, in chat order, from each tenant's owner, woken by NOTIFY", async () => {
    const { tenantIds, requests, replicas } = await cluster(["a", "b", "c"], 4);
    const acquisitions = replicas.map((r) => r.owned.length);
    const stored = await store(replicas, tenantIds, 3, 6);
    await waitFor(() => requests.length >= total(stored), {
      timeoutMs: 20_000,
      message: () => `${requests.length} of ${total(stored)} delivered`,
    });
    expect(replicas.map((r) => r.owned.length)).toEqual(acquisitions);
    expectRequestsOnceInOrder(requests, stored);
    for (const r of requests) expect(ownersOf(replicas, [r.tenantId])[0]).toEqual([r.replica]);
    expect(new Set(requests.map((r) => r.replica)).size).toBe(3);
  });

  it("a replica killed mid-delivery: the others deliver its tenants' requests, each once, in order", async () => {
    const holding = new Set<string>();
    const crm = (name: string) =>
      name === "c"
        ? (signal: AbortSignal) =>
            new Promise<void>((_, reject) => {
              holding.add(name);
              signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true });
            })
        : async () => undefined;
    const { tenantIds, requests, replicas } = await cluster(["a", "b", "c"], 6, { crm });
    const [a, b, c] = replicas as [ReplicaQueue, ReplicaQueue, ReplicaQueue];
    const stored = await store(replicas, tenantIds, 2, 4);
    await waitFor(() => holding.size > 0, { message: () => "c has deliveries in flight" });
    await c.kill();
    await waitFor(() => requests.length >= total(stored), {
      timeoutMs: 30_000,
      message: () => `${requests.length} of ${total(stored)} delivered`,
    });
    expectRequestsOnceInOrder(requests, stored);
    expect(requests.some((r) => r.replica === "c")).toBe(false);
    expect(settled([a, b], tenantIds)).toBe(true);
  });
});

describe.skipIf(!db)("send queues of replicas on one PostgreSQL", () => {
  it.each([2, 3])(
    "%i replicas: messages posted to every replica are sent once, in chat order, by each tenant's owner, woken by NOTIFY",
    async (count) => {
      const names = ["a", "b", "c"].slice(0, count);
      const { tenantIds, delivered, replicas } = await cluster(names, 4);
      const acquisitions = replicas.map((r) => r.owned.length);
      const sent = await post(replicas, tenantIds, 3, 8);
      // The polling backstop is an hour away and no tenant changed hands: only NOTIFY woke the owners.
      await waitFor(() => delivered.length >= total(sent), {
        timeoutMs: 20_000,
        message: () => `${delivered.length} of ${total(sent)} sent`,
      });
      expect(replicas.map((r) => r.owned.length)).toEqual(acquisitions);
      expectOnceInOrder(delivered, sent);
      for (const d of delivered) expect(ownersOf(replicas, [d.tenantId])[0]).toEqual([d.replica]);
      // Fair by tenants: every replica sends for some.
      expect(new Set(delivered.map((d) => d.replica)).size).toBe(count);
    },
  );

  it("a replica killed mid-send (its leases left to run out): its tenants move to the others and everything arrives once", async () => {
    const leaseMs = 1500;
    const held = new Set<string>();
    // The victim's channel hangs (its sends are in flight when it dies, and never reach the channel).
    const channel = (name: string): Channel =>
      name === "c"
        ? (message, signal) =>
            new Promise((_, reject) => {
              held.add(message.message.id!);
              signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true });
            })
        : async () => undefined;
    const { tenantIds, delivered, replicas } = await cluster(["a", "b", "c"], 6, { leaseMs, channel });
    const [a, b, c] = replicas as [ReplicaQueue, ReplicaQueue, ReplicaQueue];
    const victims = tenantIds.filter((t) => c.leases.owns(t));
    expect(victims.length).toBeGreaterThan(0);
    const sent = await post(replicas, tenantIds, 2, 5);
    await waitFor(() => held.size > 0, { message: () => "the victim has sends in flight" });
    await c.kill();
    const killedAt = performance.now();
    await waitFor(() => delivered.length >= total(sent), {
      timeoutMs: 30_000,
      message: () => `${delivered.length} of ${total(sent)} sent`,
    });
    // Within the lease of its death (plus a round of the survivors' leases).
    const firstTakeover = Math.min(...delivered.filter((d) => victims.includes(d.tenantId)).map((d) => d.at));
    expect(firstTakeover - killedAt).toBeLessThan(leaseMs * 2);
    expectOnceInOrder(delivered, sent);
    expect(delivered.some((d) => d.replica === "c")).toBe(false);
    expect(settled([a, b], tenantIds)).toBe(true);
  });

  it("a graceful stop hands a replica's tenants over once its sends in flight finished: nothing twice, chats in order", async () => {
    const gates: Array<() => void> = [];
    let holding = true;
    const channel = (name: string): Channel =>
      name === "a"
        ? () => (holding ? new Promise<void>((resolve) => gates.push(resolve)) : Promise.resolve())
        : async () => undefined;
    const { tenantIds, delivered, replicas } = await cluster(["a", "b", "c"], 6, { channel });
    const [a, b, c] = replicas as [ReplicaQueue, ReplicaQueue, ReplicaQueue];
    const handed = tenantIds.filter((t) => a.leases.owns(t));
    const sent = await post(replicas, tenantIds, 2, 6);
    await waitFor(() => gates.length > 0, { message: () => "a has sends in flight" });
    const stopping = a.stop();
    holding = false;
    // While its sends are in flight its tenants stay put, through several lease rounds of b and c
    // (a tenant given back too early is taken within one, its leased rows sent again).
    const moved = () => handed.some((t) => b.leases.owns(t) || c.leases.owns(t));
    await expect(waitFor(moved, { timeoutMs: 1500 })).rejects.toThrow();
    for (const open of gates.splice(0)) open();
    await stopping;
    await waitFor(() => delivered.length >= total(sent), {
      timeoutMs: 20_000,
      message: () => `${delivered.length} of ${total(sent)} sent`,
    });
    expectOnceInOrder(delivered, sent);
    expect(settled([b, c], tenantIds)).toBe(true);
  });

  it("a send's slot is free once the channel took it: a chat's next sends go while its 'sent' updates wait, and a graceful stop waits for them", async () => {
    let holding = true;
    const gates: Array<() => void> = [];
    const holdSent = (name: string) =>
      name === "a"
        ? () => (holding ? new Promise<void>((resolve) => gates.push(resolve)) : Promise.resolve())
        : undefined;
    const { admin, tenantIds, delivered, replicas } = await cluster(["a", "b"], 2, { holdSent });
    const [a, b] = replicas as [ReplicaQueue, ReplicaQueue];
    const handed = tenantIds.filter((t) => a.leases.owns(t));
    expect(handed).toHaveLength(1);
    const sent = await post(replicas, handed, 3, 4);
    // a's tenant has 4 slots and each chat one send at a time: all 12 reach the channel only if
    // neither waits for a "sent" update, none of which is written yet.
    await waitFor(() => delivered.filter((d) => d.replica === "a").length === 12, {
      timeoutMs: 20_000,
      message: () => `${delivered.length} of 12 sent while the "sent" updates wait`,
    });
    // One "sent" transaction at a time: the sends that finish while it waits go in the next one.
    expect(gates, "'sent' transactions waiting at once").toHaveLength(1);
    const stopping = a.stop();
    // Its sends still count as in flight until written: its tenant stays put through several of
    // b's lease rounds (given back too early, b would take it and send its leased rows again).
    await expect(waitFor(() => handed.some((t) => b.leases.owns(t)), { timeoutMs: 1500 })).rejects.toThrow();
    holding = false;
    for (const open of gates.splice(0)) open();
    await stopping;
    // Every row was marked sent by a before it gave the tenant back: nothing left for b to send again.
    const { rows } = await admin.query<{ state: string; n: number }>(
      "SELECT state, count(*)::int AS n FROM outgoing WHERE tenant_id = $1 GROUP BY state",
      [handed[0]],
    );
    expect(rows).toEqual([{ state: "sent", n: 12 }]);
    expectOnceInOrder(delivered, sent);
  });

  it("the per-bot limit holds across a handover: the new owner starts the tenant's bucket empty", async () => {
    // A burst of 10 then 2/s: in any second one bucket lets at most 12 through. A new owner
    // starting with a full bucket would send another 10 at once.
    const rule = { scope: "tenant" as const, perSecond: 2, burst: 10 };
    const { tenantIds, delivered, replicas } = await cluster(["a", "b"], 1, { rateLimits: [rule] });
    const [tenantId] = tenantIds as [number];
    const owner = replicas.find((r) => r.leases.owns(tenantId))!;
    const other = replicas.find((r) => r !== owner)!;
    const sent = await post(replicas, [tenantId], 1, 16);
    await waitFor(() => delivered.length >= rule.burst, { message: () => `${delivered.length} sent` });
    await owner.stop();
    await waitFor(() => delivered.length >= total(sent), {
      timeoutMs: 30_000,
      message: () => `${delivered.length} of ${total(sent)} sent`,
    });
    expect(new Set(delivered.map((d) => d.replica))).toEqual(new Set([owner.name, other.name]));
    expectOnceInOrder(delivered, sent);
    // The most the channel got in any one second (a window starting at each send).
    const times = delivered.map((d) => d.at).sort((x, y) => x - y);
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    expect(busiest).toBeLessThanOrEqual(rule.burst + rule.perSecond);
  });
});
