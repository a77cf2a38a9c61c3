import { text } from "drizzle-orm/sqlite-core";
import { describe, expectTypeOf, it } from "vitest";
import type { OutboxKind } from "../outbox/outbox-store.js";
import type { ColumnsRow, RowOf } from "./row-of.js";
import type { crmOutbox, outgoing } from "./schema.js";
import type { TenantRow, tenantColumns } from "./tenant-rows.js";

// Type-level: `pnpm typecheck` fails when a row type drifts from the schema.
describe("RowOf", () => {
  it("keys a table's row by SQL column name, null only where the column is nullable", () => {
    expectTypeOf<RowOf<typeof outgoing>>().toEqualTypeOf<{
      id: number;
      tenant_id: number;
      crm_message_id: string | null;
      payload: string;
      contact: string;
      state: string;
      attempts: number;
      next_attempt_at: number;
      lease_until: number | null;
      last_error: string | null;
      details: string | null;
      host_data: string | null;
      action: "send" | "edit" | "remove";
      target_id: number | null;
      operation_key: string | null;
      status_rank: number;
      created_at: number;
      finished_at: number | null;
    }>();
  });

  it("keeps a text enum's values and is Pick-able for a SELECT of some columns", () => {
    expectTypeOf<RowOf<typeof crmOutbox>["kind"]>().toEqualTypeOf<OutboxKind>();
    expectTypeOf<OutboxKind>().toEqualTypeOf<"incoming" | "status">();
    expectTypeOf<Pick<RowOf<typeof outgoing>, "id" | "lease_until">>().toEqualTypeOf<{
      id: number;
      lease_until: number | null;
    }>();
  });

  it("reads column builders too: the tenant columns of every tenant-owned table", () => {
    expectTypeOf<TenantRow>().toEqualTypeOf<{ tenant_id: number }>();
    const _memo = text("memo");
    expectTypeOf<
      ColumnsRow<{ memo: typeof _memo; tenantId: ReturnType<typeof tenantColumns>["tenantId"] }>
    >().toEqualTypeOf<{ memo: string | null; tenant_id: number }>();
  });
});
