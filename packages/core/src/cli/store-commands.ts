/**
 * @module cli/store-commands — the commands that need the store to themselves: `migrate` (what a
 * start does first, on its own: before an upgrade's first start, or to see how far a store is)
 * and `secrets rotate` (re-seal every stored secret under SWITCHBOARD_SECRET_KEY once the old key
 * moved to SWITCHBOARD_SECRET_KEYS_OLD, so the old key can then be dropped).
 */
import type { Keyring } from "../secrets/keyring.js";
import { resealSecrets } from "../secrets/reseal.js";
import { storedSecretColumns } from "../server/open-storage.js";
import { CliConfigError } from "./cli-errors.js";
import { migrationStates, type CliStoreTarget, type MigrationState } from "./cli-store.js";
import type { CliCommand, CliContext, CliGroup } from "./cli-types.js";

/** What core's own commands get besides a gateway command's context: the keyring, what the store is of. */
export interface CoreCliContext extends CliContext {
  keyring: Keyring;
  target: CliStoreTarget;
  /** How far the migrations were before the store was opened (`migrate`); undefined for a new store. */
  migrationsBefore: MigrationState[] | undefined;
}

/** `migrate`: its store was migrated when the runner opened it exclusively; this says what ran. */
export const migrateCommand: CliCommand = {
  summary: "apply the database migrations (core's, the hosts', the gateway's)",
  details:
    "A gateway migrates at start too. On SQLite it is refused while a gateway runs on the file; on PostgreSQL it runs under the migrations' advisory lock, beside running replicas.",
  access: "exclusive",
  async run(context) {
    const { target, migrationsBefore } = context as CoreCliContext;
    const after = await migrationStates(context.db, target);
    const earlier = new Map((migrationsBefore ?? []).map((m) => [m.name, m.applied]));
    const packages = after.map((m) => ({ ...m, ran: m.applied - (earlier.get(m.name) ?? 0) }));
    const ran = packages.reduce((sum, m) => sum + m.ran, 0);
    return {
      json: { ran, packages },
      table: {
        columns: ["package", "applied", "ran now"],
        rows: packages.map((m) => [m.name, `${m.applied}/${m.total}`, m.ran]),
      },
      lines: [ran === 0 ? "the database was up to date" : `applied ${ran} migrations`],
    };
  },
};

/** `secrets rotate`. */
export const secretCommands: CliGroup = {
  summary: "the secrets stored encrypted (HPTs, settings, webhook secrets)",
  commands: {
    rotate: {
      summary: "re-encrypt every stored secret with SWITCHBOARD_SECRET_KEY",
      details: [
        "Put the new key in SWITCHBOARD_SECRET_KEY and the old one in SWITCHBOARD_SECRET_KEYS_OLD, then run this; afterwards the old key can be dropped.",
        "On SQLite it is refused while a gateway runs on the file (a start with the new key re-encrypts too); on PostgreSQL it runs in one transaction under the advisory lock replicas take for it, but first give every running replica both keys, or they cannot open what it seals.",
      ].join("\n"),
      access: "exclusive",
      precheck(config) {
        // Without it a key would be generated: nothing the operator could give the replicas.
        if (!config.secretKey) {
          throw new CliConfigError(
            "secrets rotate needs SWITCHBOARD_SECRET_KEY: the key to encrypt with (`openssl rand -base64 32`)",
          );
        }
      },
      async run(context) {
        const { keyring, target } = context as CoreCliContext;
        const resealed = await resealSecrets(context.db, keyring, storedSecretColumns(target.gateway, target.hosts));
        const key = keyring.currentKeyId;
        return {
          json: { resealed, key },
          lines: [
            resealed === 0
              ? `every stored secret is already encrypted with key ${key}`
              : `re-encrypted ${resealed} stored secrets with key ${key}; SWITCHBOARD_SECRET_KEYS_OLD can be dropped now`,
          ],
        };
      },
    },
  },
};
