/**
 * docs/operating.md and docs/architecture.md name variables, states and store methods: each must
 * be the code's (a renamed one fails here, not in an operator's hands).
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));
const read = (path: string) => readFileSync(root(path), "utf8");
const VARIABLE =
  /\b(SWITCHBOARD_[A-Z0-9_]*[A-Z0-9]|LV_PLUGIN_[A-Z0-9_]*[A-Z0-9]|SMTP_INBOUND_[A-Z0-9_]*[A-Z0-9]|METRICS_TOKEN|LOG_LEVEL)\b/g;
const names = (text: string, pattern: RegExp) => new Set([...text.matchAll(pattern)].map((m) => m[1]!));

describe("docs/operating.md and docs/architecture.md", () => {
  it("name only environment variables a package's env.ts reads", () => {
    const variables = [
      "packages/core/src/env.ts",
      "packages/host-salesrender/src/env.ts",
      "packages/host-bitrix24/src/env.ts",
      "apps/telegram/src/env.ts",
      "apps/sms/src/env.ts",
      "apps/email/src/env.ts",
    ].flatMap((path) => [...names(read(path), VARIABLE)]);
    const known = new Set(variables);
    for (const page of ["docs/operating.md", "docs/architecture.md"]) {
      const named = [...names(read(page), VARIABLE)];
      expect(named.length, page).toBeGreaterThan(3);
      expect(
        named.filter((name) => !known.has(name)),
        page,
      ).toEqual([]);
    }
  });

  it("draw the send queue with the states of the outgoing table and the methods of OutgoingStore", () => {
    const page = read("docs/architecture.md");
    const diagrams = [...page.matchAll(/```mermaid\nstateDiagram-v2\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const sendQueue = diagrams.find((d) => d.includes("claimDue"));
    expect(sendQueue).toBeDefined();
    const transitions = [...sendQueue!.matchAll(/^\s*(\S+) --> (\S+): (.*)$/gm)];
    const states = new Set(transitions.flatMap((t) => [t[1]!, t[2]!]).filter((s) => s !== "[*]"));
    const schema = /\/\*\* ([a-z]+(?: \| [a-z]+)+) \*\/\s*state: c\.text\("state"\)/.exec(
      read("packages/core/src/db/schema.ts"),
    );
    expect([...states].sort()).toEqual(schema![1]!.split(" | ").sort());

    const store = read("packages/core/src/messages/outgoing-store.ts");
    const methods = names(store, /^ {2}([a-zA-Z]+)\(/gm);
    const named = transitions.flatMap((t) => t[3]!.split(" (")[0]!.split(" / ")).filter((n) => n !== "retention");
    expect(named.length).toBeGreaterThan(8);
    expect(named.filter((name) => !methods.has(name))).toEqual([]);
  });

  it("draw the CRM outbox with the methods and columns its store has", () => {
    const page = read("docs/architecture.md");
    const store = read("packages/core/src/outbox/outbox-store.ts") + read("packages/core/src/db/schema.ts");
    for (const column of ["next_attempt_at", "attempts", "last_error", "order_key", "expires_at"]) {
      expect(page).toContain(column);
      expect(store).toContain(`"${column}"`);
    }
  });
  it("name only CLI commands and options the CLI has", () => {
    const page = read("docs/operating.md");
    const groups = new Map([
      ["queue", read("packages/core/src/cli/queue-commands.ts")],
      ["outbox", read("packages/core/src/cli/outbox-commands.ts")],
      ["tenants", read("packages/core/src/cli/tenant-commands.ts")],
      ["webhook", read("apps/telegram/src/cli/webhook-commands.ts")],
    ]);
    const commands = [...page.matchAll(/`(queue|outbox|tenants|webhook) ([a-z]+)([^`]*)`/g)];
    expect(commands.length).toBeGreaterThan(5);
    for (const [text, group, command, rest] of commands) {
      const source = groups.get(group!)!;
      const listed = /commands: \{([^}]*)\}/.exec(source)?.[1] ?? "";
      expect(listed.includes(command!) || source.includes(`${command}: {`), text).toBe(true);
      for (const option of rest!.matchAll(/--([a-z-]+)/g))
        expect(source.includes(`${option[1]}:`) || source.includes(`"${option[1]}":`), `${text}: --${option[1]}`).toBe(
          true,
        );
    }
  });
  it("name only files and folders that exist", () => {
    for (const page of ["docs/operating.md", "docs/architecture.md"]) {
      const paths = [...read(page).matchAll(/`((?:packages|apps|examples|tooling|bench)\/[\w./-]+)`/g)].map(
        (m) => m[1]!,
      );
      expect(paths.length, page).toBeGreaterThan(3);
      expect(
        paths.filter((path) => !existsSync(root(path))),
        page,
      ).toEqual([]);
    }
  });
});
