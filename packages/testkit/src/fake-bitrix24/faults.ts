/**
 * @module fake-bitrix24/faults — failures a test scripts: REST answers the portal gives instead of the
 * real one (`429 OPERATION_TIME_LIMIT`, `401 expired_token`, `403 WRONG_AUTH_TYPE`, …), the OAuth
 * server's refusals or outage, and the portal being down.
 */

/** A REST answer the next matching call(s) get instead of the method's. */
export interface RestFault {
  /** Only this method (case-insensitive); any method when absent. Batch sub-calls match too. */
  method?: string;
  /** Only this portal; any when absent. */
  memberId?: string;
  status: number;
  error: string;
  description?: string;
  /** How many matching calls fail (default 1). */
  times?: number;
  /** Matching calls to let through first (default 0). */
  skip?: number;
}

/** How the OAuth server misbehaves: an OAuth error for every grant, a 503, or a dropped connection. */
export type OAuthFault = "PAYMENT_REQUIRED" | "invalid_client" | "down" | "reset";

/** How the portal's REST endpoint is down: 503 answers or dropped connections. */
export type PortalOutage = "503" | "reset";

/** The scripted faults of one fake. */
export class Faults {
  private readonly rest: Array<Required<Pick<RestFault, "times" | "skip">> & RestFault> = [];
  oauth: OAuthFault | null = null;
  portal: PortalOutage | null = null;

  /** Queues a REST fault. */
  add(fault: RestFault): void {
    this.rest.push({ ...fault, times: fault.times ?? 1, skip: fault.skip ?? 0 });
  }

  /** Takes the first fault matching a call, if any. */
  take(method: string, memberId: string): RestFault | null {
    const lower = method.toLowerCase();
    const index = this.rest.findIndex(
      (f) => (f.method === undefined || f.method.toLowerCase() === lower) && (f.memberId ?? memberId) === memberId,
    );
    if (index < 0) return null;
    const fault = this.rest[index]!;
    if (fault.skip > 0) {
      fault.skip -= 1;
      return null;
    }
    fault.times -= 1;
    if (fault.times <= 0) this.rest.splice(index, 1);
    return fault;
  }

  /** Drops every scripted fault and outage. */
  clear(): void {
    this.rest.length = 0;
    this.oauth = null;
    this.portal = null;
  }
}
