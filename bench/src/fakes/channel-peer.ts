/**
 * @module fakes/channel-peer — what the bench scenarios need from the fake at the far end of a
 * gateway (the Bot API, Twilio's Messages API, an SMTP server): arrivals per marker on this
 * process's clock, and holding delivery until released.
 */

/** How a peer answers deliveries right now: at once, or held until `release()`. */
export type PeerMode = { kind: "ok" } | { kind: "hold" };

/** Matches the marker the bench writes into each message's text (`[[d17]]`). */
export const MARKER = /\[\[([A-Za-z0-9_-]+)\]\]/;

/** A fake channel endpoint the bench measures a gateway against. */
export interface ChannelPeer {
  /** Arrival times (`performance.now()`) of accepted deliveries, per marker. */
  readonly arrivals: Map<string, number[]>;
  /** Deliveries accepted so far. */
  readonly delivered: number;
  setMode(mode: PeerMode): void;
  /** Answers every held delivery (in `hold` mode new ones keep being held). */
  release(): void;
  close(): Promise<void>;
}

/** Adds one arrival of `marker` at `at`. */
export function recordArrival(arrivals: Map<string, number[]>, marker: string, at: number): void {
  const list = arrivals.get(marker);
  if (list) list.push(at);
  else arrivals.set(marker, [at]);
}
