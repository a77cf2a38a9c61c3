import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client.js";
import { Keyring } from "../secrets/keyring.js";
import { SecretKey } from "../secrets/secret-key.js";
import { TenantStore } from "./tenant-store.js";

let db: Database | undefined;
afterEach(() => {
  db?.$client.close();
  db = undefined;
});

describe("the tenant store's cache", () => {
  it("never keeps what a read found when a write came while the read was under way", async () => {
    db = openDatabase(":memory:");
    const store = new TenantStore(db, new Keyring(new SecretKey(randomBytes(32))));
    const { id } = await store.open("salesrender", "1/a/1");
    await store.saveSettings(id, { main: { greeting: "old" } });
    // A read under way while a save lands, the save coming a few microtasks into the read.
    for (let delay = 0; delay < 20; delay++) {
      store.forget(id);
      const read = store.byId(id);
      for (let i = 0; i < delay; i++) await Promise.resolve();
      const greeting = `v${delay}`;
      await Promise.all([read, store.saveSettings(id, { main: { greeting } })]);
      expect((await store.byId(id))?.settings, `save ${delay} microtasks into the read`).toEqual({
        main: { greeting },
      });
    }
    // Forgetting on another replica's word reads the tenant afresh too.
    db.$client.prepare(`DELETE FROM settings`).run();
    expect((await store.byId(id))?.settings).toEqual({ main: { greeting: "v19" } });
    store.forget(id);
    expect((await store.byId(id))?.settings).toEqual({});
  });
});
