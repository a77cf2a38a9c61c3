/**
 * @module conformance/cases/attachments-in — a customer's file reaches the CRM as an attachment
 * the CRM can download, byte for byte (SalesRender §6.1; Bitrix24: `files[].url` of send.messages).
 */
import { expect, it } from "vitest";
import type { CustomerFile } from "../harness.js";
import type { HostDifferences } from "../crm-side.js";
import { capabilitiesOf, uniqueId, waitIncoming, type SuiteContext } from "../suite-context.js";

/** A 1×1 PNG: every channel takes an image. */
export const PNG: CustomerFile = {
  name: "photo.png",
  contentType: "image/png",
  data: Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "base64",
  ),
};

/** Cases for incoming attachments. */
export function attachmentInCases(ctx: SuiteContext, differences: HostDifferences): void {
  const deliver = ctx.harness.deliverAttachment?.bind(ctx.harness);
  if (!deliver) {
    it("a channel that takes no files declares no attachment types", async () => {
      expect((await capabilitiesOf(ctx)).attachments).toEqual([]);
    });
    return;
  }

  const typed = differences.attachmentTypes ? "of a declared type " : "(the host's files carry no type) ";
  it(`a customer's file reaches the CRM as one attachment ${typed}whose link downloads the same bytes`, async () => {
    const declared = (await capabilitiesOf(ctx)).attachments;
    const text = `A photo for you ${uniqueId("file")}`;
    await deliver(1, text, PNG);
    const rec = await waitIncoming(ctx, text);
    expect(rec.tenant).toBe(1);
    const attachments = rec.attachments;
    expect(attachments).toHaveLength(1);
    const [attachment] = attachments;
    if (differences.attachmentTypes) expect(declared).toContain(attachment!.type);
    else expect(declared.length).toBeGreaterThan(0);
    expect(attachment!.name).toMatch(/\.png$/);
    const res = await fetch(attachment!.uri);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(PNG.data))).toBe(true);
  });
}
