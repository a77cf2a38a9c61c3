/**
 * @module rest/operating-blocks — the portal's CPU-time limit per method (b24restdocs `limits.md`):
 * every answer's `time` carries `operating` and `operating_reset_at` (unix seconds, when part of the
 * method's limit is released); over 480 s in ten minutes the method answers `429 OPERATION_TIME_LIMIT`
 * for every app of the portal. The answer itself carries no time and Bitrix sends no `Retry-After`
 * (bitrix24/b24jssdk#459 found none in the rest module), so we wait until the last
 * `operating_reset_at` we saw for that method, or one basket (a minute) when we saw none.
 */

/** When no `operating_reset_at` is known: one of the ten one-minute baskets. */
export const DEFAULT_OPERATING_WAIT_MS = 60_000;

/** Known reset times and blocks per (portal, method). */
export class OperatingBlocks {
  private readonly resetAt = new Map<string, number>();
  private readonly blockedUntil = new Map<string, number>();

  private key(portal: string, method: string): string {
    return `${portal}\u0000${method.toLowerCase()}`;
  }

  /** Remembers the `operating_reset_at` (unix seconds) an answer of `method` gave. */
  saw(portal: string, method: string, operatingResetAt: number | undefined): void {
    if (operatingResetAt !== undefined && Number.isFinite(operatingResetAt) && operatingResetAt > 0) {
      this.resetAt.set(this.key(portal, method), operatingResetAt * 1000);
    }
  }

  /** The portal blocked `method`: until when we stop calling it. */
  block(portal: string, method: string, now: number): number {
    const known = this.resetAt.get(this.key(portal, method));
    const until = known !== undefined && known > now ? known : now + DEFAULT_OPERATING_WAIT_MS;
    this.blockedUntil.set(this.key(portal, method), until);
    return until;
  }

  /** Until when `method` is blocked on `portal` (undefined when it is not). */
  until(portal: string, method: string, now: number): number | undefined {
    const key = this.key(portal, method);
    const until = this.blockedUntil.get(key);
    if (until === undefined) return undefined;
    if (until <= now) {
      this.blockedUntil.delete(key);
      return undefined;
    }
    return until;
  }

  /** Forgets a portal (uninstalled). */
  forget(portal: string): void {
    for (const map of [this.resetAt, this.blockedUntil]) {
      for (const key of map.keys()) if (key.startsWith(`${portal}\u0000`)) map.delete(key);
    }
  }
}
