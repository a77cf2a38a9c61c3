/**
 * @module scenarios/channel-accept — accept rate of signed `POST /special/send` on the SMS or email
 * gateway under autocannon, on SQLite and on PostgreSQL (one replica), with delivery held at the
 * fake peer so the accept path is measured alone; every 2xx must be a stored row.
 */
import { figure, type Figure } from "../report/result.js";
import { ACCEPT_POOL, ACCEPT_WARMUP_S, measureAccept } from "./accept-measure.js";
import {
  CHANNEL_NAMES,
  CHANNEL_STORES,
  PEER_NAMES,
  RATE_LIMIT_NOTE,
  rowLabel,
  type ChannelKind,
  type Scenario,
} from "./channel-variants.js";

/** The accept scenario of one channel gateway (`accept-sms`, `accept-email`). */
export function channelAcceptScenario(kind: ChannelKind, title: string): Scenario {
  return async (options, log) => {
    const figures: Figure[] = [];
    const notes: string[] = [];
    const details: Record<string, unknown> = {};
    for (const variant of CHANNEL_STORES) {
      const measured = await measureAccept(variant, options, log, {
        kind,
        name: `accept-${kind}`,
        profileName: `accept-${kind}-${variant.store}`,
      });
      if (typeof measured === "string") {
        notes.push(measured);
        break;
      }
      const label = rowLabel(kind, variant);
      details[label] = measured;
      const missing = Math.max(0, measured.accepted - measured.stored);
      figures.push(
        figure(`${label}: requests/s`, measured.requestsPerSecond, "req/s"),
        figure(`${label}: latency p50`, measured.p50, "ms"),
        figure(`${label}: latency p99`, measured.p99, "ms"),
        figure(`${label}: gateway CPU per request`, measured.gatewayCpuUs, "µs"),
        ...(variant.store === "postgres"
          ? [figure(`${label}: PostgreSQL server CPU per request`, measured.databaseCpuUs, "µs")]
          : []),
        figure(`${label}: accepted (2xx) but not stored`, missing, "msgs", { text: "0", met: missing === 0 }),
        figure(`${label}: answers other than 2xx`, measured.non2xx + measured.errors, "reqs", {
          text: "0",
          met: measured.non2xx + measured.errors === 0,
        }),
      );
      notes.push(
        `${label}: load average ${measured.loadAverage} at its start; ${measured.accepted} answers 2xx (warm-up included), ${measured.stored} rows stored (more rows than answers are requests in flight when autocannon stopped); non-2xx ${measured.non2xx}, errors ${measured.errors}`,
      );
    }
    notes.push(
      `the ${CHANNEL_NAMES[kind]} gateway against ${PEER_NAMES[kind]}, which holds every delivery: the accepted messages stay queued, so arrival is checked by e2e-${kind} and drain-${kind}, not here; ${options.connections} connections, ${options.durationS} s after ${ACCEPT_WARMUP_S} s of warm-up, one tenant, each request one of ${ACCEPT_POOL} distinct RS512 tokens (message id null, so every one is queued)`,
      RATE_LIMIT_NOTE,
    );
    return { scenario: title, figures, notes, details };
  };
}
