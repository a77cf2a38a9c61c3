import { startMisbehavingFileServer, type MisbehavingFileServer } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshChat, nextId, startTelegramStack, TOKENS, type TelegramStack } from "../test/stack.js";

/** Total deadline of one attachment download in this stack. */
const DEADLINE_MS = 600;

describe("attachment downloads while sending to Telegram", () => {
  let stack: TelegramStack;
  let files: MisbehavingFileServer;
  beforeAll(async () => {
    files = await startMisbehavingFileServer();
    stack = await startTelegramStack({
      env: { SWITCHBOARD_DOWNLOAD_DEADLINE_MS: String(DEADLINE_MS), SWITCHBOARD_SEND_MAX_ATTEMPTS: "2" },
    });
  });
  afterAll(async () => {
    await stack.close();
    await files.close();
  });

  const sendDocument = async (path: string, type: "file" | "voice" | "image" = "file") => {
    const chat = freshChat();
    const id = nextId();
    await stack.send(0, {
      chat: { id: null, contact: `tg://user?id=${chat}`, subject: null },
      message: { id, content: null, attachments: [{ name: "scan.pdf", uri: `${files.base}${path}`, type }] },
    });
    await stack.waitStatus(id, "error");
    return { chat, id };
  };
  const lastError = (id: string) =>
    (
      stack.gw.runtime.db.$client.prepare("SELECT last_error FROM outgoing WHERE crm_message_id = ?").get(id) as {
        last_error: string | null;
      }
    ).last_error;
  const sentTo = (chat: number) =>
    stack.fake.messages.filter((m) => m.token === TOKENS[0] && m.chatId === String(chat));

  for (const type of ["file", "image"] as const) {
    it(`fails a trickling ${type} download after its total deadline as a retryable failure, then \`error\``, async () => {
      const path = `/trickle/${type}`;
      const { chat, id } = await sendDocument(path, type);
      // Transient: the queue tried again before giving up (SWITCHBOARD_SEND_MAX_ATTEMPTS=2).
      expect(files.requests.get(path)).toBe(2);
      expect(lastError(id)).toMatch(new RegExp(`did not complete within ${DEADLINE_MS} ms`));
      expect(sentTo(chat)).toEqual([]);
    });
  }

  it("sends an image over the photo limit as a document, byte for byte", async () => {
    const chat = freshChat();
    const id = nextId();
    const bytes = Buffer.alloc(11 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i % 251;
    const uri = stack.files.put(`big-${chat}.jpg`, bytes, "image/jpeg");
    await stack.send(0, {
      chat: { id: null, contact: `tg://user?id=${chat}`, subject: null },
      message: { id, content: null, attachments: [{ name: "big.jpg", uri, type: "image" }] },
    });
    await stack.waitStatus(id, "sent");
    const [sent, ...rest] = sentTo(chat);
    expect(rest).toEqual([]);
    expect(sent).toMatchObject({ method: "sendDocument" });
    expect(Buffer.compare(sent!.file!.bytes!, bytes)).toBe(0);
  });

  it("never uploads half a file: a streamed download that breaks mid-way fails the upload", async () => {
    const { chat, id } = await sendDocument("/cut/1");
    expect(files.requests.get("/cut/1")).toBe(2);
    expect(lastError(id)).toMatch(/Attachment download was interrupted/);
    expect(sentTo(chat)).toEqual([]);
  });
});
