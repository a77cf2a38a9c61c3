import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { waitFor } from "@switchboard/testkit";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import pg from "pg";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { AcquiredLease, ReleaseReason } from "./leases.js";
import { PgLeases } from "./pg-leases.js";
import { PgNotifier } from "./pg-notifier.js";
import { addTenants, createLeaseTables } from "./test/lease-database.js";

const db = await postgresTestDatabase({ ownServer: true });
const logger = pino({ level: process.env.LEASES_LOG ?? "silent" });
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

function poolOf(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 3, connectionTimeoutMillis: 2000 });
  pool.on("error", () => undefined);
  return pool;
}

/** A database with the leases' tables and `count` tenants. */
async function database(count: number) {
  const url = await db!.server.createDatabase();
  await createLeaseTables(url);
  const admin = poolOf(url);
  cleanups.push(() => admin.end());
  const tenants = await addTenants(admin, count);
  /** Who the database says holds each tenant's lease now (null: nobody). */
  const owners = async () => {
    const { rows } = await admin.query<{ shard: number; owner: string | null; lease_until: string | null }>(
      `SELECT shard, CASE WHEN lease_until > (extract(epoch FROM now()) * 1000)::bigint THEN owner END AS owner, lease_until
       FROM shards ORDER BY shard`,
    );
    return new Map(rows.map((r) => [r.shard, { owner: r.owner, leaseUntil: Number(r.lease_until) }]));
  };
  return { url, admin, tenants, owners };
}

/** One replica: its own pool and LISTEN connection, recording what its callbacks were told and when. */
async function replica(
  url: string,
  name: string,
  options: {
    leaseMs: number;
    /** What the release callback waits for (work in flight); default nothing. */
    hold?: (tenantId: number, reason: ReleaseReason) => Promise<void> | void;
  },
) {
  const pool = poolOf(url);
  const notifier = new PgNotifier({ connection: { connectionString: url }, logger, pollMs: 60_000 });
  const leases = new PgLeases({ pool, leaseMs: options.leaseMs, logger, notifier, replicaId: name });
  const acquired: Array<{ tenantId: number; lease: AcquiredLease; at: number; ownedDuringCallback: boolean }> = [];
  const released: Array<{ tenantId: number; reason: ReleaseReason; at: number }> = [];
  leases.onAcquire((tenantId, lease) => {
    acquired.push({ tenantId, lease, at: performance.now(), ownedDuringCallback: leases.owns(tenantId) });
  });
  leases.onRelease((tenantId, reason) => {
    released.push({ tenantId, reason, at: performance.now() });
    return options.hold?.(tenantId, reason);
  });
  await notifier.start();
  await leases.start();
  let dead = false;
  cleanups.push(async () => {
    await leases.stop();
    await notifier.stop();
    if (!dead) await pool.end();
  });
  return {
    name,
    leases,
    acquired,
    released,
    /** Dies as a killed process does: nothing renewed, nothing given back, no connection left. */
    async kill() {
      dead = true;
      await notifier.stop();
      await pool.end();
    },
  };
}

type Replica = Awaited<ReturnType<typeof replica>>;

/** Each tenant's owners among `replicas` by their own `owns`. */
function ownersOf(replicas: Replica[], tenants: number[]): string[][] {
  return tenants.map((t) => replicas.filter((r) => r.leases.owns(t)).map((r) => r.name));
}

/** True when every tenant has exactly one owner among `replicas`, each owning `counts[i]` tenants. */
function settled(replicas: Replica[], tenants: number[], counts?: number[]): boolean {
  if (!ownersOf(replicas, tenants).every((o) => o.length === 1)) return false;
  return !counts || replicas.every((r, i) => r.leases.ownedTenants().length === counts[i]);
}

/** A promise and the function that resolves it (work in flight that a test lets finish). */
function gate() {
  let open!: () => void;
  const closed = new Promise<void>((resolve) => (open = resolve));
  return { closed, open };
}

