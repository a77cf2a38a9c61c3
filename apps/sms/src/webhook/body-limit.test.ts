import { postChunkedFlood } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmsTestbed, type SmsTestbed } from "../test/testbed.js";
import { WEBHOOK_BODY_LIMIT } from "./twilio-request.js";

const FLOOD_BYTES = 150 * 1024 * 1024;

describe("Twilio webhook bodies are bounded while they stream", () => {
  let bed: SmsTestbed;
  beforeAll(async () => {
    bed = await startSmsTestbed(1);
  });
  afterAll(() => bed.stop());

  for (const route of ["inbound", "status"] as const) {
    it(`answers 413 to a 150 MB chunked body on ${route} without buffering it`, async () => {
      const url = route === "inbound" ? bed.inboundUrl(0) : bed.statusUrl(0);
      global.gc?.();
      const before = process.memoryUsage().rss;
      const result = await postChunkedFlood(url, {
        totalBytes: FLOOD_BYTES,
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "unsigned" },
      });
      const grown = process.memoryUsage().rss - before;
      expect(result.status).toBe(413);
      expect(result.body).toEqual({ code: 413, message: `Request body is larger than ${WEBHOOK_BODY_LIMIT} bytes` });
      // Answered once the limit was passed, not after the whole body (socket buffers add a few MB).
      expect(result.bytesSentBeforeAnswer).toBeLessThan(FLOOD_BYTES / 4);
      // Buffering the body would add its 150 MB (and more for the string); allow a generous margin.
      expect(grown).toBeLessThan(64 * 1024 * 1024);
    });
  }
});
