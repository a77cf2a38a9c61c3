/**
 * @module config — the repository's `turbo gen` generators: `pnpm turbo gen gateway` asks for a
 * name and a port (or takes them as `--args <name> <port>`) and writes `apps/<name>/` from
 * `examples/echo`.
 */
import type { PlopTypes } from "@turbo/gen";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { checkName, checkPort, TEMPLATE_DIR, writeGateway } from "./gateway-template";

/** Registers the generators. */
export default function generator(plop: PlopTypes.NodePlopAPI): void {
  // This file is turbo/generators/config.ts: the repository root is two folders up.
  const root = join(plop.getPlopfilePath(), "..", "..");
  plop.setGenerator("gateway", {
    description: `A new gateway package in apps/<name>, copied from ${TEMPLATE_DIR}`,
    prompts: [
      {
        type: "input",
        name: "name",
        message: "The gateway's name (lower case, e.g. viber or web-chat):",
        validate: (value: unknown) => checkName(root, typeof value === "string" ? value.trim() : value),
      },
      {
        type: "input",
        name: "port",
        message: "Its default HTTP port (when PORT is not set):",
        validate: (value: unknown) => checkPort(root, value),
      },
    ],
    actions: [
      (answers) => {
        const name = String(answers.name).trim();
        const written = writeGateway(root, name, Number(answers.port));
        // New names change line lengths: format the copy as the repository is (CI runs prettier --check).
        execFileSync(join(root, "node_modules", ".bin", "prettier"), ["--write", "--log-level=warn", `apps/${name}`], {
          cwd: root,
          stdio: "inherit",
        });
        return [
          `wrote apps/${name}/ (${written.length} files) from ${TEMPLATE_DIR}`,
          `next: pnpm install && pnpm --filter @switchboard/${name}... build && pnpm --filter @switchboard/${name} test`,
          "then follow docs/adding-a-gateway.md",
        ].join("\n");
      },
    ],
  });
}
