/**
 * The package README names what the code has: the signature header, the webhook routes, the
 * environment variables and their defaults, the default port, the settings fields, the body limit
 * and the CLI's bin. `pnpm turbo gen gateway` renames both alike, so a generated gateway's README
 * is held to its own code too.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_API_DEADLINE_MS } from "./env.js";
import { echoGateway } from "./gateway.js";
import { settingsForm } from "./settings/form.js";
import { MESSAGES_ROUTE, STATUSES_ROUTE, WEBHOOK_BODY_LIMIT } from "./webhook/paths.js";
import { SIGNATURE_HEADER } from "./webhook/signature.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const ENV_SOURCE = readFileSync(new URL("./env.ts", import.meta.url), "utf8");
const MANIFEST = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  name: string;
  bin: Record<string, string>;
};

describe("the README", () => {
  it("names the signature header exactly as the webhooks read it", () => {
    expect(README).toContain(`\`${SIGNATURE_HEADER}: sha256=`);
  });

  it("names both webhook routes and the body limit", () => {
    for (const route of [MESSAGES_ROUTE, STATUSES_ROUTE]) {
      expect(README).toContain(`\`${route.replace(":publicId", "<publicId>")}\``);
    }
    expect(README).toContain(`over ${WEBHOOK_BODY_LIMIT / 1024} KiB`);
  });

  it("names every variable env.ts reads, the deadline's default and the default port", () => {
    const variables = new Set(ENV_SOURCE.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? []);
    variables.delete("DEFAULT_API_DEADLINE_MS"); // the module's own constant
    expect(variables.size).toBeGreaterThan(0);
    for (const variable of variables) expect(README, variable).toContain(`\`${variable}\``);
    expect(README).toContain(`default ${DEFAULT_API_DEADLINE_MS}`);
    expect(README).toContain(`port ${echoGateway.defaultPort} unless PORT is set`);
  });

  it("lists every settings field of the form", () => {
    const fields = Object.keys(settingsForm.groups.channel.fields);
    for (const field of fields) expect(README, field).toContain(`| \`${field}\``);
  });

  it("names the package and its CLI's bin", () => {
    expect(README).toContain(`# ${MANIFEST.name}`);
    for (const bin of Object.keys(MANIFEST.bin)) expect(README, bin).toContain(`\`${bin}\``);
  });
});
