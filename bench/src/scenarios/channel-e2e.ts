/**
 * @module scenarios/channel-e2e — end-to-end latency of the SMS or email gateway at a fixed rate:
 * from the 202 to the message arriving at the fake peer (Twilio's `Messages.json` body read, the
 * SMTP DATA ended), on SQLite and on PostgreSQL (one replica). Every 202 must arrive exactly once.
 */
import { sendBodies } from "../gateway/bench-stack.js";
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
import { measureFixedRate, type Measurement } from "./e2e-latency.js";
import { loadAverage, skipNote, startVariant } from "./store-variants.js";

const POOL = 3000;
/** 200/s first: a rate a busy machine can still carry, for a same-run comparison. */
const RATES = [200, 1000];

/** The end-to-end scenario of one channel gateway (`e2e-sms`, `e2e-email`). */
export function channelE2eScenario(kind: ChannelKind, title: string): Scenario {
  return async (options, log) => {
    const figures: Figure[] = [];
    const notes: string[] = [];
    const details: Record<string, unknown> = {};
    for (const variant of CHANNEL_STORES) {
      const label = rowLabel(kind, variant);
      const load = loadAverage();
      log(
        `e2e-${kind}: ${variant.label}, ${RATES.join(" and ")} messages/s for ${options.fixedRateS} s each, load average ${load}`,
      );
      const stack = await startVariant(variant, { kind });
      if (stack instanceof Error) {
        notes.push(skipNote(stack));
        break;
      }
      try {
        const bodies = sendBodies(
          stack.crm,
          stack.gateway.url,
          POOL,
          (i) => `Latency probe [[e${i}]]`,
          stack.tenants[0],
          kind,
        );
        await measureFixedRate(stack, bodies, 200, 2).catch(() => undefined); // warm-up: JIT, sockets, pages
        for (const rate of RATES) {
          let m: Measurement;
          try {
            m = await measureFixedRate(stack, bodies, rate, options.fixedRateS);
          } catch (error) {
            // A saturated setup (a busy machine) still leaves the other figures in the table.
            notes.push(
              `${label} at ${rate}/s: load average ${load} at its start; failed: ${(error as Error).message}; the fake peer had received ${stack.peer.delivered}`,
            );
            break;
          }
          details[`${label} ${rate}/s`] = { ...m, loadAverage: load };
          const notOnce = m.delivery.missing + m.delivery.duplicated + (m.sent - m.accepted);
          figures.push(
            figure(`${label}: ${rate}/s 202 → fake peer p50`, m.fromAccept.p50, "ms"),
            figure(`${label}: ${rate}/s 202 → fake peer p99`, m.fromAccept.p99, "ms"),
            figure(`${label}: ${rate}/s 202 → fake peer max`, m.fromAccept.max, "ms"),
            figure(`${label}: ${rate}/s request → 202 p99`, m.acceptLatency.p99, "ms"),
            figure(`${label}: ${rate}/s sent but not arrived exactly once`, notOnce, "msgs", {
              text: "0",
              met: notOnce === 0,
            }),
          );
          notes.push(
            `${label} at ${rate}/s: load average ${load} at its start; ${m.sent} sent, ${m.accepted} answered 202, ${m.delivery.arrived} arrived (${m.delivery.missing} missing, ${m.delivery.duplicated} more than once), ${m.matched} matched; ${m.beforeAnswer} reached the fake before the client had read the 202 (counted as 0 ms)`,
          );
        }
      } finally {
        await stack.close();
      }
    }
    notes.push(
      `the ${CHANNEL_NAMES[kind]} gateway against ${PEER_NAMES[kind]}, answering at once; one tenant, 50 chats; the client and the fake share this process's clock`,
      RATE_LIMIT_NOTE,
    );
    return { scenario: title, figures, notes, details };
  };
}
