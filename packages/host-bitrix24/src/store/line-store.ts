/**
 * @module store/line-store — the Open Lines connected to this gateway, one tenant each, and the
 * state the settings page shows (active, connected, registered, last error).
 */
import type { Database } from "@switchboard/core";
import { and, eq } from "drizzle-orm";
import { bitrix24Lines } from "../db/schema.js";

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

/** Reads and writes `bitrix24_lines`. */
export class LineStore {
  private readonly now: () => number;

  constructor(
    private readonly db: Database,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The line of a tenant, creating its row (all flags off) the first time. */
  ensure(tenantId: number, memberId: string, line: number): LineState {
    this.db
      .insert(bitrix24Lines)
      .values({ tenantId, memberId, line, updatedAt: this.now() })
      .onConflictDoNothing()
      .run();
    const state = this.byTenant(tenantId);
    if (!state) throw new Error(`bitrix24_lines has no row for tenant ${tenantId} after inserting it`);
    return state;
  }

  /** The line of a tenant, if it was ever opened. */
  byTenant(tenantId: number): LineState | undefined {
    const row = this.db.select().from(bitrix24Lines).where(eq(bitrix24Lines.tenantId, tenantId)).get();
    return row ? toState(row) : undefined;
  }

  /** A portal's line by its number. */
  byLine(memberId: string, line: number): LineState | undefined {
    const row = this.db
      .select()
      .from(bitrix24Lines)
      .where(and(eq(bitrix24Lines.memberId, memberId), eq(bitrix24Lines.line, line)))
      .get();
    return row ? toState(row) : undefined;
  }

  /** Every line of a portal. */
  ofPortal(memberId: string): LineState[] {
    return this.db.select().from(bitrix24Lines).where(eq(bitrix24Lines.memberId, memberId)).all().map(toState);
  }

  /** Changes a line's flags. */
  update(tenantId: number, patch: LineStatePatch): void {
    this.db
      .update(bitrix24Lines)
      .set({ ...patch, updatedAt: this.now() })
      .where(eq(bitrix24Lines.tenantId, tenantId))
      .run();
  }

  /** Turns every line of a portal off (uninstall). */
  deactivatePortal(memberId: string, reason: string): void {
    this.db
      .update(bitrix24Lines)
      .set({ active: false, connected: false, lastError: reason, updatedAt: this.now() })
      .where(eq(bitrix24Lines.memberId, memberId))
      .run();
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
