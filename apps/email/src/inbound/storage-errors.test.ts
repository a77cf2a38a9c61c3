import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incomingWith } from "../test/inbound-helpers.js";
import { CUSTOMER, INBOUND, startTestbed, unique, type Testbed } from "../test/testbed.js";

describe("inbound SMTP while the database is full", () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed();
  });
  afterAll(() => bed.stop());

  it("answers 451 (the sender keeps the mail and retries) and lives; the retry after recovery reaches the CRM once", async () => {
    const sqlite = bed.gateway.runtime.db.$client;
    sqlite.pragma(`max_page_count = ${sqlite.pragma("page_count", { simple: true }) as number}`);
    const accepted: string[] = [];
    let refused: { mail: Parameters<Testbed["mailIn"]>[0] & { text: string }; error: unknown } | undefined;
    for (let i = 0; i < 100 && !refused; i++) {
      const marker = unique("full");
      const mail = {
        from: CUSTOMER,
        to: INBOUND[0],
        subject: "x",
        messageId: `<${marker}@customer.example.org>`,
        text: `${marker} ${"x".repeat(3000)}`,
      };
      try {
        await bed.mailIn(mail);
        accepted.push(marker);
      } catch (error) {
        refused = { mail, error };
      }
    }
    expect((refused?.error as { responseCode?: number } | undefined)?.responseCode).toBe(451);
    expect((await fetch(`${bed.gateway.url}healthz`)).status).toBe(200);

    sqlite.pragma("max_page_count = 1073741823");
    await bed.crm.waitFor(async () => (await fetch(`${bed.gateway.url}readyz`)).status === 200);
    // The sending server retries the same message (same Message-ID, same bytes).
    await bed.mailIn(refused!.mail);
    const marker = refused!.mail.text.split(" ")[0]!;
    await bed.crm.waitFor(() => [...accepted, marker].every((m) => incomingWith(bed, m).length === 1), 20_000);
  }, 60_000);
});
