/**
 * Replicas, incoming (customers → CRM, through the CRM outbox): three processes of the real
 * Telegram gateway share one PostgreSQL. Telegram posts 5 000 customer messages of two bots over
 * 200 chats to the three replicas' webhook in turn, re-posting any update not answered 2xx with the
 * same update_id, as Telegram does. Mid-run the replica that owns a tenant is killed with SIGKILL
 * and restarted; later PostgreSQL is stopped for a few seconds and started again. Every customer's
 * words must reach the CRM simulator whole, in chat order, within the bound on duplicates.
 */
import { waitFor } from "@switchboard/testkit";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { telegramUpdate } from "../load/load-spec.js";
import { disrupt } from "./harness/replica-chaos.js";
import { now, ownersSettled, startReplicaStack, unplannedFences, type ReplicaStack } from "./harness/replica-stack.js";
import {
  chatsOutOfOrder,
  duplicates,
  firstArrivalOrder,
  postInChatOrder,
  type ChatScript,
} from "./harness/replica-traffic.js";
import { summary } from "./harness/summary.js";
import { markerOf } from "./harness/webhook.js";

const pg = await postgresTestDatabase({ ownServer: true });

const CHATS_PER_TENANT = 100;
const PER_CHAT = 25;
const MESSAGES = 2 * CHATS_PER_TENANT * PER_CHAT;
/** Posted and not yet at the CRM at most, per tenant: posting goes on through the whole run. */
const BACKLOG = 150;
const KILL_AFTER = 1500;
const STOP_AFTER = 3300;

/** The text Telegram carries for a marker (`telegramUpdate`'s). */
const textOf = (marker: string) => `hello [[${marker}]]`;

let stack: ReplicaStack;

