import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUSTOMER, startTestbed, unique, type Testbed } from "../test/testbed.js";

/**
 * An SMTP server that accepts connections and never says a word (a tarpit), on the port where
 * tenant A's settings point: A's sends hang until the gateway's SMTP timeout.
 */
function startTarpit(port: number): Promise<{ server: Server; open: Set<Socket>; mostOpen: () => number }> {
  const open = new Set<Socket>();
  let most = 0;
  const server = createServer((socket) => {
    open.add(socket);
    most = Math.max(most, open.size);
    socket.on("error", () => {});
    socket.on("close", () => open.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve({ server, open, mostOpen: () => most }));
  });
}

describe("a tenant whose SMTP server tarpits (LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT=8)", () => {
  let bed: Testbed;
  let tarpit: Awaited<ReturnType<typeof startTarpit>>;
  beforeAll(async () => {
    bed = await startTestbed({ env: { LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT: "8" } });
    const port = bed.sinks[0].port;
    await bed.sinks[0].close();
    tarpit = await startTarpit(port);
  });
  afterAll(async () => {
    for (const socket of tarpit.open) socket.destroy();
    await new Promise((r) => tarpit.server.close(r));
    await bed.stop();
  });

  const message = (id: string) => ({
    chat: { id: `chat-${id}`, contact: CUSTOMER, subject: `Order ${id}` },
    message: { id, content: { text: `Hello ${id}`, format: "text" }, attachments: [] },
  });

  it("holds only its own share of the send slots; the other tenant's mail all goes out meanwhile", async () => {
    const stuck = Array.from({ length: 20 }, () => unique("tarpit"));
    for (const id of stuck) expect((await bed.send(0, message(id))).status).toBe(202);
    await bed.crm.waitFor(() => tarpit.open.size > 0);
    const sent = Array.from({ length: 15 }, () => unique("other"));
    for (const id of sent) expect((await bed.send(1, message(id))).status).toBe(202);
    await bed.sinks[1].waitForMessages(sent.length, 20_000);
    await bed.crm.waitFor(() => sent.every((id) => bed.crm.statusesOf(id).includes("sent")));
    // Tenant A never had more than its cap (a quarter of 8) of connections open to its tarpit.
    expect(tarpit.mostOpen()).toBeLessThanOrEqual(2);
    expect(stuck.filter((id) => bed.crm.statusesOf(id).length > 0)).toEqual([]);
  }, 60_000);
});
