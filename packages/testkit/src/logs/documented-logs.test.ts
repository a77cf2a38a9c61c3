import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkLogLines, readDocumentedLogs, sourceLogEvents } from "./documented-logs.js";

const root = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));
const doc = readDocumentedLogs(root("docs/operating.md"));

describe("docs/operating.md's log events", () => {
  it("lists every event core, the hosts, the gateways and the examples log, and none they do not", () => {
    // Every package but this one (its own sources name events only as examples), every app and example.
    const sources = ["packages", "apps", "examples"].flatMap((group) =>
      readdirSync(root(group), { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !(group === "packages" && entry.name === "testkit"))
        .map((entry) => `${root(group)}/${entry.name}/src`)
        .filter((folder) => existsSync(folder)),
    );
    expect(sources.length).toBeGreaterThanOrEqual(8);
    const logged = sourceLogEvents(sources);
    expect(logged.size).toBeGreaterThan(50);
    expect(
      [...logged.keys()].filter((name) => !doc.events.has(name)),
      "logged but not documented",
    ).toEqual([]);
    expect(
      [...doc.events.keys()].filter((name) => !logged.has(name)),
      "documented but never logged",
    ).toEqual([]);
  });

  it("gives every event a level and lists each of its fields in the fields table", () => {
    for (const [name, event] of doc.events) {
      expect(["trace", "debug", "info", "warn", "error", "fatal"], name).toContain(event.level);
      for (const field of [...event.fields, ...event.optional])
        expect(doc.fields.has(field), `${name}: ${field}`).toBe(true);
    }
  });
});

describe("checkLogLines", () => {
  const line = (fields: Record<string, unknown>) =>
    JSON.stringify({ level: 40, time: 1, gateway: "telegram", name: "telegram", msg: "m", ...fields });
  const retrying = { tenant: 1, queueId: 2, crmMessageId: "c", attempt: 1, err: { message: "x" }, retryInMs: 5 };

  it("takes a line as the page documents it", () => {
    expect(checkLogLines([line({ event: "send.retrying", ...retrying })], doc)).toEqual([]);
  });

  it("reports an undocumented event, a wrong level, a missing field, an unlisted one and a non-JSON line", () => {
    const problems = checkLogLines(
      [
        line({ event: "send.nope" }),
        line({ event: "send.retrying", ...retrying, level: 30 }),
        line({ event: "send.retrying", ...retrying, retryInMs: undefined }),
        line({ event: "send.retrying", ...retrying, chatId: 5 }),
        "not json",
      ],
      doc,
    ).map((p) => p.problem);
    expect(problems).toEqual([
      'event "send.nope" is not documented',
      "level info where the page says warn",
      "send.retrying lacks retryInMs",
      "field chatId is not listed for send.retrying",
      "not a JSON line",
    ]);
  });
});

describe("docs/operating.md's other names", () => {
  const page = readFileSync(root("docs/operating.md"), "utf8");

  it("mentions only log events of the events table, in any section", () => {
    const named = [...page.matchAll(/`([a-z0-9_]+\.[a-z0-9_]+)`/g)].map((m) => m[1]!);
    // Dotted names of an area events are named by (`send.`, `outbox.`, …); not columns or `err.code`.
    const areas = new Set([...doc.events.keys()].map((name) => name.split(".")[0]));
    const events = named.filter((name) => areas.has(name.split(".")[0]));
    expect(events.length).toBeGreaterThan(doc.events.size);
    expect(events.filter((name) => !doc.events.has(name))).toEqual([]);
  });

  it("mentions only metrics core defines", () => {
    const defined = new Set(
      [
        ...readFileSync(root("packages/core/src/metrics/gateway-metrics.ts"), "utf8").matchAll(
          /"(switchboard_[a-z_]+)"/g,
        ),
      ].map((m) => m[1]!),
    );
    const named = [...page.matchAll(/\b(switchboard_[a-z_]+)/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, ""));
    expect(named.length).toBeGreaterThan(0);
    expect([...new Set(named)].filter((name) => !defined.has(name))).toEqual([]);
  });
});
