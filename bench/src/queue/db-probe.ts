/**
 * @module queue/db-probe — reads a gateway's SQLite file from the bench process (WAL allows a
 * reader beside the writer): how many messages are stored and how many are not finished yet.
 */
import { type Database } from "@switchboard/core";
import { openDatabase } from "@switchboard/core/internal";

// Only parameterless counts are run here.
type Statement = { get(): unknown };
type Query = "total" | "unfinished" | "leased" | "outbox" | "sentRows" | "registrations";

/** Counts rows of core's send queue and CRM outbox. */
export class DbProbe {
  private readonly db: Database;
  private readonly stmt: Record<Query, Statement>;

  constructor(path: string) {
    this.db = openDatabase(path);
    const sqlite = this.db.$client;
    this.stmt = {
      total: sqlite.prepare(`SELECT COUNT(*) AS n FROM outgoing`),
      unfinished: sqlite.prepare(`SELECT COUNT(*) AS n FROM outgoing WHERE state IN ('queued', 'leased')`),
      leased: sqlite.prepare(`SELECT COUNT(*) AS n FROM outgoing WHERE state = 'leased'`),
      outbox: sqlite.prepare(`SELECT COUNT(*) AS n FROM crm_outbox`),
      sentRows: sqlite.prepare(`SELECT COUNT(*) AS n FROM outgoing WHERE state = 'sent'`),
      registrations: sqlite.prepare(`SELECT COUNT(*) AS n FROM registrations`),
    };
  }

  /** Every message ever accepted. */
  total(): number {
    return this.count("total");
  }

  /** Messages queued or being sent. */
  unfinished(): number {
    return this.count("unfinished");
  }

  /** Messages leased (a send was started and not finished). */
  leased(): number {
    return this.count("leased");
  }

  /** Messages marked sent. */
  sent(): number {
    return this.count("sentRows");
  }

  /** Requests waiting for the CRM. */
  outboxPending(): number {
    return this.count("outbox");
  }

  /** Registered tenants. */
  registrations(): number {
    return this.count("registrations");
  }

  close(): void {
    this.db.$client.close();
  }

  private count(name: Query): number {
    return (this.stmt[name].get() as { n: number }).n;
  }
}
