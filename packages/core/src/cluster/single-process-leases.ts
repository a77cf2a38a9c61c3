/**
 * @module cluster/single-process-leases — the {@link Leases} of a process alone on its database
 * (SQLite, where a second process is refused at start): it owns every tenant, always, so nothing
 * is ever acquired or released.
 */
import type { AcquireCallback, Leases, OwnedCallback, ReleaseCallback } from "./leases.js";

/** Owns every tenant for as long as the process runs. */
export class SingleProcessLeases implements Leases {
  readonly replicaId = "single-process";

  owns(_tenantId: number): boolean {
    return true;
  }

  onAcquire(_callback: AcquireCallback): () => void {
    return () => undefined;
  }

  onOwned(_callback: OwnedCallback): () => void {
    return () => undefined;
  }

  ownedTenants(): null {
    return null;
  }

  onRelease(_callback: ReleaseCallback): () => void {
    return () => undefined;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
