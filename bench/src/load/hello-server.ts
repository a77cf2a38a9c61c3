/**
 * @module load/hello-server — the baseline: a bare Hono "hello" POST handler on @hono/node-server,
 * run as its own process (argv[2] = port) so it gets the same CPU as the gateway. With argv[3] =
 * `read-body` the handler also reads the body as text (what any real handler must do); with
 * `read-incoming` it reads it from Node's IncomingMessage instead of the WHATWG Request.
 */
import type { IncomingMessage } from "node:http";
import { serve, type HttpBindings } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono<{ Bindings: HttpBindings }>();
const variant = process.argv[3];
if (variant === "read-body") {
  app.post("/*", async (c) => c.text((await c.req.text()).length > 0 ? "hello" : "empty"));
} else if (variant === "read-incoming") {
  // The same body read straight from Node's stream, without a WHATWG Request.
  app.post("/*", async (c) => c.text((await readIncoming(c.env.incoming)).length > 0 ? "hello" : "empty"));
} else {
  app.post("/*", (c) => c.text("hello"));
}
app.get("/readyz", (c) => c.json({ status: "ready" }));
serve({ fetch: app.fetch, port: Number(process.argv[2]), hostname: "127.0.0.1" });

async function readIncoming(incoming: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
