import { describe, expect, it } from "vitest";
import { parsePrometheusText } from "./scrape.js";

describe("parsePrometheusText", () => {
  it("reads samples with escaped label values, +Inf and timestamps, and adds them up by label", () => {
    const scrape = parsePrometheusText(
      [
        "# HELP x_total A counter",
        "# TYPE x_total counter",
        'x_total{host="a",why="say \\"no\\"\\nthen \\\\"} 2',
        'x_total{host="b"} 3 1700000000000',
        'h_bucket{le="+Inf",host="a"} 4',
        "up 1",
        "",
      ].join("\n"),
    );
    expect(scrape.sum("x_total")).toBe(5);
    expect(scrape.sum("x_total", { host: "a" })).toBe(2);
    expect(scrape.matching("x_total", { host: "a" })[0]!.labels.why).toBe('say "no"\nthen \\');
    expect(scrape.sum("h_bucket", { le: "+Inf" })).toBe(4);
    expect(scrape.sum("up")).toBe(1);
    expect(scrape.has("x_total", { host: "c" })).toBe(false);
    expect(scrape.sum("x_total", { constructor: "x" })).toBe(0);
  });

  it("refuses a line that is not a sample", () => {
    expect(() => parsePrometheusText("not a sample line at all")).toThrow(/not a Prometheus sample line/);
  });
});