describe.skipIf(!pg)("three Telegram replicas on one PostgreSQL, receiving", () => {
  beforeAll(async () => {
    stack = await startReplicaStack(pg!.server, pg!.url, { SWITCHBOARD_LEASE_SECONDS: "3" });
    await waitFor(() => ownersSettled(stack), { timeoutMs: 30_000, message: "each tenant owned, by two replicas" });
  }, 120_000);
  afterAll(() => stack?.close());

  test("kill -9 of a replica and a PostgreSQL restart mid-run: every customer message reaches the CRM whole, in chat order", async () => {
    const started = now();
    const scripts: ChatScript[] = stack.tenants.flatMap((tenant, t) =>
      Array.from({ length: CHATS_PER_TENANT }, (_, c) => {
        const chat = (t + 1) * 10_000 + c;
        return { tenant, chat, markers: Array.from({ length: PER_CHAT }, (_, k) => `u${chat}x${k}`) };
      }),
    );
    const scriptOf = new Map(scripts.flatMap((s) => s.markers.map((m) => [m, s] as const)));
    const { crm } = stack;

    // What the CRM heard, read as it arrives: arrivals per marker, in arrival order, whole or not.
    const times = new Map<string, number>();
    const arrivals: Array<{ chat: string; marker: string }> = [];
    // When each request was read (within the 20 ms of the reading interval), per company.
    const heard: Array<{ companyId: string; at: number }> = [];
    const garbled: string[] = [];
    const receivedOf = new Map<number, number>();
    let read = 0;
    const readCrm = () => {
      for (; read < crm.incoming.length; read++) {
        const request = crm.incoming[read]!;
        const text = request.body.message.content?.text ?? "";
        const marker = markerOf(text);
        const script = marker === undefined ? undefined : scriptOf.get(marker);
        if (!marker || !script || text !== textOf(marker) || request.ref.companyId !== script.tenant.ref.companyId) {
          garbled.push(text);
          continue;
        }
        times.set(marker, (times.get(marker) ?? 0) + 1);
        if (times.get(marker) === 1) receivedOf.set(script.chat, (receivedOf.get(script.chat) ?? 0) + 1);
        arrivals.push({ chat: `${script.tenant.ref.companyId} ${script.chat}`, marker });
        heard.push({ companyId: script.tenant.ref.companyId, at: now() });
      }
    };
    const reading = setInterval(readCrm, 20);
    const postedOf = new Map<string, number>();
    const receivedBy = (companyId: string) =>
      scripts
        .filter((s) => s.tenant.ref.companyId === companyId)
        .reduce((n, s) => n + (receivedOf.get(s.chat) ?? 0), 0);

    let inFlightAtStop = -1;
    const chaos = disrupt(stack, {
      done: () => times.size,
      killAfter: KILL_AFTER,
      stopAfter: STOP_AFTER,
      whileDown(frozen) {
        // A request still stored when the database stopped, yet heard by the CRM (before the stop,
        // its removal not committed; or while the database was down), is delivered again once it
        // is back: those are the deliveries the stop caught in flight.
        readCrm();
        inFlightAtStop = frozen.outboxMarkers.filter((m) => (times.get(m) ?? 0) > 0).length;
      },
    });

    const posting = postInChatOrder(scripts, {
      parallel: 2 * CHATS_PER_TENANT,
      mayPost: (script) =>
        (postedOf.get(script.tenant.ref.companyId) ?? 0) - receivedBy(script.tenant.ref.companyId) < BACKLOG,
      post: async (script, index, replica) => {
        const marker = script.markers[index]!;
        const updateId = script.chat * 100 + index;
        const status = await stack.postUpdate(replica, script.tenant, telegramUpdate(updateId, script.chat, marker));
        if (status >= 200 && status < 300) {
          const company = script.tenant.ref.companyId;
          postedOf.set(company, (postedOf.get(company) ?? 0) + 1);
        }
        return status;
      },
    });
    // A disruption that fails ends the run with its own error, not with the posting's wait for room.
    const tally = await Promise.race([posting, chaos.then(() => posting)]);
    const record = await chaos;
    expect(tally.accepted).toBe(MESSAGES);

    const markers = scripts.flatMap((s) => s.markers);
    await waitFor(
      () => {
        readCrm();
        return markers.every((m) => times.has(m));
      },
      { timeoutMs: 180_000, message: () => `${times.size} of ${MESSAGES} at the CRM` },
    );
    clearInterval(reading);
    const totalMs = now() - started;

    const lost = markers.filter((m) => !times.has(m)).length;
    const dup = duplicates(times.values());
    const outOfOrder = chatsOutOfOrder(
      scripts,
      firstArrivalOrder(arrivals),
      (s) => `${s.tenant.ref.companyId} ${s.chat}`,
    );
    const killed = new Set(
      stack.tenants.filter((t) => record.kill.tenantIds.includes(t.tenantId)).map((t) => t.ref.companyId),
    );
    // Heard after the handover: delivered by the tenant's next owner.
    const handedAt = record.kill.at + record.kill.handoverMs;
    const firstAfterHandover = heard.find((h) => h.at > handedAt && killed.has(h.companyId))?.at ?? NaN;
    // The CRM outbox worker's name in core (`CrmOutbox`).
    const fenced = unplannedFences(stack.events, "CRM outbox", { from: record.stop.at, to: record.stop.upAt });
    summary("replicas-outbox", {
      messages: MESSAGES,
      replicas: stack.replicas.length,
      reposted: tally.reposted,
      inFlightAtKill: record.kill.deliveries,
      inFlightAtDbStop: inFlightAtStop,
      lockedAtDbStop: record.stop.deliveries,
      otherFences: fenced.fences,
      inFlightAtOtherFences: fenced.inFlight,
      duplicates: dup,
      lost,
      garbled: garbled.length,
      chatsOutOfOrder: outOfOrder.length,
      handoverMs: Math.round(record.kill.handoverMs),
      firstDeliveryAfterHandoverMs: Math.round(firstAfterHandover - handedAt),
      restartMs: Math.round(record.kill.restartMs),
      dbDownMs: Math.round(record.stop.upAt - record.stop.at),
      readyAfterDbMs: Math.round(record.stop.readyAgainMs),
      totalMs: Math.round(totalMs),
    });
    expect(lost).toBe(0);
    expect(garbled, "texts that did not reach the CRM whole").toEqual([]);
    // A duplicate is a request the CRM took whose removal from the outbox never committed. At the
    // kill: the dead replica's heads under its delivery locks (read while it was frozen); the next
    // owner delivers them again. At the stop: the requests still stored then that the CRM had
    // nevertheless heard (read with the tables locked, compared before the database came back).
    // At any other lost lease: the deliveries its replica had in flight (it logs them).
    expect(dup).toBeLessThanOrEqual(record.kill.deliveries + inFlightAtStop + fenced.inFlight);
    expect(outOfOrder, "chats whose first arrivals at the CRM are out of posting order").toEqual([]);
    expect(Number.isFinite(firstAfterHandover), "the killed replica's tenant was delivered for again").toBe(true);
  }, 900_000);
});
