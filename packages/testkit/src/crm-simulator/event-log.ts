/**
 * @module crm-simulator/event-log — every protocol call in both directions, observable.
 */
import { EventEmitter } from "node:events";
import type { CrmEvent } from "./types.js";

/** Keeps events in order and notifies listeners as they happen. */
export class EventLog {
  /** Every event so far, oldest first. */
  readonly events: CrmEvent[] = [];
  private readonly emitter = new EventEmitter();
  private seq = 0;

  /** Appends an event and tells the listeners. */
  record(event: Omit<CrmEvent, "seq" | "at">): CrmEvent {
    const full: CrmEvent = { seq: ++this.seq, at: Date.now(), ...event };
    this.events.push(full);
    this.emitter.emit("event", full);
    return full;
  }

  /** Calls `listener` for every later event; returns a function that unsubscribes it. */
  onEvent(listener: (event: CrmEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }
}
