/**
 * @module cli/run-cli — the operations CLI every app ships as `dist/cli.js` (and its package
 * `bin`): core's commands (`migrate`, `queue …`, `outbox …`, `tenants list`, `secrets rotate`) and
 * the ones its gateway adds (`cli` of its definition), parsed with node:util's `parseArgs`. It reads
 * the same environment as the gateway (the app's `readEnv`, core's `env.ts`), answers on stdout
 * (aligned tables, or one JSON document with `--json`), and fails with one line on stderr: exit 2
 * for a bad command line (unknown command or option, bad value, unknown tenant or id), 1 when the
 * configuration or the store refused.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { pino } from "pino";
import { loadCoreConfig } from "../env.js";
import type { AnyGateway, EnvOfGateway, Tenant } from "../gateway/types.js";
import { selectHosts } from "../hosts/select-hosts.js";
import type { AnyHost } from "../hosts/types.js";
import { createLogger } from "../logger.js";
import { configureOutbound } from "../net/outbound-policy.js";
import { withLocalDefaults, type GatewayEnvironment } from "../server/run-gateway.js";
import { TenantStore } from "../tenants/tenant-store.js";
import { ownEntry } from "../util/own-entry.js";
import { CliInputError } from "./cli-errors.js";
import { openExclusiveStore, openSharedStore, peekMigrationStates, type CliStoreTarget } from "./cli-store.js";
import type { CliCommand, CliGroup, CliInput, CliOption, CliOutput } from "./cli-types.js";
import { outboxCommands } from "./outbox-commands.js";
import { renderHuman, renderJson } from "./output.js";
import { queueCommands, tenantIdOf } from "./queue-commands.js";
import { migrateCommand, secretCommands, type CoreCliContext } from "./store-commands.js";
import { tenantCommands } from "./tenant-commands.js";

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** The CRM hosts the app can serve (`SWITCHBOARD_HOSTS` picks, as for the gateway). */
  hosts: readonly AnyHost[];
  /** The words after `node dist/cli.js` (default `process.argv.slice(2)`). */
  argv?: readonly string[];
}

/** Exit statuses: done, the configuration or the store refused, the command line was wrong. */
export const CLI_EXIT = { ok: 0, failed: 1, usage: 2 } as const;

type Entry = CliCommand | CliGroup;

const COMMON_OPTIONS: Readonly<Record<string, CliOption>> = {
  json: { type: "boolean", description: "answer with one JSON document (for scripts)" },
};

/**
 * Runs one CLI command of `gateway` and answers its exit status (also set as `process.exitCode`).
 * `readEnv` is the app's reader of `process.env`, as for `runGateway`.
 */
export async function runCli<G extends AnyGateway>(
  gateway: G,
  readEnv: () => GatewayEnvironment<EnvOfGateway<G>>,
  options: RunCliOptions,
): Promise<number> {
  const program = `switchboard-${gateway.name}`;
  let status: number;
  try {
    status = await run(gateway, readEnv, options, program);
  } catch (error) {
    const message = errorLine(error);
    process.stderr.write(`${program}: ${message}\n`);
    status = error instanceof CliInputError ? CLI_EXIT.usage : CLI_EXIT.failed;
  }
  process.exitCode = status;
  return status;
}

/**
 * What failed, as one line: a query's driver error rather than drizzle's "Failed query: <sql>
 * params: …" around it (its parameters are values of the store).
 */
function errorLine(error: unknown): string {
  let shown = error as { message?: unknown; name?: unknown; cause?: unknown };
  while (typeof shown?.message === "string" && shown.message.startsWith("Failed query:") && shown.cause) {
    shown = shown.cause as typeof shown;
  }
  const text = typeof shown?.message === "string" && shown.message ? shown.message : String(shown?.name ?? error);
  return text.replace(/\s*\n\s*/g, " ");
}

async function run<G extends AnyGateway>(
  gateway: G,
  readEnv: () => GatewayEnvironment<EnvOfGateway<G>>,
  options: RunCliOptions,
  program: string,
): Promise<number> {
  const args = [...(options.argv ?? process.argv.slice(2))];
  const entries = commandTable(gateway);
  const leading: string[] = [];
  while (args[0]?.startsWith("-")) leading.push(args.shift()!);
  const wantsHelp = (list: readonly string[]) => list.includes("--help") || list.includes("-h");
  const word = args.shift();
  if (word === undefined) {
    if (wantsHelp(leading)) return print(topHelp(program, gateway, entries));
    process.stderr.write(topHelp(program, gateway, entries));
    throw new CliInputError("no command given");
  }
  const entry = entries.get(word);
  if (!entry) throw new CliInputError(`unknown command "${word}" (\`${program} --help\` lists them)`);
  let name = word;
  let command: CliCommand;
  if (isGroup(entry)) {
    const sub = args[0]?.startsWith("-") ? undefined : args.shift();
    if (sub === undefined) {
      if (wantsHelp([...leading, ...args])) return print(groupHelp(program, word, entry));
      throw new CliInputError(
        `${word} needs a command: ${Object.keys(entry.commands).join(", ")} (\`${program} ${word} --help\`)`,
      );
    }
    const found = ownEntry(entry.commands, sub);
    if (!found) {
      throw new CliInputError(
        `unknown command "${word} ${sub}": ${word} has ${Object.keys(entry.commands).join(", ")}`,
      );
    }
    name = `${word} ${sub}`;
    command = found;
  } else command = entry;

  const input = parseCommandLine(program, name, command, [...leading, ...args]);
  if (input === "help") return print(commandHelp(program, name, command));

  // The same environment as the gateway, its checks and its defaults.
  const { core, gateway: gatewayEnv } = readEnv();
  const env = withLocalDefaults(gateway, core);
  const config = loadCoreConfig(env);
  const hosts = selectHosts(config.hosts, options.hosts, env);
  // Only what goes wrong reaches stderr; stdout is the command's answer alone.
  const verbose = config.logLevel === "debug" || config.logLevel === "trace" || config.logLevel === "silent";
  const logger = createLogger(
    { level: verbose ? config.logLevel : "warn", name: gateway.name },
    pino.destination({ fd: 2, sync: true }),
  );
  configureOutbound({
    allowPrivate: config.allowPrivateUrls,
    downloadDeadlineMs: config.downloadDeadlineMs,
    downloadBudgetBytes: config.downloadBudgetBytes,
  });
  command.precheck?.(config);
  const target: CliStoreTarget = { gateway, hosts, config, logger };
  const exclusive = command.access === "exclusive";
  const migrationsBefore = exclusive ? await peekMigrationStates(target) : undefined;
  const store = exclusive ? await openExclusiveStore(target) : await openSharedStore(target);
  let output: CliOutput;
  try {
    const tenants = new TenantStore(store.db, store.keyring);
    const context: CoreCliContext = {
      config,
      db: store.db,
      secrets: store.keyring,
      keyring: store.keyring,
      target,
      migrationsBefore,
      env: gatewayEnv,
      logger,
      publicUrl: (path) => config.selfUri + path.replace(/^\/+/, ""),
      async tenant(ref) {
        const id = await tenantIdOf(store.db, ref);
        const tenant = id === undefined ? undefined : await tenants.byId(id);
        if (!tenant)
          throw new CliInputError(`no tenant "${ref}" (give its id or its public id; \`tenants list\` shows them)`);
        return tenant as Tenant<never>;
      },
      tenants: () => tenants.all() as Promise<Tenant<never>[]>,
    };
    output = await command.run(context, input);
  } finally {
    await store.close();
  }
  return print(input.values.json === true ? renderJson(output) : renderHuman(output));
}

