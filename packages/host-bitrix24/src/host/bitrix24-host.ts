/**
 * @module host/bitrix24-host — the Bitrix24 host on core's host contract: `bitrix24` is what an
 * app lists in `hosts: [salesrender, bitrix24]`, run when `SWITCHBOARD_HOSTS` names it.
 */
import { defineHost } from "@switchboard/core";
import { MIGRATIONS_FOLDER, POSTGRES_MIGRATIONS_FOLDER } from "../db/migrations.js";
import { SECRET_COLUMNS } from "../db/schema.js";
import { readBitrix24Env, type Bitrix24Env } from "../env.js";
import { createBitrix24Host, type Bitrix24HostParts } from "./create-host.js";

/** The Bitrix24 Open Lines host. */
export const bitrix24 = defineHost({
  name: "bitrix24",
  migrationsFolder: MIGRATIONS_FOLDER,
  postgresMigrationsFolder: POSTGRES_MIGRATIONS_FOLDER,
  secretColumns: SECRET_COLUMNS,
  readEnv: (source): Bitrix24Env => readBitrix24Env(source),
  setup(runtime, env: Bitrix24Env) {
    const parts: Bitrix24HostParts = createBitrix24Host({ ports: runtime, db: runtime.db, env });
    return {
      routes: parts.routes,
      deliver: (request, ctx) => parts.deliver(request, ctx.tenant, ctx.requestId),
      groupOf: parts.groupOf,
      files: parts.files,
      /** The host's parts, for tests and the sandbox (`handle.hosts.get("bitrix24")`). */
      parts,
    };
  },
});
