/**
 * @module web/live-hub — live updates for every open page over Server-Sent Events: the server
 * publishes small named events ("inbox", "protocol", "telegram", …) and pages refetch what changed.
 */
import { EventEmitter } from "node:events";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";

/** One published event. */
export interface LiveEvent {
  event: string;
  data: unknown;
}

/** Fans events out to every connected page. */
export class LiveHub {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open page.
    this.emitter.setMaxListeners(0);
  }

  /** Sends an event to every subscriber. */
  publish(event: string, data: unknown): void {
    this.emitter.emit("event", { event, data } satisfies LiveEvent);
  }

  /** Calls `listener` for each later event; returns an unsubscribe function. */
  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }
}

/** `GET` handler streaming the hub's events until the page goes away. */
export function liveStream(hub: LiveHub) {
  return (c: Context) =>
    streamSSE(c, async (stream) => {
      const unsubscribe = hub.subscribe((e) => {
        void stream.writeSSE({ event: e.event, data: JSON.stringify(e.data) });
      });
      // Proxies and browsers drop silent connections; a comment every 15 s keeps it open.
      const heartbeat = setInterval(() => void stream.write(": keep-alive\n\n"), 15_000);
      await stream.writeSSE({ event: "ready", data: "{}" });
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      clearInterval(heartbeat);
      unsubscribe();
    });
}