/** Core's commands, then the gateway's groups (which may not reuse core's words). */
function commandTable(gateway: AnyGateway): Map<string, Entry> {
  const entries = new Map<string, Entry>([
    ["migrate", migrateCommand],
    ["queue", queueCommands],
    ["outbox", outboxCommands],
    ["tenants", tenantCommands],
    ["secrets", secretCommands],
  ]);
  for (const [word, group] of Object.entries((gateway.cli ?? {}) as Record<string, CliGroup>)) {
    if (entries.has(word)) throw new Error(`the ${gateway.name} gateway's CLI group "${word}" is one of core's`);
    entries.set(word, group);
  }
  return entries;
}

function isGroup(entry: Entry): entry is CliGroup {
  return "commands" in entry;
}

/** The command's options parsed strictly (unknown options and missing values are refused), or "help". */
function parseCommandLine(program: string, name: string, command: CliCommand, args: string[]) {
  const config: ParseArgsConfig["options"] = { help: { type: "boolean", short: "h" } };
  for (const [option, spec] of Object.entries({ ...command.options, ...COMMON_OPTIONS }))
    config[option] = { type: spec.type };
  let parsed;
  try {
    parsed = parseArgs({ args, options: config, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliInputError(`${name}: ${(error as Error).message.split("\n")[0]} (\`${program} ${name} --help\`)`);
  }
  if (parsed.values.help === true) return "help" as const;
  if (!command.usage && parsed.positionals.length) {
    throw new CliInputError(`${name} takes no arguments (got "${parsed.positionals[0]}")`);
  }
  // No option is `multiple`: every value is one string or flag.
  return { values: parsed.values as CliInput["values"], positionals: parsed.positionals };
}

function print(text: string): number {
  process.stdout.write(text);
  return CLI_EXIT.ok;
}

function topHelp(program: string, gateway: AnyGateway, entries: ReadonlyMap<string, Entry>): string {
  const rows: [string, string][] = [];
  for (const [word, entry] of entries) {
    if (!isGroup(entry)) rows.push([word, entry.summary]);
    else for (const [sub, command] of Object.entries(entry.commands)) rows.push([`${word} ${sub}`, command.summary]);
  }
  return [
    `Usage: ${program} <command> [options]`,
    "",
    `Operates the ${gateway.name} gateway's store: the same environment as the gateway (SWITCHBOARD_DB_PATH or SWITCHBOARD_DATABASE_URL, SWITCHBOARD_SECRET_KEY, …).`,
    "",
    "Commands:",
    ...aligned(rows),
    "",
    "Options:",
    ...aligned([
      ["--json", COMMON_OPTIONS.json!.description],
      ["-h, --help", `this help; \`${program} <command> --help\` for one command's`],
    ]),
    "",
  ].join("\n");
}

function groupHelp(program: string, word: string, group: CliGroup): string {
  return [
    `Usage: ${program} ${word} <command> [options]`,
    "",
    group.summary,
    "",
    "Commands:",
    ...aligned(Object.entries(group.commands).map(([sub, command]) => [`${word} ${sub}`, command.summary])),
    "",
    `\`${program} ${word} <command> --help\` for one command's options.`,
    "",
  ].join("\n");
}

function commandHelp(program: string, name: string, command: CliCommand): string {
  const options = Object.entries({ ...command.options, ...COMMON_OPTIONS }).map(([option, spec]): [string, string] => [
    `--${option}${spec.value ? ` ${spec.value}` : ""}`,
    spec.description,
  ]);
  options.push(["-h, --help", "this help"]);
  return [
    `Usage: ${program} ${name}${command.usage ? ` ${command.usage}` : ""} [options]`,
    "",
    command.summary,
    ...(command.details ? ["", command.details] : []),
    "",
    "Options:",
    ...aligned(options),
    "",
  ].join("\n");
}

function aligned(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}
