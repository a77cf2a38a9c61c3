/**
 * @module store/line-store — the Open Lines connected to this gateway, one tenant each, and the
 * state the settings page shows (active, connected, registered, last error).
 */
import type { Database } from "@switchboard/core";
import { and, eq } from "drizzle-orm";
import { bitrix24Tables, type bitrix24Lines } from "../db/schema.js";

/** One line's state. */
export interface LineState {
  tenantId: number;
  memberId: string;
  line: number;
  active: boolean;
  connected: boolean;
  registered: boolean;
  lastError: string | undefined;
}

/** The flags a host step changes. */
export type LineStatePatch = Partial<Pick<LineState, "active" | "connected" | "registered">> & {
  lastError?: string | null;
};

/** Reads and writes `bitrix24_lines` (portable: drizzle's query builder, awaited). */
export class LineStore {
  private readonly now: () => number;
  /** `bitrix24_lines` of the store `db` is. */
  private readonly table;

  constructor(
    private readonly db: Database,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.table = bitrix24Tables.for(db).bitrix24Lines;
  }

  /** The line of a tenant, creating its row (all flags off) the first time. */
  async ensure(tenantId: number, memberId: string, line: number): Promise<LineState> {
    await this.db.insert(this.table).values({ tenantId, memberId, line, updatedAt: this.now() }).onConflictDoNothing();
    const state = await this.byTenant(tenantId);
    if (!state) throw new Error(`bitrix24_lines has no row for tenant ${tenantId} after inserting it`);
    return state;
  }

  /** The line of a tenant, if it was ever opened. */
  async byTenant(tenantId: number): Promise<LineState | undefined> {
    const [row] = await this.db.select().from(this.table).where(eq(this.table.tenantId, tenantId)).limit(1);
    return row ? toState(row) : undefined;
  }

  /** A portal's line by its number. */
  async byLine(memberId: string, line: number): Promise<LineState | undefined> {
    const [row] = await this.db
      .select()
      .from(this.table)
      .where(and(eq(this.table.memberId, memberId), eq(this.table.line, line)))
      .limit(1);
    return row ? toState(row) : undefined;
  }

  /** Every line of a portal, by line number. */
  async ofPortal(memberId: string): Promise<LineState[]> {
    // In line order on both stores (PostgreSQL has no implicit order; the unique index serves it).
    const rows = await this.db
      .select()
      .from(this.table)
      .where(eq(this.table.memberId, memberId))
      .orderBy(this.table.line);
    return rows.map(toState);
  }

  /** Changes a line's flags. */
  async update(tenantId: number, patch: LineStatePatch): Promise<void> {
    await this.db
      .update(this.table)
      .set({ ...patch, updatedAt: this.now() })
      .where(eq(this.table.tenantId, tenantId));
  }

  /** Turns every line of a portal off (uninstall). */
  async deactivatePortal(memberId: string, reason: string): Promise<void> {
    await this.db
      .update(this.table)
      .set({ active: false, connected: false, lastError: reason, updatedAt: this.now() })
      .where(eq(this.table.memberId, memberId));
  }
}

function toState(row: typeof bitrix24Lines.$inferSelect): LineState {
  return {
    tenantId: row.tenantId,
    memberId: row.memberId,
    line: row.line,
    active: row.active,
    connected: row.connected,
    registered: row.registered,
    lastError: row.lastError ?? undefined,
  };
}
