import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelopeSender, loadCorpus, type CorpusCase } from "../test/corpus.js";
import { INBOUND, startTestbed, unique, type Testbed } from "../test/testbed.js";
import { mailContent } from "./mail-content.js";
import { isDmarcAggregateReport, isFeedbackReport, readBounce } from "./notifications.js";
import { parseMail } from "./parse-mail.js";

const corpus = loadCorpus();
const OUR_ID = "sb.Corpus0Id0000000000000@gw.test";
const messages = corpus.filter((c) => c.expected.kind !== "status");
const bounces = corpus.filter((c) => c.expected.kind === "status");

describe("inbound corpus", () => {
  it("holds at least 150 real-world-shaped messages", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
  });

  describe.each(messages)("$file: $name", (c) => {
    it("reaches the CRM as exactly the customer's words", async () => {
      const raw = Buffer.from(c.mail);
      const mail = await parseMail(raw);
      expect(isFeedbackReport(mail) || isDmarcAggregateReport(mail)).toBe(false);
      expect(readBounce(mail, raw, { mailFrom: envelopeSender(c.mail) })).toBeUndefined();
      expect(await mailContent(mail)).toEqual({
        text: (c.expected as { content: string }).content,
        format: c.expected.kind,
      });
    });
  });

  describe.each(bounces)("$file: $name", (c) => {
    it("is a status, never a chat", async () => {
      const expected = c.expected as Extract<CorpusCase["expected"], { kind: "status" }>;
      const raw = Buffer.from(c.mail.replaceAll("{{ID}}", OUR_ID));
      const mail = await parseMail(raw);
      if (expected.status === "feedback") {
        expect(isFeedbackReport(mail) || isDmarcAggregateReport(mail)).toBe(true);
        return;
      }
      const bounce = readBounce(mail, raw, { mailFrom: envelopeSender(c.mail) });
      expect(bounce).toBeDefined();
      if (expected.status === "unmatched") {
        expect(bounce!.originalIds).not.toContain(OUR_ID);
        return;
      }
      expect(bounce!.originalIds).toContain(OUR_ID);
      if (expected.status === "none") expect(bounce!.outcome).toBeUndefined();
      else
        expect(bounce!.outcome).toEqual({
          status: expected.status,
          ...(expected.reason ? { reason: expected.reason } : {}),
        });
    });
  });
});

describe("inbound corpus through the real inbound SMTP server and the CRM simulator", () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed();
  });
  afterAll(() => bed.stop());

  function mailIn(raw: string): Promise<unknown> {
    const sender = envelopeSender(raw) ?? /^From:.*?([^\s<>"]+@[^\s<>"]+)/im.exec(raw)?.[1] ?? "";
    return bed.mailIn({ envelope: { from: sender, to: [INBOUND[0]] }, raw });
  }

  /** How many chat messages the CRM got, once nothing is left queued for it. */
  async function settledIncoming(): Promise<number> {
    const queued = bed.gateway.runtime.db.$client.prepare(
      "SELECT COUNT(*) AS n FROM crm_outbox WHERE kind = 'incoming'",
    );
    await bed.crm.waitFor(() => (queued.get() as { n: number }).n === 0);
    return bed.crm.incoming.length;
  }

  const seen = new Set<unknown>();

  /** The mail with a fresh Message-ID, so each run forwards it anew. */
  function freshId(raw: string, marker: string): string {
    return raw.replace(/^Message-ID:\s*<[^>]*>/im, `Message-ID: <${marker}@corpus.test>`);
  }

  it.each(messages.filter((c) => c.smtp))("$file: $name", async (c) => {
    const marker = unique("corpus");
    await mailIn(freshId(c.mail, marker));
    const rec = await bed.crm.waitFor(() =>
      bed.crm.incoming.find(
        (r) => !seen.has(r) && r.body.message.content?.text === (c.expected as { content: string }).content,
      ),
    );
    seen.add(rec);
    expect(rec.body.message.content?.format).toBe(c.expected.kind);
  });

  it.each(bounces.filter((c) => c.smtp))("$file: $name", async (c) => {
    const expected = c.expected as Extract<CorpusCase["expected"], { kind: "status" }>;
    const crmId = unique("corpus-out");
    const before = bed.sinks[0].messages.length;
    await bed.send(0, {
      chat: { id: `chat-${crmId}`, contact: "customer@example.net", subject: "Order" },
      message: { id: crmId, content: { text: crmId, format: "text" }, attachments: [] },
    });
    const sent = await bed.sinks[0].waitForMessages(before + 1);
    await bed.crm.waitFor(() => bed.crm.statusesOf(crmId).includes("sent"));
    const messageId = sent[before]!.parsed.messageId!.slice(1, -1);
    const chats = await settledIncoming();
    await mailIn(freshId(c.mail.replaceAll("{{ID}}", messageId), unique("corpus-bounce")));
    const status = expected.status;
    if (status === "error" || status === "delivered") {
      await bed.crm.waitFor(() => bed.crm.statusesOf(crmId).includes(status));
      const part = bed.gateway.runtime.db.$client
        .prepare("SELECT reason FROM outgoing_parts WHERE gateway_message_id = ?")
        .get(messageId) as { reason: string | null } | undefined;
      if (expected.reason) expect(part?.reason).toBe(expected.reason);
    } else expect(bed.crm.statusesOf(crmId)).toEqual(["sent"]);
    expect(await settledIncoming()).toBe(chats);
  });
});
