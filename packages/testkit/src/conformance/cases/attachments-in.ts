/**
 * @module conformance/cases/attachments-in — a customer's file reaches the CRM as an attachment
 * the CRM can download, byte for byte (§6.1).
 */
import { expect, it } from "vitest";
import type { CustomerFile } from "../harness.js";
import { capabilitiesOf, refOf, uniqueId, waitIncoming, type SuiteContext } from "../suite-context.js";

/** A 1×1 PNG: every channel takes an image. */
const PNG: CustomerFile = {
  name: "photo.png",
  contentType: "image/png",
  data: Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "base64",
  ),
};

/** Cases for incoming attachments. */
export function attachmentInCases(ctx: SuiteContext): void {
  const deliver = ctx.harness.deliverAttachment?.bind(ctx.harness);
  if (!deliver) {
    it("a channel that takes no files declares no attachment types", async () => {
      expect((await capabilitiesOf(ctx)).attachments).toEqual([]);
    });
    return;
  }

  it("a customer's file reaches the CRM as one attachment whose link downloads the same bytes", async () => {
    const declared = (await capabilitiesOf(ctx)).attachments;
    const text = `A photo for you ${uniqueId("file")}`;
    await deliver(1, text, PNG);
    const rec = await waitIncoming(ctx, text);
    expect(rec.ref).toEqual(refOf(1));
    const attachments = rec.body.message.attachments ?? [];
    expect(attachments).toHaveLength(1);
    const [attachment] = attachments;
    expect(declared).toContain(attachment!.type);
    expect(attachment!.name).toMatch(/\.png$/);
    const res = await fetch(attachment!.uri);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(PNG.data))).toBe(true);
  });
}
