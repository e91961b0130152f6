import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { MemoryStorage } from "../../src/storages/memory.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { testStorage } from "../../src/testing/storage-suite.js";

testStorage("MemoryStorage", () => {
  const clock = new ManualClock();
  return { storage: new MemoryStorage({ clock }), advance: (ms) => clock.advance(ms) };
});

testStorage("MemoryStorage with maxEntries", () => {
  const clock = new ManualClock();
  return {
    storage: new MemoryStorage({ clock, maxEntries: 100 }),
    advance: (ms) => clock.advance(ms),
  };
});

describe("MemoryStorage", () => {
  it("evicts the least recently used entry beyond maxEntries", async () => {
    const storage = new MemoryStorage({ maxEntries: 2 });
    await storage.set("a", 1);
    await storage.set("b", 2);
    await storage.get("a");
    await storage.set("c", 3);
    expect(await storage.get("b")).toBeUndefined();
    expect(await storage.get("a")).toBe(1);
    expect(await storage.get("c")).toBe(3);
    expect(storage.size).toBe(2);
  });

  it("refuses a maxEntries that is not a positive whole number", () => {
    for (const maxEntries of [0, -1, 1.5]) {
      expect(() => new MemoryStorage({ maxEntries })).toThrow(InvalidArgumentError);
    }
  });

  it("sweeps expired entries as it grows, without a timer", async () => {
    const clock = new ManualClock();
    const storage = new MemoryStorage({ clock });
    for (let i = 0; i < 1000; i++) await storage.set(`old${i}`, i, { ttlMs: 1000 });
    clock.advance(1000);
    for (let i = 0; i < 100; i++) await storage.set(`new${i}`, i);
    expect(storage.size).toBe(100);
    expect(clock.pendingTimers).toBe(0);
  });
});
