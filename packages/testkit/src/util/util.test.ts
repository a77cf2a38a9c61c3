import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "./free-port.js";
import { waitFor } from "./wait-for.js";

describe("waitFor", () => {
  it("resolves with the first truthy value", async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined));
    expect(value).toEqual({ calls: 3 });
  });

  it("treats a throwing predicate as not yet and reports its last error on timeout", async () => {
    await expect(
      waitFor(
        () => {
          throw new Error("still empty");
        },
        { timeoutMs: 50, message: "the inbox" },
      ),
    ).rejects.toThrow(/timed out after 50 ms waiting for the inbox; last error: still empty/);
  });

  it("accepts async predicates and a bare timeout", async () => {
    await expect(waitFor(async () => false, 30)).rejects.toThrow(/timed out after 30 ms/);
    await expect(waitFor(async () => "ok", 30)).resolves.toBe("ok");
  });
});

describe("freePort", () => {
  it("returns a port that can be listened on", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it("hands out ports below the kernel's ephemeral range, never the same one twice", async () => {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) expect(port).toBeLessThan(low!);
  });
});
