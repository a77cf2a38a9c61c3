/**
 * @module postgres/local-postgres — a throwaway PostgreSQL server: `initdb` in a temporary folder,
 * `postgres` on a free loopback port with fsync on (benchmarks measure real commits), as the
 * `postgres` user when we are root (the server refuses to run as root).
 *
 * The server runs under a small shell (the keeper) that reads commands on its stdin: `up PORT`,
 * `down`, and end of input = shut down and remove the folder. The keeper sits in its own process
 * group, so a Ctrl-C in the terminal does not reach it, and our end of its stdin closes however this
 * process ends (a failed test, SIGTERM, kill -9): the folder and the server never outlive us.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { freePort } from "../util/free-port.js";
import { adminQuery } from "./admin-query.js";
import type { PostgresBinaries } from "./postgres-binaries.js";
import { databaseUrl, type PostgresServer } from "./postgres-server.js";

/** Thrown when the server could not be created or started; the message carries its log's tail. */
export class PostgresStartError extends Error {
  override name = "PostgresStartError";
}

interface Owner {
  uid: number;
  gid: number;
}

const KEEPER = `
trap '' PIPE
bin=$1 data=$2 dir=$3 initdb=$4 pid=
down() { if [ -n "$pid" ]; then kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=; fi; }
while read -r command port; do
  case "$command" in
    init) if "$initdb" -D "$data" -U postgres --pwfile "$dir/password" --auth-local=trust \\
            --auth-host=scram-sha-256 --no-locale -E UTF8 -N >"$dir/initdb.log" 2>&1
          then answer=init; else answer=init-failed; fi
          rm -f "$dir/password"
          echo "$answer"; continue ;;
    up) down; "$bin" -D "$data" -p "$port" -k "$dir" -c listen_addresses=127.0.0.1 -c fsync=on \\
          </dev/null >>"$dir/postgres.log" 2>&1 & pid=$! ;;
    down) down ;;
  esac
  echo "$command"
done
down
rm -rf "$dir"
`;

const READY_TIMEOUT_MS = 60_000;
const PORT_ATTEMPTS = 5;

