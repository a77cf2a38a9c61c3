/**
 * Replicas, outgoing (CRM → Telegram): three processes of the real Telegram gateway, its rate
 * limits on, share one PostgreSQL. Two tenants send 5 000 messages over 200 chats, posted to the
 * three replicas in turn. Mid-run one replica that owns a tenant is killed with SIGKILL and
 * restarted; later PostgreSQL itself is stopped for a few seconds and started again, and the CRM
 * re-posts what it could not post meanwhile (same message ids). Every accepted message must reach
 * the fake Bot API, in chat order, within the bound on duplicates, and the fake must never see
 * more than one bot's or one chat's declared rate.
 */
import { waitFor } from "@switchboard/testkit";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { telegram } from "@switchboard/telegram/dist/gateway.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { messageBody } from "./harness/chaos-stack.js";
import { duplicateReport, orderReport } from "./harness/run-report.js";
import { disrupt } from "./harness/replica-chaos.js";
import {
  now,
  ownersSettled,
  startReplicaStack,
  unplannedFences,
  type ReplicaStack,
  type ReplicaTenant,
} from "./harness/replica-stack.js";
import {
  chatsOutOfOrder,
  duplicates,
  firstArrivalOrder,
  groupBy,
  maxInWindow,
  postInChatOrder,
  type ChatScript,
} from "./harness/replica-traffic.js";
import { summary } from "./harness/summary.js";

const pg = await postgresTestDatabase({ ownServer: true });

const CHATS_PER_TENANT = 100;
const PER_CHAT = 25;
const MESSAGES = 2 * CHATS_PER_TENANT * PER_CHAT;
/** Accepted and not yet delivered at most, per tenant: posting goes on through the whole run (both disruptions hit it). */
const BACKLOG = 150;
/** The kill after this many messages delivered, the database stop after this many. */
const KILL_AFTER = 1500;
const STOP_AFTER = 3300;

/**
 * What Telegram allows one bot in any second, at its end. The gateway declares 25/s per bot with a
 * burst of 1, so its bucket lets 26 through in a 1 s window; the rest is room for the jitter
 * between the gateway's admission and the fake's arrival clock. The fake runs on a thread of its
 * own so that this process's stalls do not bunch its stamps (here they did: 38 in a second at
 * the start of a run whose sends were even).
 */
const TELEGRAM_BOT_LIMIT = 30;

/**
 * The most arrivals at the fake in any 1 s window that a declared limit (a token bucket: `burst`
 * at once, `perSecond` after) can explain, plus ONE for the jitter between admission and arrival.
 */
function windowLimit(scope: "tenant" | "contact"): number {
  const rule = telegram.rateLimits?.find((r) => r.scope === scope);
  if (!rule) throw new Error(`the Telegram gateway declares no ${scope} rate limit`);
  return (rule.burst ?? 1) + Math.ceil(rule.perSecond) + 1;
}

let stack: ReplicaStack;

