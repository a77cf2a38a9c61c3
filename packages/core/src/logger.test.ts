import { describe, expect, it } from "vitest";
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
