/**
 * @module web/chat-routes — the shared chat page's API for a gateway declared in its package:
 * `/api/chat/<name>/thread`, `/send` and a message's `/status`.
 */
import type { Hono } from "hono";
import { ChatCustomerError, type ChatCustomers } from "../customers/chat-customers.js";
import type { InboxStore } from "../inbox/inbox-store.js";
import { HttpProblem, readForm, readJsonObject, text } from "./problems.js";

const STATUSES = new Set(["delivered", "read", "failed"] as const);

/** Adds `/api/chat/<name>/…`. */
export function addChatRoutes(app: Hono, name: string, customers: ChatCustomers, store: InboxStore): void {
  const base = `/api/chat/${name}`;
  app.get(`${base}/thread`, (c) => c.json({ messages: customers.thread(contactOf(c.req.query("contact"))) }));

  app.post(`${base}/send`, async (c) => {
    const form = await readForm(c);
    const contact = contactOf(form.contact);
    const message = text(form.text, 4096, true);
    if (!message.trim()) throw new HttpProblem(400, "Write a message");
    const customerName = text(form.name, 64);
    if (customerName) store.rememberName(name, contact, customerName);
    return c.json(await chatCall(() => customers.send(contact, customerName, message)), 201);
  });

  app.post(`${base}/messages/:id/status`, async (c) => {
    const body = await readJsonObject(c);
    const status = [...STATUSES].find((s) => s === body.status);
    if (!status) throw new HttpProblem(400, 'status must be "delivered", "read" or "failed"');
    await chatCall(() => customers.report(c.req.param("id"), status));
    return c.body(null, 204);
  });
}

function contactOf(value: unknown): string {
  const contact = text(value, 200).trim();
  if (!contact) throw new HttpProblem(400, "contact is required (who the customer is on the channel)");
  return contact;
}

async function chatCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ChatCustomerError) throw new HttpProblem(error.status, error.message);
    throw error;
  }
}