/** Creates and starts a server of our own; see the module comment. */
export async function startLocalPostgres(binaries: PostgresBinaries): Promise<PostgresServer> {
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  const dir = mkdtempSync(join(tmpdir(), "switchboard-pg-"));
  const data = join(dir, "data");
  const password = randomBytes(18).toString("base64url");
  let keeper: Keeper | undefined;
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    // The keeper exists from here on, so the folder goes with us even if we die during initdb.
    keeper = new Keeper(spawnKeeper(binaries, data, dir, owner), dir);
    writePasswordFile(dir, password, owner);
    await keeper.init();
    const port = await keeper.startOnFreePort(password);
    return localServer(keeper, `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, port);
  } catch (error) {
    if (keeper) await keeper.close();
    else rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function localServer(keeper: Keeper, url: string, port: number): PostgresServer {
  let databases = 0;
  let stopped: Promise<void> | undefined;
  return {
    url,
    restartable: true,
    async createDatabase() {
      const name = `test_${++databases}`;
      await adminQuery(url, `CREATE DATABASE "${name}"`);
      return databaseUrl(url, name);
    },
    stopServer: () => keeper.down(),
    startServer: () => keeper.up(port, url),
    stop: () => (stopped ??= keeper.close()),
  };
}

/** The keeper shell and its command/answer lines. */
class Keeper {
  private readonly answers: Array<(line: string) => void> = [];
  private readonly exited: Promise<void>;
  private logOffset = 0;

  constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.once("exit", () => {
      for (const answer of this.answers.splice(0)) answer("");
    });
    createInterface({ input: child.stdout! }).on("line", (line) => this.answers.shift()?.(line));
    this.idle();
  }

  /** Creates the data folder (initdb, as the server's user), with the password file written beforehand. */
  async init(): Promise<void> {
    // -N: initdb's own final sync only; the server runs with fsync on.
    if ((await this.command("init")) !== "init") {
      throw new PostgresStartError(`initdb failed: ${tail(this.read("initdb.log"))}`);
    }
  }

  /** Picks a free port and starts there, trying another port when someone took it first. */
  async startOnFreePort(password: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        await this.up(port, `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
        return port;
      } catch (error) {
        if (!(error instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw error;
        await this.down();
      }
    }
  }

  /** Starts the server on `port` and waits until `url` answers a query. */
  async up(port: number, url: string): Promise<void> {
    this.logOffset = this.log().length;
    await this.command(`up ${port}`);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const log = this.log().slice(this.logOffset);
      if (/could not create any TCP\/IP sockets|Address already in use/.test(log)) throw new PortTakenError();
      try {
        await adminQuery(url, "SELECT 1");
        return;
      } catch (error) {
        if (this.child.exitCode !== null || Date.now() > deadline) {
          throw new PostgresStartError(
            `PostgreSQL did not start on 127.0.0.1:${port} (${(error as Error).message}); its log ends:\n${tail(log)}`,
          );
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Shuts the server down (fast) and waits until it has exited. */
  async down(): Promise<void> {
    await this.command("down");
  }

  /** Ends the keeper's input: it shuts the server down and removes the folder. */
  async close(): Promise<void> {
    this.busy();
    this.child.stdin?.end();
    await this.exited;
  }

  /** Sends one command and answers the keeper's reply: the command's name, or `init-failed`. */
  private async command(line: string): Promise<string> {
    if (this.child.exitCode !== null) throw new PostgresStartError("the PostgreSQL keeper has exited");
    this.busy();
    try {
      const answered = new Promise<string>((resolve) => this.answers.push(resolve));
      this.child.stdin!.write(`${line}\n`);
      const answer = await answered;
      if (answer === "") throw new PostgresStartError(`the PostgreSQL keeper exited before answering ${line}`);
      return answer;
    } finally {
      this.idle();
    }
  }

  private log(): string {
    return this.read("postgres.log");
  }

  private read(file: string): string {
    try {
      return readFileSync(join(this.dir, file), "utf8");
    } catch {
      return "";
    }
  }

  // Unreferenced while idle so a forgotten stop() cannot keep a test process alive (the keeper
  // still cleans up when we exit); referenced while we wait for it, or the wait could be cut short.
  private busy(): void {
    this.child.ref();
    (this.child.stdin as Partial<Socket> | null)?.ref?.();
    (this.child.stdout as Partial<Socket> | null)?.ref?.();
  }

  private idle(): void {
    this.child.unref();
    (this.child.stdin as Partial<Socket> | null)?.unref?.();
    (this.child.stdout as Partial<Socket> | null)?.unref?.();
  }
}

class PortTakenError extends Error {}

function spawnKeeper(binaries: PostgresBinaries, data: string, dir: string, owner: Owner | undefined): ChildProcess {
  return spawn("sh", ["-c", KEEPER, "switchboard-pg-keeper", binaries.postgres, data, dir, binaries.initdb], {
    detached: true,
    stdio: ["pipe", "pipe", "ignore"],
    // The folder is the server user's own: our working directory may be closed to it.
    cwd: dir,
    ...owner,
  });
}

/** The superuser's password for initdb, readable by the server's user only (the keeper removes it). */
function writePasswordFile(dir: string, password: string, owner: Owner | undefined): void {
  const passwordFile = join(dir, "password");
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (owner) chownSync(passwordFile, owner.uid, owner.gid);
}

function postgresUser(): Owner {
  try {
    const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    throw new PostgresStartError(
      "running as root, and PostgreSQL refuses to run as root: the test server runs as the `postgres` user, which this machine lacks (apt-get install postgresql creates it)",
    );
  }
}

function tail(log: string): string {
  return log.trim().split("\n").slice(-15).join("\n");
}
