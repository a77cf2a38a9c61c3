/**
 * Two `startGateway` replicas of one gateway on one PostgreSQL, with the CRM simulator: each
 * tenant's messages, posted to either replica, are sent once and in chat order by the replica
 * leasing the tenant (woken by NOTIFY: the polling backstop is an hour away), and a replica
 * stopped gracefully hands its tenants to the other with nothing lost or sent twice. No test
 * waits for a time: each waits for a condition.
 */
import { randomBytes } from "node:crypto";
import { SALESRENDER_HOST, salesrender, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { startCrmSimulator, waitFor, type CrmSimulator, type PluginRef } from "@switchboard/testkit";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { afterEach, describe, expect, it } from "vitest";
import type { SendContext } from "../gateway/types.js";
import { createEchoGateway } from "../test/echo-gateway.js";
import { TENANT_A, TENANT_B } from "../test/stack.js";
import { startGateway, type GatewayHandle } from "./start-gateway.js";

const db = await postgresTestDatabase();
/** The polling backstop: an hour, so whatever is sent promptly was woken by a notification. */
const NO_BACKSTOP = 3_600_000;
const key = randomBytes(32).toString("base64");

/** A message the channel took: from which replica, for which tenant, chat and CRM message. */
interface Sent {
  replica: string;
  tenantId: number;
  contact: string;
  id: string;
}

interface Replica {
  name: string;
  gw: GatewayHandle;
  /** Makes this replica's channel hold each send until `release` (or take them at once again). */
  hold(on: boolean): void;
  /** Sends this replica's channel holds right now. */
  held: number;
  release(): void;
}

const opened: Array<{ stop(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const it of opened.splice(0).reverse()) await it.stop().catch(() => undefined);
});

async function startReplica(
  crm: CrmSimulator,
  url: string,
  name: string,
  sent: Sent[],
  leaseSeconds = 3,
): Promise<Replica> {
  const echo = createEchoGateway();
  let holding = false;
  const gates: Array<() => void> = [];
  echo.behave(async (message, _signal, ctx: SendContext) => {
    if (holding) await new Promise<void>((resolve) => gates.push(resolve));
    sent.push({ replica: name, tenantId: ctx.tenant.id, contact: message.chat.contact, id: message.message.id! });
    return `${name}-${message.queueId}`;
  });
  const gw = await startGateway(echo.definition, {
    hosts: [salesrender],
    port: 0,
    replica: { replicaId: name, pollMs: NO_BACKSTOP },
    env: {
      ...crm.env,
      SWITCHBOARD_DATABASE_URL: url,
      SWITCHBOARD_SECRET_KEY: key,
      SWITCHBOARD_LEASE_SECONDS: String(leaseSeconds),
      SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
      SWITCHBOARD_RETRY_BASE_MS: "10",
      SWITCHBOARD_RETRY_MAX_MS: "200",
      LOG_LEVEL: "silent",
    },
  });
  opened.push({ stop: () => gw.stop({ timeoutMs: 5000 }) });
  return {
    name,
    gw,
    hold: (on) => void (holding = on),
    get held() {
      return gates.length;
    },
    release: () => gates.splice(0).forEach((open) => open()),
  };
}

/** The tenant a plugin reference registered, read through `replica`. */
const tenantOf = (replica: Replica, ref: PluginRef) =>
  replica.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(ref));

/** Two replicas on a fresh database, both tenants registered, each tenant leased by one of them. */
async function twoReplicas() {
  const crm = await startCrmSimulator();
  opened.push({ stop: () => crm.close() });
  const url = await db!.server.createDatabase();
  const sent: Sent[] = [];
  const a = await startReplica(crm, url, "a", sent);
  const b = await startReplica(crm, url, "b", sent);
  expect((await crm.register(a.gw.url, TENANT_A)).status).toBe(200);
  expect((await crm.register(b.gw.url, TENANT_B)).status).toBe(200);
  const tenantIds: number[] = [];
  for (const ref of [TENANT_A, TENANT_B]) {
    tenantIds.push((await tenantOf(a, ref))!.id);
  }
  const owners = () => tenantIds.map((t) => [a, b].filter((r) => r.gw.leases.owns(t)).map((r) => r.name));
  // Fair by tenants: one each.
  await waitFor(() => owners().every((o) => o.length === 1) && new Set(owners().flat()).size === 2, {
    timeoutMs: 30_000,
    message: () => `each tenant one owner, one tenant each: ${JSON.stringify(owners())}`,
  });
  // Each replica here has its own URL, and the CRM accepts a tenant's requests only from the URL
  // it registered the tenant through: registered again through its owner, whichever replica the
  // leases gave it to (else, when both went the other way, every status was refused with a 403).
  for (const [i, ref] of [TENANT_A, TENANT_B].entries()) {
    const owner = [a, b].find((r) => r.gw.leases.owns(tenantIds[i]!))!;
    expect((await crm.register(owner.gw.url, ref)).status).toBe(200);
  }
  return { crm, a, b, sent, tenantIds, owners };
}

