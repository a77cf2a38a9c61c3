/**
 * @module fake-telegram/params — reads Bot API parameters from a query string, JSON,
 * form-urlencoded or multipart body, as the real server does.
 */
import type { Context } from "hono";
import { parseMultipart } from "./multipart.js";

/** A file uploaded in a multipart request. */
export interface UploadedFile {
  /** Name of the multipart part (grammY uses a random id referenced as `attach://<id>`). */
  part: string;
  fileName: string | undefined;
  contentType: string | undefined;
  bytes: Buffer;
}

/** Parameters of one call: plain values and uploaded files by part name. */
export interface CallParams {
  params: Record<string, unknown>;
  files: Record<string, UploadedFile>;
}

/** Fields whose form value is JSON-serialised (arrays and objects). */
const JSON_FIELDS = new Set([
  "media",
  "allowed_updates",
  "reply_markup",
  "entities",
  "caption_entities",
  "link_preview_options",
  "reply_parameters",
]);

/** Reads every parameter of a request; throws when the body cannot be parsed. */
export async function readParams(c: Context): Promise<CallParams> {
  const params: Record<string, unknown> = { ...c.req.query() };
  const files: Record<string, UploadedFile> = {};
  const type = c.req.header("content-type") ?? "";
  if (c.req.method === "GET" || c.req.method === "HEAD") return { params, files };
  if (type.includes("application/json")) {
    const text = await c.req.text();
    if (text.trim() !== "") Object.assign(params, JSON.parse(text) as Record<string, unknown>);
  } else if (type.includes("multipart/form-data")) {
    const boundary = /boundary=("?)([^";]+)\1/.exec(type)?.[2];
    if (!boundary) throw new Error("multipart body without boundary");
    const body = Buffer.from(await c.req.arrayBuffer());
    for (const part of parseMultipart(body, boundary)) {
      if (part.filename !== undefined) {
        files[part.name] = {
          part: part.name,
          fileName: part.filename,
          contentType: part.contentType,
          bytes: part.data,
        };
      } else {
        params[part.name] = decodeField(part.name, part.data.toString("utf8"));
      }
    }
  } else if (type.includes("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(await c.req.text())) params[key] = decodeField(key, value);
  }
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === "string") params[key] = decodeField(key, value);
  }
  return { params, files };
}

function decodeField(name: string, value: string): unknown {
  if (!JSON_FIELDS.has(name)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
