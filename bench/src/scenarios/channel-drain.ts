/**
 * @module scenarios/channel-drain — a queued backlog (BENCH_DRAIN_MESSAGES) drained through the SMS
 * or email gateway and its fake peer answering at once, on SQLite and on PostgreSQL (one replica):
 * messages/s until the queue is empty, CPU per message, peak RSS, and every stored message checked
 * to have arrived exactly once.
 */
import { DbProbe } from "../queue/db-probe.js";
import { watchDrain } from "../queue/drain-watch.js";
import { checkExactlyOnce, type DeliveryCheck } from "../report/exactly-once.js";
import { profileDirFor, renderProfile, summariseProfileIn } from "../report/cpu-profile.js";
import { figure, type Figure } from "../report/result.js";
import {
  CHANNEL_NAMES,
  CHANNEL_STORES,
  PEER_NAMES,
  RATE_LIMIT_NOTE,
  rowLabel,
  type ChannelKind,
  type Scenario,
} from "./channel-variants.js";
import { fill } from "./drain.js";
import { cpuSeconds, loadAverage, postgresCpuSeconds, skipNote, startVariant } from "./store-variants.js";

/** How long after the queue is empty the last answers may take to be counted at the fake. */
const SETTLE_MS = 10_000;

/** The drain scenario of one channel gateway (`drain-sms`, `drain-email`). */
export function channelDrainScenario(kind: ChannelKind, title: string): Scenario {
  return async (options, log) => {
    const figures: Figure[] = [];
    const notes: string[] = [];
    const details: Record<string, unknown> = {};
    for (const variant of CHANNEL_STORES) {
      const label = rowLabel(kind, variant);
      const load = loadAverage();
      log(`drain-${kind}: ${variant.label}, load average ${load}`);
      const profileDir = profileDirFor(options.cpuProfileDir, `drain-${kind}-${variant.store}`);
      const stack = await startVariant(variant, {
        kind,
        nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
      });
      if (stack instanceof Error) {
        notes.push(skipNote(stack));
        break;
      }
      try {
        stack.peer.setMode({ kind: "hold" });
        log(`drain-${kind}: queueing ${options.drainMessages} messages`);
        const filled = await fill(stack, options.drainMessages, options.connections);
        const databaseUrl = stack.store.kind === "postgres" ? stack.store.url : undefined;
        const cpuBefore = cpuSeconds(stack.gateways);
        const dbBefore = databaseUrl ? postgresCpuSeconds(databaseUrl) : 0;
        log(`drain-${kind}: releasing the fake peer`);
        const drain = await watchDrain(stack.gateways, stack.store, () => {
          stack.peer.setMode({ kind: "ok" });
          stack.peer.release();
        });
        const perMessage = (seconds: number) => Math.round((seconds / Math.max(1, drain.messages)) * 1e6);
        const gatewayCpuUs = perMessage(cpuSeconds(stack.gateways) - cpuBefore);
        const databaseCpuUs = databaseUrl ? perMessage(postgresCpuSeconds(databaseUrl) - dbBefore) : 0;
        const probe = await DbProbe.open(stack.store);
        let delivery: DeliveryCheck;
        let failed: number;
        try {
          const expected = await probe.markerCounts();
          failed = await probe.failed();
          // A row is marked sent after the fake answered, so the arrivals are all in; the wait is for safety.
          const deadline = Date.now() + SETTLE_MS;
          while (stack.peer.delivered < filled.stored && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 20));
          delivery = checkExactlyOnce(expected, stack.peer.arrivals);
        } finally {
          probe.close();
        }
        log(`drain-${kind}: ${variant.label} ${Math.round(drain.perSecond)} msg/s, ${JSON.stringify(delivery)}`);
        if (profileDir) {
          await Promise.all(stack.gateways.map((g) => g.stop()));
          const profile = summariseProfileIn(profileDir, 25);
          if (profile) log(renderProfile(profile));
        }
        const notOnce = delivery.missing + delivery.duplicated + failed;
        const abandoned = stack.twilio?.abandoned ?? stack.smtp?.abandoned ?? 0;
        details[label] = { drain, filled, gatewayCpuUs, databaseCpuUs, delivery, failed, abandoned, loadAverage: load };
        figures.push(
          figure(`${label}: messages/s until empty`, drain.perSecond, "msg/s"),
          figure(`${label}: gateway CPU per message`, gatewayCpuUs, "µs"),
          ...(databaseUrl ? [figure(`${label}: PostgreSQL server CPU per message`, databaseCpuUs, "µs")] : []),
          figure(`${label}: peak RSS while draining`, drain.peakRssMb, "MB"),
          figure(`${label}: fill rate (accept, delivery held)`, filled.perSecond, "req/s"),
          figure(`${label}: stored but not arrived exactly once`, notOnce, "msgs", { text: "0", met: notOnce === 0 }),
          // Sent again after the gateway's timeout: their retry's wait is then part of the drain's time.
          figure(`${label}: held deliveries the gateway gave up on during the fill`, abandoned, "msgs", {
            text: "0",
            met: abandoned === 0,
          }),
        );
        notes.push(
          `${label}: load average ${load} at its start; ${drain.messages} messages in ${drain.seconds.toFixed(2)} s; ${delivery.expected} stored, ${delivery.arrived} arrived at the fake (${delivery.missing} missing, ${delivery.duplicated} more than once), ${failed} marked failed; RSS ${drain.startRssMb.toFixed(0)} MB when the drain started (left by the fill)` +
            (abandoned
              ? `; ${abandoned} held deliveries timed out in the gateway during the fill and were sent again`
              : ""),
        );
      } finally {
        await stack.close();
      }
    }
    notes.push(
      `the ${CHANNEL_NAMES[kind]} gateway against ${PEER_NAMES[kind]}; one tenant, 50 chats, ${options.drainMessages} messages queued through /special/send while the fake held delivery, then released`,
      RATE_LIMIT_NOTE,
    );
    return { scenario: title, figures, notes, details };
  };
}
