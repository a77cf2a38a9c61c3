/**
 * @module scenarios/accept-floor — the physical floor of one accepted send, measured in the bench's
 * own process in the same run: one RS512 verification with node:crypto on a cached key, and one
 * message's share of a batched insert into the send queue on SQLite. Added to bare Hono's CPU per
 * request, it is what no gateway that verifies every token and stores every message durably can
 * go below.
 */
import { createPublicKey, verify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, SqliteOutboxStore, SqliteOutgoingStore, type QueuedMessage } from "@switchboard/core/internal";

/** CPU microseconds of the floor's two parts, each per request. */
export interface AcceptFloorParts {
  rs512VerifyUs: number;
  batchedInsertUs: number;
  /** Rows per insert transaction (the load's connections: as many requests as can wait at once). */
  batch: number;
}

const VERIFY_ROUNDS = 3;
const INSERT_MESSAGES = 20_000;

/** CPU microseconds (user + system) `run` takes, divided by `count`. */
async function cpuUsPer(count: number, run: () => Promise<void> | void): Promise<number> {
  const before = process.cpuUsage();
  await run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

/** One verification per token of `bodies` (`{"request": <JWT>}`), `VERIFY_ROUNDS` times over. */
async function verifyUs(bodies: readonly string[], publicKeyPem: string): Promise<number> {
  const key = createPublicKey(publicKeyPem);
  const tokens = bodies.map((body) => {
    const token = (JSON.parse(body) as { request: string }).request;
    const dot = token.lastIndexOf(".");
    return { signed: Buffer.from(token.slice(0, dot)), signature: Buffer.from(token.slice(dot + 1), "base64url") };
  });
  // Warm-up: the first calls pay for key setup and JIT.
  for (const t of tokens.slice(0, 100)) verify("sha512", t.signed, key, t.signature);
  return cpuUsPer(tokens.length * VERIFY_ROUNDS, () => {
    for (let round = 0; round < VERIFY_ROUNDS; round++)
      for (const t of tokens) {
        if (!verify("sha512", t.signed, key, t.signature)) throw new Error("a bench token does not verify");
      }
  });
}

function queued(i: number, text: string): QueuedMessage {
  return {
    tenantId: 1,
    message: {
      chat: { id: `chat-${i % 50}`, contact: `${100_000_000 + (i % 50)}`, subject: null },
      message: { id: null, content: { text, format: "text" }, attachments: [] },
    },
  };
}

/** One message's share of `insertAll` in batches of `batch`, into a fresh SQLite queue (WAL, as the gateway runs it). */
async function insertUs(batch: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-floor-"));
  try {
    const db = openDatabase(join(dir, "floor.sqlite"));
    try {
      const clock = { now: () => Date.now() };
      const outbox = new SqliteOutboxStore(db, { clock, maxAgeMs: 86_400_000, wake: () => {} });
      const store = new SqliteOutgoingStore(db, outbox);
      const fill = async (from: number, count: number) => {
        for (let i = from; i < from + count; i += batch)
          await store.insertAll(
            Array.from({ length: Math.min(batch, from + count - i) }, (_, j) =>
              queued(i + j, `Hello from the bench [[f${i + j}]]`),
            ),
            clock.now(),
          );
      };
      await fill(0, 2_000);
      return await cpuUsPer(INSERT_MESSAGES, () => fill(2_000, INSERT_MESSAGES));
    } finally {
      db.$client.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Measures the floor's parts for the tokens the accept load sends. */
export async function measureAcceptFloor(
  bodies: readonly string[],
  publicKeyPem: string,
  batch: number,
): Promise<AcceptFloorParts> {
  return { rs512VerifyUs: await verifyUs(bodies, publicKeyPem), batchedInsertUs: await insertUs(batch), batch };
}