describe.skipIf(!pg)("three Telegram replicas on one PostgreSQL, sending", () => {
  beforeAll(async () => {
    stack = await startReplicaStack(pg!.server, pg!.url, {
      // A dead replica's tenants move within 3 s; a send cut off by the kill is its lease's to retry.
      SWITCHBOARD_LEASE_SECONDS: "3",
      SWITCHBOARD_SEND_LEASE_SECONDS: "2",
    });
    await waitFor(() => ownersSettled(stack), { timeoutMs: 30_000, message: "each tenant owned, by two replicas" });
  }, 120_000);
  afterAll(() => stack?.close());

  test("kill -9 of a replica and a PostgreSQL restart mid-run: nothing lost, in chat order, within the rate limits", async () => {
    const started = now();
    const scripts: ChatScript[] = stack.tenants.flatMap((tenant, t) =>
      Array.from({ length: CHATS_PER_TENANT }, (_, c) => {
        const chat = (t + 1) * 10_000 + c;
        return { tenant, chat, markers: Array.from({ length: PER_CHAT }, (_, k) => `s${chat}x${k}`) };
      }),
    );
    const { api } = stack;
    const deliveredOnce = () => api.arrivals.size;
    // Per bot: messages accepted, and distinct messages delivered (read from the fake's calls as they come).
    const acceptedOf = new Map<string, number>();
    const deliveredOf = new Map<string, number>();
    const bump = (counts: Map<string, number>, token: string) => counts.set(token, (counts.get(token) ?? 0) + 1);
    const firstSeen = new Set<string>();
    let counted = 0;
    const counting = setInterval(() => {
      for (; counted < api.calls.length; counted++) {
        const call = api.calls[counted]!;
        if (call.outcome !== "ok" || firstSeen.has(call.marker)) continue;
        firstSeen.add(call.marker);
        bump(deliveredOf, call.token);
      }
    }, 20);
    const backlog = (tenant: ReplicaTenant) =>
      (acceptedOf.get(tenant.botToken) ?? 0) - (deliveredOf.get(tenant.botToken) ?? 0);

    const chaos = disrupt(stack, { done: deliveredOnce, killAfter: KILL_AFTER, stopAfter: STOP_AFTER });

    const posting = postInChatOrder(scripts, {
      parallel: 2 * CHATS_PER_TENANT,
      mayPost: (script) => backlog(script.tenant) < BACKLOG,
      post: async (script, index, replica) => {
        const marker = script.markers[index]!;
        const status = await stack.send(replica, script.tenant, messageBody(marker, script.chat));
        if (status === 202) bump(acceptedOf, script.tenant.botToken);
        return status;
      },
    });
    // A disruption that fails ends the run with its own error, not with the posting's wait for room.
    const tally = await Promise.race([posting, chaos.then(() => posting)]);
    const { kill: k, stop: s } = await chaos;
    clearInterval(counting);
    expect(tally.accepted).toBe(MESSAGES);

    const markers = scripts.flatMap((s) => s.markers);
    await waitFor(() => markers.every((m) => api.timesDelivered(m) > 0), {
      timeoutMs: 600_000,
      message: () => `${markers.filter((m) => api.timesDelivered(m) > 0).length} of ${MESSAGES} delivered`,
    });
    const totalMs = now() - started;
    await api.synced();

    const sent = api.calls.filter((c) => c.outcome === "ok");
    const lost = markers.filter((m) => api.timesDelivered(m) === 0).length;
    const dup = duplicates(markers.map((m) => api.timesDelivered(m)));
    const order = firstArrivalOrder(sent.map((c) => ({ chat: `${c.token} ${c.chatId}`, marker: c.marker })));
    const outOfOrder = chatsOutOfOrder(scripts, order, (script) => `${script.tenant.botToken} ${script.chat}`);
    const perBot = Math.max(
      ...[...groupBy(sent, (c) => c.token).values()].map((l) =>
        maxInWindow(
          l.map((c) => c.at),
          1000,
        ),
      ),
    );
    const perChat = Math.max(
      ...[...groupBy(sent, (c) => `${c.token} ${c.chatId}`).values()].map((l) =>
        maxInWindow(
          l.map((c) => c.at),
          1000,
        ),
      ),
    );
    const killedTokens = new Set(stack.tenants.filter((t) => k.tenantIds.includes(t.tenantId)).map((t) => t.botToken));
    // Sent after the handover: by the tenant's next owner.
    const handedAt = k.at + k.handoverMs;
    const firstAfterHandover = sent.find((c) => c.at > handedAt && killedTokens.has(c.token))?.at ?? NaN;
    const firstAfterStart = sent.find((c) => c.at > s.upAt)?.at ?? NaN;
    // The send worker's name in core (`SendQueue`).
    const fenced = unplannedFences(stack.events, "send worker", { from: s.at, to: s.upAt });
    summary("replicas-outgoing", {
      messages: MESSAGES,
      replicas: stack.replicas.length,
      reposted: tally.reposted,
      inFlightAtKill: k.sends,
      inFlightAtDbStop: s.sends,
      otherFences: fenced.fences,
      inFlightAtOtherFences: fenced.inFlight,
      duplicates: dup,
      lost,
      chatsOutOfOrder: outOfOrder.length,
      maxPerBotPerSecond: perBot,
      botLimit: TELEGRAM_BOT_LIMIT,
      maxPerChatPerSecond: perChat,
      chatLimit: windowLimit("contact"),
      handoverMs: Math.round(k.handoverMs),
      firstSendAfterHandoverMs: Math.round(firstAfterHandover - handedAt),
      restartMs: Math.round(k.restartMs),
      dbDownMs: Math.round(s.upAt - s.at),
      readyAfterDbMs: Math.round(s.readyAgainMs),
      firstSendAfterDbMs: Math.round(firstAfterStart - s.upAt),
      totalMs: Math.round(totalMs),
    });
    expect(lost).toBe(0);
    // A duplicate is a send the channel took whose "sent" never reached the database. Only a
    // leased row can be one: at the kill, the dead replica's leased rows (its tenants' sends in
    // flight, read while it was frozen) go back to the queue when the next owner takes the tenant;
    // at the database stop, the rows leased when it stopped (read with the tables locked, so
    // nothing moved between the count and the stop) are retried once it is back. Every other row
    // was either marked sent (never sent again) or never handed to the channel. A lease lost at
    // any other moment (a renewal late on a loaded machine) is a disruption too: the sends its
    // replica had in flight then (it logs them) may go again.
    const bound = k.sends + s.sends + fenced.inFlight;
    const moments = { kill: k.at, dbStop: s.at, dbUp: s.upAt };
    if (dup > bound) {
      const twice = markers.filter((m) => api.timesDelivered(m) > 1);
      const rows = await stack.probe.sendsOf(twice);
      const report = duplicateReport(api.arrivals, rows, stack.events, moments, tally.repostedMarkers);
      expect.fail(
        `${dup} duplicates, ${k.sends} + ${s.sends} + ${fenced.inFlight} in flight at the kill, the stop and other lost leases:\n${report}`,
      );
    }
    if (outOfOrder.length > 0) {
      const chats = scripts
        .filter((script) => outOfOrder.includes(`${script.tenant.botToken} ${script.chat}`))
        .map((script) => ({ chat: `${script.tenant.botToken.split(":")[0]} ${script.chat}`, markers: script.markers }));
      const rows = await stack.probe.sendsOf(chats.flatMap((c) => c.markers));
      expect.fail(
        `chats whose first deliveries are out of posting order:\n${orderReport(chats, api.arrivals, rows, stack.events, moments)}`,
      );
    }
    expect(perBot, "Telegram's own limit: 30 messages in any second per bot").toBeLessThanOrEqual(TELEGRAM_BOT_LIMIT);
    expect(perChat).toBeLessThanOrEqual(windowLimit("contact"));
    expect(Number.isFinite(firstAfterHandover), "the killed replica's tenant was sent for again").toBe(true);
  }, 1_200_000);
});
