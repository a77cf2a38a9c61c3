/**
 * @module web/portal-routes — the Bitrix24 view's API: the portal's state, the calls between it and
 * our app, its Open Lines chats, the operator's answers, and the connector's settings slider
 * (`/bitrix24/slider/<line>`, the frame).
 */
import type { Context, Hono } from "hono";
import { UnknownOpenLineChatError } from "../portal/open-lines.js";
import { SliderUnansweredError, SliderUnavailableError, openSlider } from "../portal/settings-slider.js";
import { HttpProblem, readJsonObject, text } from "./problems.js";
import type { SandboxServices } from "./services.js";
import { readUploadIds } from "./upload-ids.js";

/** What the portal routes use. */
export type PortalServices = Pick<SandboxServices, "openLines" | "portal" | "uploads">;

/** Adds `/api/bitrix24/…` and the slider frame. */
export function addPortalRoutes(app: Hono, services: PortalServices): void {
  const { openLines, uploads } = services;

  app.get("/api/bitrix24/portal", (c) => c.json(openLines.view()));

  app.get("/api/bitrix24/calls", (c) => c.json(openLines.calls()));

  app.get("/api/bitrix24/chats", (c) => c.json(openLines.chats()));

  app.get("/api/bitrix24/chats/:id", (c) => {
    const chat = openLines.chat(chatId(c.req.param("id")));
    if (!chat) throw new HttpProblem(404, "No such Open Lines chat");
    return c.json(chat);
  });

  app.post("/api/bitrix24/chats/:id/messages", async (c) => {
    const id = chatId(c.req.param("id"));
    if (!openLines.chat(id)) throw new HttpProblem(404, "No such Open Lines chat");
    const body = await readJsonObject(c);
    const files = readUploadIds(body.files, uploads);
    const message = text(body.text, 20_000, true);
    if (!message.trim() && files.length === 0) throw new HttpProblem(400, "Write a text or attach a file");
    try {
      return c.json(await openLines.operatorSays(id, message, files), 201);
    } catch (error) {
      if (error instanceof UnknownOpenLineChatError) throw new HttpProblem(404, "No such Open Lines chat");
      throw error;
    }
  });

  app.get("/bitrix24/slider/:line", (c) => slider(c, services, undefined));

  app.post("/bitrix24/slider/:line", async (c) => {
    if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header("content-type") ?? "")) {
      throw new HttpProblem(400, "The settings page posts a form (application/x-www-form-urlencoded)");
    }
    return slider(c, services, new URLSearchParams(await c.req.text()));
  });
}

async function slider(c: Context, { openLines, portal }: PortalServices, form: URLSearchParams | undefined) {
  const raw = c.req.param("line") ?? "";
  const line = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!openLines.view().lines.some((l) => l.line === line)) throw new HttpProblem(404, "No such open line");
  try {
    const page = await openSlider(portal, line, `/bitrix24/slider/${line}`, form);
    return c.body(page.body, page.status as 200, page.headers);
  } catch (error) {
    if (error instanceof SliderUnavailableError) throw new HttpProblem(409, error.message);
    if (error instanceof SliderUnansweredError) throw new HttpProblem(502, error.message);
    throw error;
  }
}

function chatId(value: string | undefined): number {
  const id = /^\d{1,15}$/.test(value ?? "") ? Number(value) : NaN;
  if (!Number.isSafeInteger(id)) throw new HttpProblem(404, "No such Open Lines chat");
  return id;
}
