import { describe, expect, it } from "vitest";
import { ChannelRefusedError } from "./errors.js";
import { createLogger } from "./logger.js";

describe("createLogger", () => {
  it("redacts secrets at the top level and nested in settings or headers", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", name: "test" }, { write: (line: string) => void lines.push(line) });
    logger.info(
      {
        botToken: "123:SECRET",
        settings: { main: { authToken: "tw-SECRET", sender: "+1555" } },
        headers: { "x-plugin-token": "jwt-SECRET" },
      },
      "saved",
    );
    logger.info({ req: { password: "smtp-SECRET" }, hpt: "hpt-SECRET" }, "x");
    const out = lines.join("\n");
    expect(out).not.toContain("SECRET");
    expect(out).toContain("+1555");
    expect(out.match(/\[redacted\]/g)?.length).toBe(5);
  });
});

describe("serializeError", () => {
  it("writes an error's class, message and codes, never what else it carries", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", name: "test" }, { write: (line: string) => void lines.push(line) });
    const driver = Object.assign(new Error("connection refused"), {
      code: "ECONNREFUSED",
      payload: { text: "a customer's words" },
      config: { connectionString: "postgres://u:pw-SECRET@db/x" },
    });
    logger.warn(
      { event: "x", err: new ChannelRefusedError("Forbidden", { permanent: true, code: 403, cause: driver }) },
      "m",
    );
    logger.warn({ event: "y", err: "plain text" }, "m");
    const [refused, text] = lines.map((l) => JSON.parse(l) as { err: Record<string, unknown> });
    expect(refused!.err).toEqual({
      type: "ChannelRefusedError",
      message: "Forbidden",
      code: 403,
      retryable: false,
      cause: { type: "Error", message: "connection refused", code: "ECONNREFUSED", stack: driver.stack },
    });
    expect(text!.err).toEqual({ message: "plain text" });
    expect(lines.join("\n")).not.toMatch(/SECRET|customer/);
  });
});
