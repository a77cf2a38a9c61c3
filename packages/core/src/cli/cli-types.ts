/**
 * @module cli/cli-types — what a CLI command is: its help, its options (node:util `parseArgs`'
 * form), the store access it needs, and what it answers (a table, fields, lines for people; one
 * JSON value for `--json`). Core's commands and the ones a gateway contributes (`cli` of its
 * definition) are the same kind of thing.
 */
import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import type { CoreConfig } from "../env.js";
import type { Tenant } from "../gateway/types.js";
import type { SecretBox } from "../secrets/keyring.js";
import type { SettingsData } from "../settings/form.js";

/** One option of a command (`--name value` or `--flag`). */
export interface CliOption {
  type: "string" | "boolean";
  /** One line for `--help`. */
  description: string;
  /** How the value looks in `--help` (`<tenant>`, `<duration>`). */
  value?: string;
}

/** What a command was given: its options by name, and the words after it. */
export interface CliInput {
  values: Readonly<Record<string, string | boolean | undefined>>;
  positionals: readonly string[];
}

/** A value in a table or a field: printed as it is, `-` when absent. */
export type CliCell = string | number | boolean | null | undefined;

/** What a command answers: `json` for `--json`, the rest (in this order) for people. */
export interface CliOutput {
  json: unknown;
  fields?: ReadonlyArray<readonly [string, CliCell]>;
  table?: { columns: readonly string[]; rows: ReadonlyArray<readonly CliCell[]> };
  lines?: readonly string[];
}

/**
 * What a command runs with: the store as the gateway's environment names it (SQLite or
 * PostgreSQL), its keyring, the tenants (with their settings opened), and the gateway's own
 * environment (what its `env.ts` read).
 */
export interface CliContext<S = SettingsData, E = unknown> {
  config: CoreConfig;
  db: Database;
  secrets: SecretBox;
  /** The gateway's own environment, as `setup` gets it. */
  env: E;
  /** Warnings and errors go to stderr; a command's answer goes to stdout only. */
  logger: Logger;
  /** An absolute public URL under LV_PLUGIN_SELF_URI, as `runtime.publicUrl`. */
  publicUrl(path: string): string;
  /** The tenant `ref` names (its id or its public id); a `CliInputError` for one that does not exist. */
  tenant(ref: string): Promise<Tenant<S>>;
  /** Every tenant. */
  tenants(): Promise<Tenant<S>[]>;
}

/**
 * One command. `access` says what it may do beside a running gateway: `shared` (reads, and
 * writes of one short statement, which a running gateway's SQLite connection waits out), or
 * `exclusive` (refused while a gateway holds a SQLite database; PostgreSQL's advisory locks order
 * it with the replicas). Default `shared`.
 */
export interface CliCommand<S = SettingsData, E = unknown> {
  /** One line for `--help`. */
  summary: string;
  /** The words after the command, for `--help` (`<id>`). */
  usage?: string;
  /** Longer help text, printed under the usage. */
  details?: string;
  options?: Readonly<Record<string, CliOption>>;
  access?: "shared" | "exclusive";
  /** Refuses a configuration the command cannot work with (a `CliConfigError`, exit 1), before the store is opened. */
  precheck?(config: CoreConfig): void;
  run(context: CliContext<S, E>, input: CliInput): Promise<CliOutput>;
}

/** Commands under one word (`webhook info`, `webhook reset`). */
export interface CliGroup<S = SettingsData, E = unknown> {
  summary: string;
  commands: Readonly<Record<string, CliCommand<S, E>>>;
}

/** What a gateway adds to its CLI: groups by their word (`{ webhook: { … } }`). */
export type GatewayCli<S = SettingsData, E = unknown> = Readonly<Record<string, CliGroup<S, E>>>;
