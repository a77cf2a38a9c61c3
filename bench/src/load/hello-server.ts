/**
 * @module load/hello-server — the baseline: a bare Hono "hello" POST handler on @hono/node-server,
 * run as its own process (argv[2] = port) so it gets the same CPU as the gateway. With argv[3] =
 * `read-body` the handler also reads the body as text (what any real handler must do).
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono();
if (process.argv[3] === "read-body") {
  app.post("/*", async (c) => c.text((await c.req.text()).length > 0 ? "hello" : "empty"));
} else {
  app.post("/*", (c) => c.text("hello"));
}
app.get("/readyz", (c) => c.json({ status: "ready" }));
serve({ fetch: app.fetch, port: Number(process.argv[2]), hostname: "127.0.0.1" });