/**
 * Posts `perChat` messages to each of `chats` chats of both tenants, each message to the replica
 * `route` picks (default: the next in turn, as a balancer does), a chat's messages one after the
 * other (accepted in that order).
 */
async function post(
  crm: CrmSimulator,
  replicas: Replica[],
  chats: number,
  perChat: number,
  tag: string,
  route?: (ref: PluginRef) => Replica,
) {
  let turn = 0;
  const posted: Array<{ contact: string; ids: string[] }> = [];
  const refs: Array<[string, PluginRef]> = [
    ["a", TENANT_A],
    ["b", TENANT_B],
  ];
  await Promise.all(
    refs.flatMap(([t, ref]) =>
      Array.from({ length: chats }, async (_, c) => {
        const contact = `echo://t${t}-chat${c}`;
        const ids: string[] = [];
        for (let i = 0; i < perChat; i++) {
          const id = `t${t}-chat${c}-${tag}${i}`;
          const via = route?.(ref) ?? replicas[turn++ % replicas.length]!;
          const res = await crm.send(via.gw.url, ref, {
            chat: { id: `t${t}-chat${c}`, contact, subject: null },
            message: { id, content: { text: `text of ${id}`, format: "text" }, attachments: [] },
          });
          expect(res.status, await res.clone().text()).toBe(202);
          ids.push(id);
        }
        posted.push({ contact, ids });
      }),
    ),
  );
  return posted;
}

const total = (posted: Array<{ ids: string[] }>) => posted.reduce((n, chat) => n + chat.ids.length, 0);

/** Every message reached the channel exactly once, each chat's in the order accepted. */
function expectOnceInOrder(sent: Sent[], posted: Array<{ contact: string; ids: string[] }>) {
  const ids = sent.map((s) => s.id);
  expect(ids.length, "nothing sent twice").toBe(new Set(ids).size);
  for (const chat of posted) {
    expect(
      sent.filter((s) => s.contact === chat.contact).map((s) => s.id),
      chat.contact,
    ).toEqual(chat.ids);
  }
}

