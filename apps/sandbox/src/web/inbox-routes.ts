/**
 * @module web/inbox-routes — the inbox's JSON API: conversations, messages, uploads and the
 * protocol events so far.
 */
import type { Hono } from "hono";
import { readUpload } from "../customers/uploaded-file.js";
import { attachmentType } from "../files/upload-store.js";
import { UnknownConversationError } from "../inbox/inbox-store.js";
import { sendFromInbox } from "../inbox/send-from-inbox.js";
import type { InboxAttachment } from "../inbox/types.js";
import { HttpProblem, readForm, readJsonObject, text } from "./problems.js";
import type { SandboxServices } from "./services.js";
import { readUploadIds } from "./upload-ids.js";

const FORMATS = ["text", "markdown", "html"];

/** Adds `/api/...` inbox routes. */
export function addInboxRoutes(app: Hono, services: SandboxServices): void {
  const { store, uploads } = services;
  const gatewayUrls = new Map(services.channels.map((c) => [c.name, c.url]));

  app.get("/api/info", (c) =>
    c.json({
      channels: services.channels.map((c) => ({
        channel: c.name,
        label: c.label,
        gateway: c.url,
        page: `/customer/${c.name}`,
        contactPlaceholder: c.contactPlaceholder,
        threadsBySubject: store.threadsBySubject(c.name),
      })),
      crm: services.crm.url,
    }),
  );

  app.get("/api/conversations", (c) => c.json(store.list()));

  app.post("/api/conversations", async (c) => {
    const body = await readJsonObject(c);
    const found = services.channels.find((ch) => ch.name === body.channel);
    const contact = text(body.contact, 200);
    if (!found)
      throw new HttpProblem(400, `channel must be one of ${services.channels.map((ch) => ch.name).join(", ")}`);
    if (!contact)
      throw new HttpProblem(400, `contact is required (on ${found.label}, like ${found.contactPlaceholder})`);
    const channel = found.name;
    const subject = store.threadsBySubject(channel) ? text(body.subject, 200) || null : null;
    return c.json(store.conversationWith(channel, contact, subject), 201);
  });

  app.get("/api/conversations/:id", (c) => {
    const conversation = store.get(c.req.param("id"));
    if (!conversation) throw new HttpProblem(404, "No such conversation");
    return c.json(conversation);
  });

  app.post("/api/conversations/:id/read", (c) => {
    guard(() => store.markRead(c.req.param("id")));
    return c.body(null, 204);
  });

  app.post("/api/conversations/:id/messages", async (c) => {
    const id = c.req.param("id");
    if (!store.get(id)) throw new HttpProblem(404, "No such conversation");
    const body = await readJsonObject(c);
    const format = FORMATS.includes(String(body.format ?? "text")) ? String(body.format ?? "text") : undefined;
    if (!format) throw new HttpProblem(400, `format must be one of ${FORMATS.join(", ")}`);
    const attachments = readAttachments(body.files, services);
    const messageText = text(body.text, 20_000, true);
    if (!messageText && attachments.length === 0) throw new HttpProblem(400, "Write a text or attach a file");
    const message = await sendFromInbox({ crm: services.crm, store, gatewayUrls }, id, {
      text: messageText,
      format,
      attachments,
    });
    return c.json(message, 202);
  });

  app.post("/api/uploads", async (c) => {
    const form = await readForm(c);
    const upload = await readUpload(form.file);
    if (!upload) throw new HttpProblem(400, 'Choose a file (form field "file")');
    const stored = uploads.put(upload);
    return c.json(
      { id: stored.id, name: stored.name, contentType: stored.contentType, size: stored.bytes.length },
      201,
    );
  });

  app.get("/api/protocol-events", (c) => c.json(services.protocolEvents()));
}

/** Uploaded file ids → protocol attachments with URLs the gateways can download. */
function readAttachments(value: unknown, services: SandboxServices): InboxAttachment[] {
  return readUploadIds(value, services.uploads).map((stored) => ({
    name: stored.name,
    uri: services.publicUrl(stored.path),
    type: attachmentType(stored.contentType),
  }));
}

function guard(action: () => void): void {
  try {
    action();
  } catch (error) {
    if (error instanceof UnknownConversationError) throw new HttpProblem(404, "No such conversation");
    throw error;
  }
}
