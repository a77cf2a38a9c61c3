/**
 * @module messages/send-parts — the durable `ctx.parts` of a send: which parts of a multi-part
 * message the channel already took, kept across retries and crashes until the message finishes.
 */
import { InvalidInputError } from "../errors.js";
import type { SendParts } from "../gateway/types.js";
import type { OutgoingStore } from "./outgoing-store.js";

/**
 * The parts of one send, read from the store on first use. On the message's first attempt there
 * is nothing to read: every way a message goes back to the queue after its send started counts
 * that attempt (a retry, an expired lease, a takeover), so `attempt` 1 means no part was recorded.
 */
export function openSendParts(
  store: Pick<OutgoingStore, "readParts" | "recordPart">,
  tenantId: number,
  outgoingId: number,
  attempt: number,
): SendParts {
  let known: Promise<Map<number, string>> | undefined = attempt <= 1 ? Promise.resolve(new Map()) : undefined;
  const parts = () =>
    (known ??= store.readParts(outgoingId).catch((error: unknown) => {
      known = undefined;
      throw error;
    }));
  // Records go one at a time, in the order they were asked for: each knows the id it replaces.
  let recording: Promise<void> = Promise.resolve();
  return {
    get: async (index) => (await parts()).get(index),
    all: async () => new Map(await parts()),
    record(index, channelMessageId) {
      if (!Number.isSafeInteger(index) || index < 0) {
        return Promise.reject(
          new InvalidInputError(`A part index must be a whole number from 0, not ${String(index)}`),
        );
      }
      if (typeof channelMessageId !== "string" || channelMessageId.length === 0) {
        return Promise.reject(new InvalidInputError(`Part ${index} needs the channel's message id`));
      }
      const next = recording.then(async () => {
        const map = await parts();
        const previous = map.get(index);
        if (previous === channelMessageId) return;
        await store.recordPart(tenantId, outgoingId, index, channelMessageId, previous);
        map.set(index, channelMessageId);
      });
      recording = next.catch(() => undefined);
      return next;
    },
  };
}