describe.skipIf(!db)("two replicas of a gateway (startGateway) on one PostgreSQL", () => {
  it("messages posted to both replicas are sent once, in chat order, by each tenant's owner; the CRM hears each sent once", async () => {
    const { crm, a, b, sent, tenantIds } = await twoReplicas();
    const ownerOf = new Map(tenantIds.map((t) => [t, a.gw.leases.owns(t) ? "a" : "b"]));
    const posted = await post(crm, [a, b], 3, 6, "m");
    await waitFor(() => sent.length >= total(posted), {
      timeoutMs: 30_000,
      message: () => `${sent.length} of ${total(posted)} sent`,
    });
    expectOnceInOrder(sent, posted);
    for (const s of sent) expect(s.replica, s.id).toBe(ownerOf.get(s.tenantId));
    // Each message's "sent" status reaches the CRM once, through the owner's CRM outbox.
    const sentStatuses = () => crm.statuses.filter((s) => s.body.status === "sent").map((s) => s.body.id);
    await waitFor(() => sentStatuses().length >= total(posted), {
      timeoutMs: 30_000,
      message: () => `${sentStatuses().length} of ${total(posted)} statuses`,
    });
    expect(new Set(sentStatuses()).size).toBe(total(posted));
  }, 90_000);

  it("a tenant registered through either replica gets an owner at once, not at the next lease renewal, and its first message goes out", async () => {
    const crm = await startCrmSimulator();
    opened.push({ stop: () => crm.close() });
    const url = await db!.server.createDatabase();
    const sent: Sent[] = [];
    // Renewals every 40 s: an owner found within 10 s was found because the tenant was created.
    const a = await startReplica(crm, url, "a", sent, 120);
    const b = await startReplica(crm, url, "b", sent, 120);
    const ownersOf = async (ref: PluginRef) => {
      const tenant = await tenantOf(a, ref);
      return tenant ? [a, b].filter((r) => r.gw.leases.owns(tenant.id)).map((r) => r.name) : [];
    };
    expect((await crm.register(b.gw.url, TENANT_A)).status).toBe(200);
    let ownersA: string[] = [];
    await waitFor(async () => (ownersA = await ownersOf(TENANT_A)).length === 1, {
      timeoutMs: 10_000,
      message: () => `tenant A's owners: ${JSON.stringify(ownersA)}`,
    });
    expect((await crm.register(a.gw.url, TENANT_B)).status).toBe(200);
    let ownersB: string[] = [];
    await waitFor(async () => (ownersB = await ownersOf(TENANT_B)).length === 1, {
      timeoutMs: 10_000,
      message: () => `tenant B's owners: ${JSON.stringify(ownersB)}`,
    });
    // Fair by tenants: the replica that had none took the second.
    expect(new Set([...ownersA, ...ownersB]).size).toBe(2);
    // The CRM takes a tenant's requests only from the URL it registered it through: through its owner.
    const byName = new Map([a, b].map((r) => [r.name, r]));
    const ownerB = byName.get(ownersB[0]!)!;
    expect((await crm.register(ownerB.gw.url, TENANT_B)).status).toBe(200);
    const res = await crm.send(a.gw.url, TENANT_B, {
      chat: { id: "new-chat", contact: "echo://new-chat", subject: null },
      message: { id: "first", content: { text: "first words", format: "text" }, attachments: [] },
    });
    expect(res.status, await res.clone().text()).toBe(202);
    await waitFor(() => sent.length === 1, { timeoutMs: 10_000, message: () => `${sent.length} sent` });
    expect(sent[0]).toMatchObject({ replica: ownerB.name, id: "first" });
  }, 90_000);

  it("messages posted only to the replica not owning their tenant are sent by the owner, woken by NOTIFY", async () => {
    const { crm, a, b, sent, tenantIds } = await twoReplicas();
    const [idA] = tenantIds as [number, number];
    // Each tenant's messages go to the other replica: nothing wakes the owner but a notification
    // (the polling backstop is an hour away, and no tenant changes hands).
    const notOwning = (ref: PluginRef) => ((ref === TENANT_A) === a.gw.leases.owns(idA) ? b : a);
    const posted = await post(crm, [a, b], 2, 4, "m", notOwning);
    await waitFor(() => sent.length >= total(posted), {
      timeoutMs: 30_000,
      message: () => `${sent.length} of ${total(posted)} sent`,
    });
    expectOnceInOrder(sent, posted);
    for (const s of sent) expect(s.replica).toBe(a.gw.leases.owns(s.tenantId) ? "a" : "b");
  }, 90_000);

  it("a replica stopped gracefully hands its tenant to the other once its sends in flight finished: nothing lost, nothing twice, chats in order", async () => {
    const { crm, a, b, sent, tenantIds, owners } = await twoReplicas();
    const handed = tenantIds.find((t) => a.gw.leases.owns(t))!;
    a.hold(true);
    const before = await post(crm, [a, b], 2, 6, "m");
    await waitFor(() => a.held > 0, { message: () => "a has sends in flight" });
    // A deploy: a stops, the balancer sends everything to b from now on.
    const stopping = a.gw.stop({ timeoutMs: 30_000 });
    opened.push({ stop: () => stopping });
    const after = await post(crm, [b], 2, 4, "n");
    // While a's sends are in flight its tenant stays with it.
    expect(b.gw.leases.owns(handed)).toBe(false);
    a.hold(false);
    a.release();
    await stopping;
    const posted = before.map((chat) => ({
      contact: chat.contact,
      ids: [...chat.ids, ...after.find((c) => c.contact === chat.contact)!.ids],
    }));
    await waitFor(() => sent.length >= total(posted), {
      timeoutMs: 30_000,
      message: () => `${sent.length} of ${total(posted)} sent`,
    });
    expectOnceInOrder(sent, posted);
    expect(sent.some((s) => s.replica === "b" && s.tenantId === handed)).toBe(true);
    await waitFor(() => owners().every((o) => o.length === 1 && o[0] === "b"), {
      message: () => JSON.stringify(owners()),
    });
  }, 90_000);
});
