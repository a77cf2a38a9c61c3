/**
 * @module web/static-routes — the pages and their scripts and styles, plain files from
 * `apps/sandbox/public/` (no build step, no CDN).
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Hono } from "hono";
import { getMimeType } from "hono/utils/mime";

/** `public/` next to src/ and dist/. */
const PUBLIC_DIR = fileURLToPath(new URL("../../public/", import.meta.url));

const PAGES: ReadonlyArray<[string, string]> = [
  ["/", "index.html"],
  ["/bitrix24", "bitrix24.html"],
];

/** Adds the page routes (each gateway's customer page at `/customer/<name>`) and `/assets/<file>`. */
export function addStaticRoutes(app: Hono, channels: ReadonlyArray<{ name: string; page: string }>): void {
  const pages = [...PAGES, ...channels.map((c): [string, string] => [`/customer/${c.name}`, c.page])];
  for (const [path, file] of pages) {
    app.get(path, async (c) => c.html(await readFile(PUBLIC_DIR + file, "utf8")));
  }
  app.get("/assets/:file", async (c) => {
    const name = c.req.param("file");
    // Flat folder: a name is letters, digits, dots and dashes, never a path.
    if (!/^[\w-]+\.(js|css|svg|png|ico)$/.test(name)) return c.json({ code: 404, message: "Not found" }, 404);
    const bytes = await readFile(PUBLIC_DIR + "assets/" + name).catch(() => undefined);
    if (!bytes) return c.json({ code: 404, message: "Not found" }, 404);
    c.header("content-type", getMimeType(name) ?? "application/octet-stream");
    c.header("cache-control", "no-cache");
    return c.body(new Uint8Array(bytes));
  });
}
