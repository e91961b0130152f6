import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError, VersionConflictError } from "../../src/errors.js";
import { StorageHistory } from "../../src/histories/storage.js";
import type { CompareAndSetResult, Storage } from "../../src/storage.js";
import { MemoryStorage } from "../../src/storages/memory.js";
import { SqliteStorage } from "../../src/storages/sqlite.js";
import { testHistory } from "../../src/testing/history-suite.js";
import { ManualClock } from "../../src/testing/manual-clock.js";

testHistory("StorageHistory on MemoryStorage", (limits) => {
  const clock = new ManualClock();
  const storage = new MemoryStorage({ clock });
  return {
    history: new StorageHistory(storage, { ...limits, clock }),
    clock,
    advance: (ms) => clock.advance(ms),
    dispose: () => storage.close(),
  };
});

testHistory("StorageHistory on a SQLite file", async (limits) => {
  const clock = new ManualClock();
  const dir = await mkdtemp(join(tmpdir(), "colloquy-history-"));
  const storage = new SqliteStorage({ path: join(dir, "history.db"), clock });
  return {
    history: new StorageHistory(storage, { ...limits, clock }),
    clock,
    advance: (ms) => clock.advance(ms),
    dispose: async () => {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

/** `storage` with its compareAndSet replaced; the other methods are the storage's own. */
function withCompareAndSet(
  storage: Storage,
  compareAndSet: (...args: Parameters<Storage["compareAndSet"]>) => Promise<CompareAndSetResult>,
): Storage {
  return {
    get: (key) => storage.get(key),
    getEntry: (key) => storage.getEntry(key),
    set: (key, value, options) => storage.set(key, value, options),
    delete: (key) => storage.delete(key),
    compareAndSet,
    compareAndDelete: (key, version) => storage.compareAndDelete(key, version),
    touch: (key, options) => storage.touch(key, options),
    close: () => storage.close(),
  };
}

describe("StorageHistory", () => {
  it("keeps each scope under prefix + scope as a JSON array, and deletes it when emptied", async () => {
    const clock = new ManualClock();
    const storage = new MemoryStorage({ clock });
    const history = new StorageHistory(storage, { prefix: "bot1:history:", clock });
    await history.push("chat:1", { step: "a", data: { n: 1 } });
    expect(await storage.get("bot1:history:chat:1")).toEqual([
      { step: "a", data: { n: 1 }, at: clock.now() },
    ]);
    await history.pop("chat:1");
    expect(storage.size).toBe(0);
    await new StorageHistory(storage).push("chat:1", { step: "a" });
    expect(await storage.get("colloquy:history:chat:1")).toHaveLength(1);
  });

  it("loses no push from two instances sharing a storage, retrying on conflicts", async () => {
    const storage = new MemoryStorage();
    let conflicts = 0;
    const counting = withCompareAndSet(storage, async (...args) => {
      const result = await storage.compareAndSet(...args);
      if (!result.ok) conflicts++;
      return result;
    });
    const one = new StorageHistory(counting, { maxAttempts: 50 });
    const two = new StorageHistory(counting, { maxAttempts: 50 });
    const names = Array.from({ length: 10 }, (_, i) => `s${i}`);
    await Promise.all(names.map((step, i) => (i % 2 ? one : two).push("chat:1", { step })));
    expect(conflicts).toBeGreaterThan(0);
    expect((await one.list("chat:1")).map((r) => r.step).sort()).toEqual(names);
  });

  it("fails with VersionConflictError once maxAttempts writes all met a concurrent change", async () => {
    const storage = new MemoryStorage();
    const rival = new StorageHistory(storage);
    const contended = withCompareAndSet(storage, async (...args) => {
      await rival.push("chat:1", { step: "rival" });
      return storage.compareAndSet(...args);
    });
    const history = new StorageHistory(contended, { maxAttempts: 3 });
    const push = history.push("chat:1", { step: "mine" });
    await expect(push).rejects.toBeInstanceOf(VersionConflictError);
    await expect(push).rejects.toMatchObject({ key: "colloquy:history:chat:1" });
    expect((await rival.list("chat:1")).map((r) => r.step)).toEqual(["rival", "rival", "rival"]);
  });

  it("reads a malformed entry as empty and replaces it on the next push", async () => {
    const storage = new MemoryStorage();
    const history = new StorageHistory(storage);
    for (const junk of [{ not: "a stack" }, [{ step: "" }], [{ step: "a", at: "x", data: 1 }]]) {
      await storage.set("colloquy:history:chat:1", junk);
      expect(await history.peek("chat:1")).toBeUndefined();
      expect(await history.back("chat:1")).toBeUndefined();
    }
    await history.push("chat:1", { step: "a" });
    expect((await history.list("chat:1")).map((r) => r.step)).toEqual(["a"]);
  });

  it("applies a lowered maxRecords to stacks stored under a larger one", async () => {
    const storage = new MemoryStorage();
    const before = new StorageHistory(storage, { maxRecords: 5 });
    for (const step of ["a", "b", "c", "d", "e"]) await before.push("chat:1", { step });
    const after = new StorageHistory(storage, { maxRecords: 2 });
    expect((await after.list("chat:1")).map((r) => r.step)).toEqual(["d", "e"]);
    expect((await after.back("chat:1"))?.step).toBe("d");
    expect(await after.back("chat:1")).toBeUndefined();
  });

  it("goes back across a restart on a SQLite file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "colloquy-history-"));
    const path = join(dir, "history.db");
    try {
      const first = new SqliteStorage({ path });
      const history = new StorageHistory(first);
      await history.push("chat:1", { step: "email" });
      await history.push("chat:1", { step: "age", data: { email: "ann@example.com" } });
      await history.push("chat:1", { step: "city", data: { age: 30 } });
      await first.close();
      const second = new SqliteStorage({ path });
      const restarted = new StorageHistory(second);
      expect(await restarted.back("chat:1")).toMatchObject({
        step: "age",
        data: { email: "ann@example.com" },
      });
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses maxRecords, ttlMs and maxAttempts that are not positive", () => {
    const storage = new MemoryStorage();
    const bad = [{ maxRecords: 0 }, { ttlMs: -5 }, { ttlMs: Number.NaN }, { maxAttempts: 0 }];
    for (const options of bad) {
      expect(() => new StorageHistory(storage, options)).toThrow(InvalidArgumentError);
    }
  });
});
