/**
 * @module web/file-routes — `GET /files/<id>/<name>`: uploaded files, for the gateways (outgoing
 * attachments) and the browser. Only media open inline; anything else downloads, so an uploaded
 * page can never run as part of the sandbox.
 */
import type { Context, Hono } from "hono";
import { HttpProblem } from "./problems.js";
import type { SandboxServices } from "./services.js";

const INLINE = /^(image\/(png|jpeg|gif|webp)|audio\/[\w.+-]+|video\/[\w.+-]+|text\/plain|application\/pdf)$/;

/** Adds the file route. */
export function addFileRoutes(app: Hono, { uploads }: SandboxServices): void {
  app.get("/files/:id/:name", (c) => {
    const file = uploads.get(c.req.param("id"));
    if (!file) throw new HttpProblem(404, "No such file (files live in memory until the sandbox stops)");
    return sendFile(c, file.name, file.contentType, file.bytes);
  });
}

/** Answers with a file's bytes, safely typed. */
export function sendFile(c: Context, name: string, contentType: string, bytes: Buffer): Response {
  const inline = INLINE.test(contentType);
  c.header("content-type", inline ? contentType : "application/octet-stream");
  c.header("content-disposition", `${inline ? "inline" : "attachment"}; filename="${name.replace(/[^\w. -]/g, "_")}"`);
  c.header("x-content-type-options", "nosniff");
  c.header("content-security-policy", "sandbox; default-src 'none'");
  c.header("content-length", String(bytes.length));
  return c.body(new Uint8Array(bytes));
}
