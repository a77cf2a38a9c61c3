import { startMisbehavingFileServer, type MisbehavingFileServer } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUSTOMER, startTestbed, unique, type Testbed } from "../test/testbed.js";

/** Total deadline of one attachment download in this testbed. */
const DEADLINE_MS = 600;

describe("attachment downloads while sending mail", () => {
  let bed: Testbed;
  let files: MisbehavingFileServer;
  beforeAll(async () => {
    files = await startMisbehavingFileServer();
    bed = await startTestbed({
      env: { SWITCHBOARD_DOWNLOAD_DEADLINE_MS: String(DEADLINE_MS), SWITCHBOARD_SEND_MAX_ATTEMPTS: "2" },
    });
  });
  afterAll(async () => {
    await bed.stop();
    await files.close();
  });

  const sendWith = async (path: string) => {
    const id = unique("att");
    await bed.send(0, {
      chat: { id: `chat-${id}`, contact: CUSTOMER, subject: `Order ${id}` },
      message: {
        id,
        content: { text: "See attached", format: "text" },
        attachments: [{ name: "scan.pdf", uri: `${files.base}${path}`, type: "file" }],
      },
    });
    return id;
  };
  const lastError = (id: string) =>
    (
      bed.gateway.runtime.db.$client.prepare("SELECT last_error FROM outgoing WHERE crm_message_id = ?").get(id) as {
        last_error: string | null;
      }
    ).last_error;

  it("fails a trickling download after its total deadline as a retryable failure, then `error`", async () => {
    const id = await sendWith("/trickle/1");
    await bed.crm.waitFor(() => bed.crm.statusesOf(id).includes("error"), 20_000);
    // Transient: the queue tried again before giving up (SWITCHBOARD_SEND_MAX_ATTEMPTS=2).
    expect(files.requests.get("/trickle/1")).toBe(2);
    expect(lastError(id)).toMatch(new RegExp(`did not complete within ${DEADLINE_MS} ms`));
    expect(bed.sinks[0].messages.filter((m) => m.raw.toString().includes(id))).toHaveLength(0);
  });

  it("never sends half a file: a download that breaks mid-way abandons the mail", async () => {
    const id = await sendWith("/cut/1");
    await bed.crm.waitFor(() => bed.crm.statusesOf(id).includes("error"), 20_000);
    expect(files.requests.get("/cut/1")).toBe(2);
    expect(lastError(id)).toMatch(/Attachment download/);
    expect(bed.sinks[0].messages.filter((m) => m.raw.toString().includes(id))).toHaveLength(0);
  });
});
