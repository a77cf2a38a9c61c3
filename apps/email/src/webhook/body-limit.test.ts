import { postChunkedFlood } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitIncoming } from "../test/inbound-helpers.js";
import { CUSTOMER, INBOUND, startTestbed, TENANTS, unique, type Testbed } from "../test/testbed.js";

const FLOOD_BYTES = 150 * 1024 * 1024;
/** Raw-MIME limit of this testbed: the email gateway's default, larger than core's 10 MiB. */
const MAX_BYTES = 25 * 1024 * 1024;

function mailWithAttachment(marker: string, bytes: number): string {
  const data = Buffer.alloc(bytes, 7).toString("base64").replace(/.{76}/g, "$&\r\n");
  return [
    `From: Customer <${CUSTOMER}>`,
    `To: ${INBOUND[0]}`,
    "Subject: Big scan",
    `Message-ID: <${marker}@customer.example.org>`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b"',
    "",
    "--b",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `The scan ${marker}`,
    "--b",
    "Content-Type: application/pdf",
    'Content-Disposition: attachment; filename="scan.pdf"',
    "Content-Transfer-Encoding: base64",
    "",
    data,
    "--b--",
    "",
  ].join("\r\n");
}

describe("POST email/inbound/<token>: the raw-MIME route's own body limit", () => {
  let bed: Testbed;
  let url: string;
  beforeAll(async () => {
    bed = await startTestbed({ maxBytes: MAX_BYTES });
    const { markdown } = (await (
      await bed.crm.request(bed.gateway.url, TENANTS[0], "GET", "protected/preview/markdown/inbound")
    ).json()) as { markdown: string };
    url = /(http:\/\/\S+\/email\/inbound\/[\w-]+)/.exec(markdown)![1]!;
  });
  afterAll(() => bed.stop());

  it("takes a 12 MiB message: core's 10 MiB default does not cut the 25 MiB route short", async () => {
    const marker = unique("big-scan");
    const raw = mailWithAttachment(marker, 9 * 1024 * 1024);
    expect(raw.length).toBeGreaterThan(12 * 1024 * 1024);
    const res = await fetch(url, { method: "POST", body: raw, headers: { "content-type": "message/rfc822" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ outcome: "forwarded" });
    const incoming = await waitIncoming(bed, marker);
    expect(incoming.body.message.attachments?.map((a) => a.name)).toEqual(["scan.pdf"]);
  });

  it("answers 413 to a 150 MB chunked body without buffering it", async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    const result = await postChunkedFlood(url, {
      totalBytes: FLOOD_BYTES,
      headers: { "content-type": "message/rfc822" },
    });
    const grown = process.memoryUsage().rss - before;
    expect(result.status).toBe(413);
    expect(result.body).toEqual({ code: 413, message: `Request body is larger than ${MAX_BYTES} bytes` });
    // Answered once the 25 MiB limit was passed, not after the whole body.
    expect(result.bytesSentBeforeAnswer).toBeLessThan(FLOOD_BYTES / 2);
    // Up to the limit is held while reading (25 MiB); the flood's 150 MB must not be.
    expect(grown).toBeLessThan(100 * 1024 * 1024);
  });

  it("refuses a declared Content-Length over the limit before reading", async () => {
    const res = await fetch(url, {
      method: "POST",
      body: "x".repeat(MAX_BYTES + 1),
      headers: { "content-type": "message/rfc822" },
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 413 });
  });
});
