import { expect, test } from "vitest";
import { figure } from "./result.js";
import { renderTable } from "./table.js";

test("renders figures with units, targets and whether they were met, then the notes", () => {
  const text = renderTable([
    {
      scenario: "1. accept",
      figures: [figure("ratio", 28.234, "%", { text: "≥ 30 %", met: false }), figure("rate", 1733.4, "req/s")],
      notes: ["measured on a busy machine"],
    },
  ]);
  const lines = text.split("\n");
  expect(lines[0]).toMatch(/^scenario\s+figure\s+value\s+unit\s+target\s+met$/);
  expect(lines[2]).toMatch(/^1\. accept\s+ratio\s+28\.23\s+%\s+≥ 30 %\s+NO$/);
  expect(lines[3]).toMatch(/^1\. accept\s+rate\s+1733\s+req\/s/);
  expect(text).toContain("- 1. accept: measured on a busy machine");
});
