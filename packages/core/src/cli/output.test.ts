/**
 * What people read from the CLI: tables aligned by their widest cell, a stored error's newlines
 * kept from breaking a row, absent values as `-`; and the durations an operator types.
 */
import { describe, expect, it } from "vitest";
import { CliInputError } from "./cli-errors.js";
import { formatAge, parseDuration } from "./durations.js";
import { renderHuman, renderTable } from "./output.js";

describe("CLI output", () => {
  it("aligns each column to its widest cell, upper-cases the header and shows absent cells as -", () => {
    expect(
      renderTable(
        ["id", "state", "last error"],
        [
          [7, "failed", "Forbidden"],
          [1234, "queued", null],
        ],
      ),
    ).toEqual(["ID    STATE   LAST ERROR", "7     failed  Forbidden", "1234  queued  -"]);
  });

  it("keeps a stored error's control characters from breaking its row", () => {
    const [, row] = renderTable(["id", "last error"], [[1, "line one\nline two\r\u0007"]]);
    expect(row).toBe("1   line one line two");
  });

  it("prints fields, then the table, then lines, and (none) for an empty table", () => {
    expect(
      renderHuman({
        json: null,
        fields: [
          ["bot", "@a_bot"],
          ["pending updates", 0],
        ],
        table: { columns: ["x"], rows: [] },
        lines: ["done"],
      }),
    ).toBe("bot:             @a_bot\npending updates: 0\n\n(none)\n\ndone\n");
  });
});

describe("durations", () => {
  it("reads 30m, 12h, 7d, 2w and 45s", () => {
    expect(parseDuration("30m", "--older-than")).toBe(30 * 60_000);
    expect(parseDuration("12h", "--older-than")).toBe(12 * 3_600_000);
    expect(parseDuration("7d", "--older-than")).toBe(7 * 86_400_000);
    expect(parseDuration("2w", "--older-than")).toBe(14 * 86_400_000);
    expect(parseDuration("45s", "--older-than")).toBe(45_000);
  });

  it.each(["7", "7 days", "-1d", "0d", "1.5h", "d", "7D", ""])(
    "refuses %j as a CliInputError naming the option",
    (text) => {
      expect(() => parseDuration(text, "--older-than")).toThrow(CliInputError);
      expect(() => parseDuration(text, "--older-than")).toThrow(/^--older-than must be a positive duration/);
    },
  );

  it("says an age in the largest unit that keeps it readable", () => {
    expect([formatAge(5_000), formatAge(30 * 60_000), formatAge(5 * 3_600_000), formatAge(9 * 86_400_000)]).toEqual([
      "5s",
      "30m",
      "5h",
      "9d",
    ]);
  });
});
