import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitIncoming } from "../test/inbound-helpers.js";
import { CUSTOMER, INBOUND, startTestbed, unique, type Testbed } from "../test/testbed.js";

const KB = 1024;

describe("per-tenant storage quota for inbound attachments (SWITCHBOARD_TENANT_FILES_QUOTA_MB)", () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({ maxBytes: 4 * 1024 * KB, env: { SWITCHBOARD_TENANT_FILES_QUOTA_MB: "1" } });
  });
  afterAll(() => bed.stop());

  const mail = (to: string, marker: string, files: Array<{ filename: string; size: number }>, html = false) =>
    bed.mailIn({
      from: CUSTOMER,
      to,
      subject: "files",
      ...(html ? { html: `<p>Photos ${marker}</p>` } : { text: `Photos ${marker}` }),
      attachments: files.map((f) => ({
        filename: f.filename,
        content: Buffer.alloc(f.size, 7),
        contentType: "application/octet-stream",
      })),
    });

  it("over quota, the text still reaches the CRM, each missing file replaced by a note; other tenants are not affected", async () => {
    const first = unique("quota-1");
    await mail(INBOUND[0], first, [{ filename: "first.bin", size: 700 * KB }]);
    expect((await waitIncoming(bed, first)).body.message.attachments?.map((a) => a.name)).toEqual(["first.bin"]);

    const second = unique("quota-2");
    await mail(INBOUND[0], second, [
      { filename: "too-much.bin", size: 700 * KB },
      { filename: "small.txt", size: 10 * KB },
    ]);
    const rec = await waitIncoming(bed, second);
    expect(rec.body.message.content).toEqual({
      text: `Photos ${second}\n\n[attachment not stored, the storage quota is reached: too-much.bin]`,
      format: "text",
    });
    expect(rec.body.message.attachments?.map((a) => a.name)).toEqual(["small.txt"]);

    const html = unique("quota-html");
    await mail(INBOUND[0], html, [{ filename: "<b>.bin", size: 700 * KB }], true);
    expect((await waitIncoming(bed, html)).body.message.content).toEqual({
      text: `<p>Photos ${html}</p><p>[attachment not stored, the storage quota is reached: &lt;b&gt;.bin]</p>`,
      format: "html",
    });

    const other = unique("quota-other");
    await mail(INBOUND[1], other, [{ filename: "theirs.bin", size: 700 * KB }]);
    expect((await waitIncoming(bed, other)).body.message.attachments?.map((a) => a.name)).toEqual(["theirs.bin"]);
  });
});
