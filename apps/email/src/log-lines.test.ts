import { fileURLToPath } from "node:url";
import { createLogger } from "@switchboard/core/internal";
import { checkLogLines, readDocumentedLogs } from "@switchboard/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CUSTOMER, INBOUND, startTestbed, unique, type Testbed } from "./test/testbed.js";

const doc = readDocumentedLogs(fileURLToPath(new URL("../../../docs/operating.md", import.meta.url)));
const lines: string[] = [];
let bed: Testbed;

beforeAll(async () => {
  const logger = createLogger({ level: "trace", name: "email" }, { write: (line: string) => void lines.push(line) });
  bed = await startTestbed({ logger });
});
afterAll(() => bed.stop());

const events = () => lines.map((l) => (JSON.parse(l) as { event?: unknown }).event);
const mail = (id: string) => ({
  chat: { id: `chat-${id}`, contact: CUSTOMER, subject: `Order ${id}` },
  message: { id, content: { text: `Hello ${id}`, format: "text" }, attachments: [] },
});

it("writes every line as docs/operating.md documents it, and never an SMTP password or a CRM token", async () => {
  const sent = unique("log");
  expect((await bed.send(0, mail(sent))).status).toBe(202);
  await bed.crm.waitFor(() => bed.crm.statusesOf(sent).includes("sent"));

  // The SMTP server refuses a recipient for good, then answers 451 once (retried).
  bed.sinks[0].failNext({ code: 550, message: "5.1.1 No such user", stage: "RCPT" });
  const refused = unique("log");
  await bed.send(0, mail(refused));
  await bed.crm.waitFor(() => bed.crm.statusesOf(refused).includes("error"));
  bed.sinks[0].failNext({ code: 451, message: "4.3.0 Try again later", stage: "RCPT" });
  const retried = unique("log");
  await bed.send(0, mail(retried));
  await bed.crm.waitFor(() => bed.crm.statusesOf(retried).includes("sent"));

  // A customer writes to the inbound address.
  const subject = unique("inbound");
  await bed.mailIn({ from: CUSTOMER, to: INBOUND[0], subject, text: "Where is my order?" });
  await bed.crm.waitFor(() => bed.crm.incoming.some((r) => r.body.chat.subject?.includes(subject)));
  await bed.crm.waitFor(() => events().filter((e) => e === "outbox.delivered").length >= 4);

  expect(checkLogLines(lines, doc)).toEqual([]);
  const seen = new Set(events());
  for (const event of [
    "smtp.listening",
    "smtp.message",
    "send.sent",
    "send.failed",
    "send.retrying",
    "email.send_failed",
    "outbox.delivered",
  ])
    expect(seen, event).toContain(event);
  const all = lines.join("\n");
  for (const password of ["pass-a", "pass-b"]) expect(all).not.toContain(password);
  expect(all).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
});
