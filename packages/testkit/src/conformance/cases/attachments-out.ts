/**
 * @module conformance/cases/attachments-out — an operator's file reaches the customer through the
 * channel, byte for byte (SalesRender: an attachment on the CRM's storage; Bitrix24: an operator
 * file the gateway fetches from the portal).
 */
import { expect, it } from "vitest";
import { capabilitiesOf, uniqueId, waitHeard, type SuiteContext } from "../suite-context.js";
import { PNG } from "./attachments-in.js";

/** Cases for outgoing attachments. */
export function attachmentOutCases(ctx: SuiteContext): void {
  const sentFiles = ctx.harness.sentFiles?.bind(ctx.harness);
  if (!sentFiles) {
    it("a channel that sends no files declares no attachment types", async () => {
      expect((await capabilitiesOf(ctx)).attachments).toEqual([]);
    });
    return;
  }

  it("an operator's image reaches the channel byte for byte, and the CRM hears `sent`", async () => {
    expect((await capabilitiesOf(ctx)).attachments).toContain("image");
    const text = `A picture from the operator ${uniqueId("file-out")}`;
    const before = (await sentFiles(0)).length;
    const { id } = await ctx.side.sendFile(0, text, PNG);
    await waitHeard(ctx, id, ["sent"]);
    const files = (await sentFiles(0)).slice(before);
    expect(files.filter((f) => Buffer.from(f.data).equals(Buffer.from(PNG.data)))).toHaveLength(1);
  });
}
