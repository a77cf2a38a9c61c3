/**
 * @module queue/db-probe — reads a gateway's database from the bench process (SQLite's WAL allows a
 * reader beside the writer): how many messages are stored and how many are not finished yet. The
 * counts are portable (drizzle's `$count`, awaited); only opening the file is SQLite's.
 */
import { type Database } from "@switchboard/core";
import { coreTables, openDatabase } from "@switchboard/core/internal";
import { bitrix24Tables } from "@switchboard/host-bitrix24";
import { eq, inArray } from "drizzle-orm";

/** Counts rows of core's send queue and CRM outbox. */
export class DbProbe {
  private readonly db: Database;
  private readonly tables;
  private readonly portals;

  constructor(path: string) {
    this.db = openDatabase(path);
    this.tables = coreTables.for(this.db);
    this.portals = bitrix24Tables.for(this.db).bitrix24Portals;
  }

  /** Every message ever accepted. */
  total(): Promise<number> {
    return this.db.$count(this.tables.outgoing);
  }

  /** Messages queued or being sent. */
  unfinished(): Promise<number> {
    return this.db.$count(this.tables.outgoing, inArray(this.tables.outgoing.state, ["queued", "leased"]));
  }

  /** Messages leased (a send was started and not finished). */
  leased(): Promise<number> {
    return this.db.$count(this.tables.outgoing, eq(this.tables.outgoing.state, "leased"));
  }

  /** Messages marked sent. */
  sent(): Promise<number> {
    return this.db.$count(this.tables.outgoing, eq(this.tables.outgoing.state, "sent"));
  }

  /** Requests waiting for the CRM. */
  outboxPending(): Promise<number> {
    return this.db.$count(this.tables.crmOutbox);
  }

  /** Registered tenants. */
  registrations(): Promise<number> {
    return this.db.$count(this.tables.registrations);
  }

  /** Bitrix24 portals marked "needs re-authorisation" (the gateway serves the Bitrix24 host). */
  portalsNeedingReauthorisation(): Promise<number> {
    return this.db.$count(this.portals, eq(this.portals.needsReauth, true));
  }

  close(): void {
    this.db.$client.close();
  }
}