describe.skipIf(!db)("PgLeases on PostgreSQL", () => {
  it("shares by tenants: two tenants on three replicas have two different owners", async () => {
    const { url, tenants, owners } = await database(2);
    const replicas = [
      await replica(url, "a", { leaseMs: 3000 }),
      await replica(url, "b", { leaseMs: 3000 }),
      await replica(url, "c", { leaseMs: 3000 }),
    ];
    await waitFor(
      () => settled(replicas, tenants) && new Set(ownersOf(replicas, tenants).map((o) => o[0])).size === 2,
      { message: () => `two owners, got ${JSON.stringify(ownersOf(replicas, tenants))}` },
    );
    // The database agrees with the replicas.
    const held = await owners();
    for (const [i, t] of tenants.entries()) expect(held.get(t)?.owner).toBe(ownersOf(replicas, tenants)[i]![0]);
  });

  it("moves a killed replica's tenants to the others within the lease, after it fenced itself", async () => {
    const leaseMs = 3000;
    const { url, tenants } = await database(6);
    const [a, b, c] = [
      await replica(url, "a", { leaseMs }),
      await replica(url, "b", { leaseMs }),
      await replica(url, "c", { leaseMs }),
    ];
    await waitFor(() => settled([a!, b!, c!], tenants, [2, 2, 2]));
    const victims = c!.leases.ownedTenants();

    const killedAt = performance.now();
    await c!.kill();
    await waitFor(() => settled([a!, b!], tenants, [3, 3]), { timeoutMs: 20_000 });
    const tookOver = performance.now() - killedAt;
    console.warn(`takeover of a killed replica's tenants: ${Math.round(tookOver)} ms (lease ${leaseMs} ms)`);
    // Its last renewal was before the kill: its leases ran out within leaseMs of it (plus a round's statements).
    expect(tookOver).toBeLessThan(leaseMs + 1500);

    for (const tenantId of victims) {
      expect(c!.leases.owns(tenantId)).toBe(false);
      const fenced = c!.released.find((r) => r.tenantId === tenantId);
      expect(fenced?.reason).toBe("fenced");
      const taken = [...a!.acquired, ...b!.acquired].filter((x) => x.tenantId === tenantId && x.at > killedAt);
      expect(taken).toHaveLength(1);
      expect(taken[0]!.lease).toMatchObject({ previous: "expired", previousOwner: "c" });
      // The killed replica stopped trusting its lease before anyone else could take it.
      expect(fenced!.at).toBeLessThan(taken[0]!.at);
    }
  });

  it("moves the tenants of a replica process killed with SIGKILL to the others within the lease", async () => {
    const leaseMs = 3000;
    const { url, tenants, owners } = await database(6);
    const a = await replica(url, "a", { leaseMs });
    const b = await replica(url, "b", { leaseMs });
    const holder = fileURLToPath(new URL("./test/hold-leases.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", holder, url, "c", String(leaseMs)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    cleanups.push(async () => void child.kill("SIGKILL"));
    let childOwns: number[] = [];
    createInterface({ input: child.stdout! }).on("line", (line) => (childOwns = JSON.parse(line) as number[]));
    await waitFor(
      () =>
        childOwns.length === 2 &&
        settled(
          [a, b],
          tenants.filter((t) => !childOwns.includes(t)),
          [2, 2],
        ),
      {
        timeoutMs: 30_000,
      },
    );
    const victims = childOwns;
    expect([...(await owners()).entries()].filter(([, o]) => o.owner === "c").map(([t]) => t)).toEqual(victims);

    const killedAt = performance.now();
    child.kill("SIGKILL");
    await waitFor(() => settled([a, b], tenants, [3, 3]), { timeoutMs: 20_000 });
    const tookOver = performance.now() - killedAt;
    console.warn(`takeover of a SIGKILLed replica process's tenants: ${Math.round(tookOver)} ms (lease ${leaseMs} ms)`);
    expect(tookOver).toBeLessThan(leaseMs + 1500);
    const taken = [...a.acquired, ...b.acquired].filter((e) => e.at > killedAt);
    expect(taken.map((e) => e.tenantId).sort()).toEqual([...victims].sort());
    for (const e of taken) expect(e.lease).toMatchObject({ previous: "expired", previousOwner: "c" });
  }, 60_000);

  it("gives a tenant back over its fair share only once its work in flight finished, renewing meanwhile", async () => {
    const { url, tenants, owners } = await database(2);
    const work = gate();
    const a = await replica(url, "a", { leaseMs: 3000, hold: () => work.closed });
    await waitFor(() => a.leases.ownedTenants().length === 2);

    const b = await replica(url, "b", { leaseMs: 3000 });
    const release = await waitFor(() => a.released[0]);
    expect(release.reason).toBe("rebalance");
    const x = release.tenantId;
    expect(a.leases.owns(x)).toBe(false);
    const atDrain = (await owners()).get(x)!;
    // Still a's (renewed while its work runs), and b does not take it.
    await waitFor(async () => (await owners()).get(x)!.leaseUntil > atDrain.leaseUntil);
    expect((await owners()).get(x)!.owner).toBe("a");
    expect(b.leases.owns(x)).toBe(false);
    expect(b.acquired).toEqual([]);

    work.open();
    await waitFor(() => b.leases.owns(x));
    expect(b.acquired.map((e) => [e.tenantId, e.lease.previous])).toEqual([[x, "released"]]);
    expect(settled([a, b], tenants, [1, 1])).toBe(true);
  });

  it("stop() gives every tenant back at once after the work in flight, and the others take them at once", async () => {
    // A lease far longer than the test: the tenants can only move because they were given back.
    const leaseMs = 120_000;
    const { url, admin, tenants, owners } = await database(4);
    const work = gate();
    const a = await replica(url, "a", { leaseMs, hold: (_t, reason) => (reason === "stop" ? work.closed : undefined) });
    const b = await replica(url, "b", { leaseMs });
    await waitFor(() => settled([a, b], tenants, [2, 2]));
    const given = a.leases.ownedTenants();

    let stopped = false;
    const stopping = a.leases.stop().then(() => (stopped = true));
    await waitFor(() => a.released.filter((r) => r.reason === "stop").length === 2);
    expect(given.some((t) => a.leases.owns(t))).toBe(false);
    expect(stopped).toBe(false);
    const held = await owners();
    for (const t of given) expect(held.get(t)!.owner).toBe("a");

    work.open();
    await stopping;
    await waitFor(() => b.leases.ownedTenants().length === 4);
    const taken = b.acquired.filter((e) => given.includes(e.tenantId));
    expect(taken.map((e) => e.lease.previous)).toEqual(["released", "released"]);
    // Owned only once the acquire callbacks ran (the send queue puts leased rows back first).
    expect(b.acquired.every((e) => !e.ownedDuringCallback)).toBe(true);
    // It left the replicas too, so it no longer counts in anyone's fair share.
    expect((await admin.query("SELECT id FROM replicas ORDER BY id")).rows).toEqual([{ id: "b" }]);
  });

  it("renews every lease it holds in one statement, however many tenants it owns", async () => {
    const { url, tenants } = await database(50);
    const pool = poolOf(url);
    cleanups.push(() => pool.end());
    const statements: string[] = [];
    const counting = {
      query: ((text: string, values: unknown[]) => {
        statements.push(text);
        return pool.query(text, values);
      }) as pg.Pool["query"],
    };
    const leases = new PgLeases({ pool: counting, leaseMs: 1500, logger, replicaId: "solo" });
    cleanups.push(() => leases.stop());
    await leases.start();
    await waitFor(() => leases.ownedTenants().length === tenants.length);
    const from = statements.length;
    // Three more rounds of a replica that holds everything: renewals only, one statement each.
    const renewals = () => statements.slice(from).filter((t) => t.includes("UPDATE shards"));
    await waitFor(() => renewals().length >= 3);
    expect(renewals().every((t) => t.includes("INSERT INTO replicas"))).toBe(true);
    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM shards WHERE owner = 'solo' AND lease_until > (extract(epoch FROM now()) * 1000)::bigint",
    );
    expect(rows[0]!.n).toBe(50);
  });

  it("takes tenants registered after it started, and gives back one whose acquire callback failed until it works", async () => {
    const { url, admin } = await database(0);
    const a = await replica(url, "a", { leaseMs: 3000 });
    let failures = 1;
    a.leases.onAcquire(() => {
      if (failures-- > 0) throw new Error("the queue could not put the leased rows back");
    });
    const [late] = await addTenants(admin, 1);
    await waitFor(() => a.leases.owns(late!));
    // Given back after the failure (the release tells the other subscribers), then acquired again.
    expect(a.acquired.map((e) => e.tenantId)).toEqual([late, late]);
    expect(a.released).toMatchObject([{ tenantId: late, reason: "fenced" }]);
    expect(a.acquired[1]!.lease.previous).toBe("released");
  });

  it("never lets two replicas own a tenant at once while replicas join, leave and die", async () => {
    const leaseMs = 1500;
    const { url, tenants } = await database(5);
    const all: Replica[] = [];
    const doubles: string[] = [];
    // Every replica lives in this process: one look at all of them is one instant.
    const watch = setInterval(() => {
      for (const [i, o] of ownersOf(all, tenants).entries()) if (o.length > 1) doubles.push(`${tenants[i]}: ${o}`);
    }, 2);
    try {
      const start = async (name: string) => {
        const r = await replica(url, name, { leaseMs });
        all.push(r);
        return r;
      };
      const [a, b, c] = [await start("a"), await start("b"), await start("c")];
      await waitFor(() => settled([a, b, c], tenants));
      await b.leases.stop();
      await waitFor(() => settled([a, c], tenants, [3, 2]) || settled([a, c], tenants, [2, 3]));
      const d = await start("d");
      await waitFor(() => settled([a, c, d], tenants) && d.leases.ownedTenants().length >= 1);
      await c.kill();
      await waitFor(() => settled([a, d], tenants), { timeoutMs: 20_000 });
      const e = await start("e");
      await a.kill();
      await waitFor(() => settled([d, e], tenants, [3, 2]) || settled([d, e], tenants, [2, 3]), { timeoutMs: 20_000 });
    } finally {
      clearInterval(watch);
    }
    expect(doubles).toEqual([]);
  });

  it.skipIf(!db?.server.restartable)(
    "fences every tenant while PostgreSQL is down and shares them again once it is back",
    async () => {
      const leaseMs = 2000;
      const { url, tenants } = await database(4);
      const a = await replica(url, "a", { leaseMs });
      const b = await replica(url, "b", { leaseMs });
      await waitFor(() => settled([a, b], tenants, [2, 2]));

      await db!.server.stopServer();
      try {
        // `owns` turns false by the clock as the lease nears its end, a moment before the renewal
        // timer fences the shard: wait for the fences themselves, not only for nothing owned.
        const fenced = () => [...a.released, ...b.released].filter((r) => r.reason === "fenced").map((r) => r.tenantId);
        await waitFor(
          () =>
            a.leases.ownedTenants().length === 0 &&
            b.leases.ownedTenants().length === 0 &&
            fenced().length >= tenants.length,
          { message: () => `fenced so far: ${JSON.stringify(fenced())}` },
        );
        expect(fenced().sort()).toEqual([...tenants].sort());
      } finally {
        await db!.server.startServer();
      }
      await waitFor(() => settled([a, b], tenants, [2, 2]), { timeoutMs: 30_000 });
    },
    60_000,
  );
});
