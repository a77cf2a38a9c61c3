/**
 * @module queue/db-probe — reads a gateway's database from the bench process (SQLite's WAL allows a
 * reader beside the writer): how many messages are stored and how many are not finished yet. The
 * counts are portable (drizzle's `$count`, awaited); only opening the file is SQLite's.
 */
import { type Database } from "@switchboard/core";
import { crmOutbox, openDatabase, outgoing, registrations } from "@switchboard/core/internal";
import { bitrix24Portals } from "@switchboard/host-bitrix24";
import { eq, inArray } from "drizzle-orm";

/** Counts rows of core's send queue and CRM outbox. */
export class DbProbe {
  private readonly db: Database;

  constructor(path: string) {
    this.db = openDatabase(path);
  }

  /** Every message ever accepted. */
  total(): Promise<number> {
    return this.db.$count(outgoing);
  }

  /** Messages queued or being sent. */
  unfinished(): Promise<number> {
    return this.db.$count(outgoing, inArray(outgoing.state, ["queued", "leased"]));
  }

  /** Messages leased (a send was started and not finished). */
  leased(): Promise<number> {
    return this.db.$count(outgoing, eq(outgoing.state, "leased"));
  }

  /** Messages marked sent. */
  sent(): Promise<number> {
    return this.db.$count(outgoing, eq(outgoing.state, "sent"));
  }

  /** Requests waiting for the CRM. */
  outboxPending(): Promise<number> {
    return this.db.$count(crmOutbox);
  }

  /** Registered tenants. */
  registrations(): Promise<number> {
    return this.db.$count(registrations);
  }

  /** Bitrix24 portals marked "needs re-authorisation" (the gateway serves the Bitrix24 host). */
  portalsNeedingReauthorisation(): Promise<number> {
    return this.db.$count(bitrix24Portals, eq(bitrix24Portals.needsReauth, true));
  }

  close(): void {
    this.db.$client.close();
  }
}
