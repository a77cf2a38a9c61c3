/**
 * @module inbound/client-limits — per-client fairness of the inbound SMTP server: connections per
 * client address and messages per minute per client address, on a monotonic clock.
 */
import { isIP } from "node:net";

/** The inbound server's limits (each from an `SMTP_INBOUND_*` variable). */
export interface InboundLimits {
  /** Recipients per message (`SMTP_INBOUND_MAX_RECIPIENTS`); more get 452 and are sent again later. */
  maxRecipients: number;
  /** Connections in total (`SMTP_INBOUND_MAX_CLIENTS`). */
  maxClients: number;
  /** Connections per client address (`SMTP_INBOUND_MAX_PER_IP`). */
  maxPerIp: number;
  /** Messages per minute per client address (`SMTP_INBOUND_MESSAGES_PER_MINUTE`). */
  messagesPerMinute: number;
  /** Silence after which a connection is closed, in ms (`SMTP_INBOUND_IDLE_TIMEOUT_SECONDS`). */
  idleTimeoutMs: number;
  /** Longest session, however busy, in ms (`SMTP_INBOUND_SESSION_TIMEOUT_SECONDS`). */
  sessionTimeoutMs: number;
}

/** Defaults of {@link InboundLimits}. */
export const DEFAULT_INBOUND_LIMITS: InboundLimits = {
  maxRecipients: 100,
  maxClients: 200,
  maxPerIp: 20,
  messagesPerMinute: 120,
  idleTimeoutMs: 60_000,
  sessionTimeoutMs: 600_000,
};

const MINUTE_MS = 60_000;

/**
 * The key a client's connections and messages are counted under: its IPv4 address, or the /64
 * network of an IPv6 address (one subscriber usually holds a whole /64 and could rotate through it).
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const [head = "", tail] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** Counts open connections and recent messages per client address. */
export class ClientLimits {
  private readonly open = new Map<string, Set<string>>();
  private readonly messages = new Map<string, number[]>();

  constructor(
    private readonly limits: Pick<InboundLimits, "maxPerIp" | "messagesPerMinute">,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Registers a connection; false (and not registered) when its address already has the most allowed. */
  connect(address: string, sessionId: string): boolean {
    const sessions = this.open.get(address) ?? new Set<string>();
    if (sessions.size >= this.limits.maxPerIp) return false;
    sessions.add(sessionId);
    this.open.set(address, sessions);
    return true;
  }

  /** Forgets a closed connection. */
  disconnect(address: string, sessionId: string): void {
    const sessions = this.open.get(address);
    if (!sessions) return;
    sessions.delete(sessionId);
    if (!sessions.size) this.open.delete(address);
  }

  /** Counts a new message (MAIL FROM) of an address; false when it sent its share for this minute. */
  startMessage(address: string): boolean {
    const now = this.now();
    const recent = (this.messages.get(address) ?? []).filter((at) => now - at < MINUTE_MS);
    if (recent.length >= this.limits.messagesPerMinute) {
      this.messages.set(address, recent);
      return false;
    }
    recent.push(now);
    this.messages.set(address, recent);
    return true;
  }

  /** Forgets the message times of addresses that sent nothing in the last minute (called now and then). */
  sweep(): void {
    const now = this.now();
    for (const [address, times] of this.messages) {
      if (!times.some((at) => now - at < MINUTE_MS)) this.messages.delete(address);
    }
  }
}
