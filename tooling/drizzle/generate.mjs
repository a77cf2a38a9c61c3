#!/usr/bin/env node
// A package's `db:generate`: drizzle-kit generates its SQLite migrations (drizzle.config.ts into
// drizzle/) and then its PostgreSQL ones (drizzle.pg.config.ts into drizzle-pg/), both from the
// tables defined once. Arguments (`--name <what>`, `--custom`) go to both.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const drizzleKit = "node_modules/.bin/drizzle-kit";
const args = process.argv.slice(2);
for (const config of ["drizzle.config.ts", "drizzle.pg.config.ts"]) {
  if (!existsSync(config)) throw new Error(`${process.cwd()} has no ${config}`);
  execFileSync(drizzleKit, ["generate", "--config", config, ...args], { stdio: "inherit" });
}
