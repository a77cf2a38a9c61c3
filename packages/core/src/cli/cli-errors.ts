/**
 * @module cli/cli-errors — why a CLI command stopped: what it was given was wrong (exit 2: a typo,
 * an unknown tenant or id; retrying the same words cannot help), the configuration lacks what the
 * command needs (exit 1, as for a bad variable), or the store refused what it needs now (exit 1:
 * the database is in use by a running gateway, unreachable, not migrated).
 */
import { SwitchboardError } from "../errors.js";

/** The command line was wrong: an unknown command or option, a bad value, a tenant or id that does not exist. */
export class CliInputError extends SwitchboardError {
  readonly retryable = false;
}

/** The environment lacks a variable the command needs (`secrets rotate` without `SWITCHBOARD_SECRET_KEY`). */
export class CliConfigError extends SwitchboardError {
  readonly retryable = false;
}

/** The store cannot do what the command needs now (in use, unreachable, not migrated); the same command may work later. */
export class CliStoreError extends SwitchboardError {
  readonly retryable = true;
}
