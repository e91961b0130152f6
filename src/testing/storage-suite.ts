import { InvalidArgumentError, NonJsonValueError } from "../errors.js";
import type { Storage } from "../storage.js";
import { vitest } from "./vitest.js";

/** A fresh storage for one test, and the means to move its time. */
export interface StorageUnderTest {
  readonly storage: Storage;
  /**
   * Moves the storage's time forward by `ms`: `clock.advance(ms)` for a storage on a
   * `ManualClock`; for a server that keeps its own time, shift the remaining TTLs down instead.
   */
  advance(ms: number): void | Promise<void>;
  /** Runs after `storage.close()`, e.g. to remove a temporary directory. */
  dispose?(): void | Promise<void>;
}

/** Options of {@link testStorage}. */
export interface TestStorageOptions {
  /** When set, the suite is skipped and this reason is shown in its name. */
  readonly skip?: string | undefined;
}

class Cart {
  items = [];
}

const cyclic: Record<string, unknown> = { name: "loop" };
cyclic.self = cyclic;

const nonJson: [string, unknown, string][] = [
  ["a Date", { cart: [{ at: new Date(0) }] }, "$.cart[0].at"],
  ["a BigInt", { total: 10n }, "$.total"],
  ["a function", { run() {} }, "$.run"],
  ["a symbol", { tag: Symbol("x") }, "$.tag"],
  ["undefined in an array", { list: [1, undefined] }, "$.list[1]"],
  ["NaN", { score: Number.NaN }, "$.score"],
  ["Infinity", { "odd key": Number.POSITIVE_INFINITY }, '$["odd key"]'],
  ["a Map", { seen: new Map() }, "$.seen"],
  ["a Set", [new Set()], "$[0]"],
  ["a class instance", { cart: new Cart() }, "$.cart"],
  ["a cycle", cyclic, "$.self"],
  ["undefined", undefined, "$"],
];

const jsonValues: [string, unknown][] = [
  ["an object", { name: "Ann", tags: ["a", "b"], nested: { deep: [1, { x: null }] } }],
  ["an empty object", {}],
  ["an empty array", []],
  ["a string with unicode and line breaks", 'ключ ✓ 😀\n\u2028\t"quoted"'],
  ["an empty string", ""],
  ["numbers", [0, -1.5, 1e300, Number.MAX_SAFE_INTEGER]],
  ["false", false],
  ["null", null],
  ["a large value", { text: "x".repeat(200_000) }],
];

const keys = ["a", "A", "a:b", "a b", "ключ", "bot1:chat:-1001234:user:7", "k".repeat(200)];

/**
 * The contract every {@link Storage} passes: JSON checks, copies, versions, compare-and-set,
 * expiry (swept or not), TTL options and concurrency. Call it at the top level of a vitest file,
 * with a factory giving a fresh, empty storage for each test.
 *
 * @example
 * ```ts
 * testStorage("MemoryStorage", () => {
 *   const clock = new ManualClock();
 *   return { storage: new MemoryStorage({ clock }), advance: (ms) => clock.advance(ms) };
 * });
 * ```
 */
export function testStorage(
  name: string,
  factory: () => StorageUnderTest | Promise<StorageUnderTest>,
  options: TestStorageOptions = {},
): void {
  const { afterEach, beforeEach, describe, expect, it } = vitest("testStorage");
  const title = options.skip === undefined ? name : `${name} (skipped: ${options.skip})`;
  describe.skipIf(options.skip !== undefined)(`Storage contract: ${title}`, () => {
    let subject: StorageUnderTest;
    let storage: Storage;

    beforeEach(async () => {
      subject = await factory();
      storage = subject.storage;
    });

    afterEach(async () => {
      await storage.close();
      await subject.dispose?.();
    });

    it("reads nothing from an absent key", async () => {
      expect(await storage.get("missing")).toBeUndefined();
      expect(await storage.getEntry("missing")).toBeUndefined();
    });

    it.each(jsonValues)("stores and returns %s", async (_, value) => {
      const version = await storage.set("k", value);
      expect(await storage.get("k")).toEqual(value);
      expect(await storage.getEntry("k")).toEqual({ value, version });
    });

    it("keeps keys apart", async () => {
      for (const [i, key] of keys.entries()) await storage.set(key, i);
      for (const [i, key] of keys.entries()) expect(await storage.get(key)).toBe(i);
    });

    it("returns copies, and keeps none of the caller's objects", async () => {
      const value = { list: [1], inner: { n: 1 } };
      await storage.set("k", value);
      value.list.push(2);
      value.inner.n = 2;
      const read = (await storage.get<{ list: number[] }>("k")) ?? { list: [] };
      read.list.push(3);
      expect(await storage.get("k")).toEqual({ list: [1], inner: { n: 1 } });
    });

    it("overwrites with set and removes with delete", async () => {
      await storage.set("k", 1);
      await storage.set("k", 2);
      expect(await storage.get("k")).toBe(2);
      await storage.delete("k");
      expect(await storage.getEntry("k")).toBeUndefined();
      await storage.delete("k");
      await storage.delete("never-set");
    });

    it("removes several keys with deleteMany, where the backend has it", async () => {
      if (storage.deleteMany === undefined) return;
      await storage.set("a", 1);
      await storage.set("b", 2);
      await storage.set("keep", 3);
      await storage.deleteMany(["a", "b", "never-set"]);
      expect(await storage.getEntry("a")).toBeUndefined();
      expect(await storage.getEntry("b")).toBeUndefined();
      expect(await storage.get("keep")).toBe(3);
      await storage.deleteMany([]);
      expect(await storage.get("keep")).toBe(3);
    });

    it("gives every write a greater version", async () => {
      const first = await storage.set("k", 1);
      const second = await storage.set("k", 2);
      const third = await storage.compareAndSet("k", second, 3);
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(first);
      expect(third).toEqual({ ok: true, version: expect.any(Number) });
      expect(third.version).toBeGreaterThan(second);
      expect((await storage.getEntry("k"))?.version).toBe(third.version);
    });

    it("never hands a version out again after a delete or an expiry", async () => {
      const old = [await storage.set("k", 1), await storage.set("k", 2), await storage.set("k", 3)];
      await storage.delete("k");
      const recreated = await storage.set("k", 1);
      expect(recreated).toBeGreaterThan(Math.max(...old));
      await storage.set("k", 2, { ttlMs: 1000 });
      const beforeExpiry = await storage.set("k", 3, { keepTtl: true });
      await subject.advance(2000);
      const result = await storage.compareAndSet("k", 0, 4);
      expect(result.ok && result.version > beforeExpiry).toBe(true);
    });

    it.each(nonJson)("refuses %s before writing, naming the path", async (_, value, path) => {
      const version = await storage.set("k", { kept: true });
      for (const write of [
        () => storage.set("k", value),
        () => storage.compareAndSet("k", version, value),
      ]) {
        await expect(write()).rejects.toThrow(NonJsonValueError);
        await expect(write()).rejects.toMatchObject({ path });
      }
      expect(await storage.getEntry("k")).toEqual({ value: { kept: true }, version });
    });

    it("refuses a ttlMs that is not a positive finite number, writing nothing", async () => {
      for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(storage.set("k", 1, { ttlMs })).rejects.toThrow(InvalidArgumentError);
        await expect(storage.compareAndSet("k", 0, 1, { ttlMs })).rejects.toThrow(
          InvalidArgumentError,
        );
        await expect(storage.touch("k", { ttlMs })).rejects.toThrow(InvalidArgumentError);
      }
      await expect(storage.set("k", 1, { ttlMs: 5, keepTtl: true })).rejects.toThrow(
        InvalidArgumentError,
      );
      expect(await storage.getEntry("k")).toBeUndefined();
    });

    it("never returns an expired entry, swept or not", async () => {
      await storage.set("k", "v", { ttlMs: 10_000 });
      await subject.advance(9_000);
      expect(await storage.get("k")).toBe("v");
      await subject.advance(2_000);
      expect(await storage.get("k")).toBeUndefined();
      expect(await storage.getEntry("k")).toBeUndefined();
      expect(await storage.compareAndDelete("k", 0)).toBe(true);
      expect((await storage.compareAndSet("k", 0, "new")).ok).toBe(true);
    });

    it("stores without expiry when ttlMs is left out, dropping an earlier TTL", async () => {
      await storage.set("k", 1, { ttlMs: 10_000 });
      await storage.set("k", 2);
      const entry = await storage.getEntry("k");
      await storage.set("third", 1, { ttlMs: 10_000 });
      await storage.compareAndSet("third", (await storage.getEntry("third"))?.version ?? 0, 2);
      await subject.advance(20_000);
      expect(await storage.getEntry("k")).toEqual(entry);
      expect(await storage.get("third")).toBe(2);
    });

    it("keeps the TTL with keepTtl", async () => {
      const version = await storage.set("k", 1, { ttlMs: 10_000 });
      await subject.advance(6_000);
      expect(await storage.compareAndSet("k", version, 2, { keepTtl: true })).toMatchObject({
        ok: true,
      });
      await storage.set("k", 3, { keepTtl: true });
      await storage.set("plain", 1);
      await storage.set("plain", 2, { keepTtl: true });
      await storage.set("fresh", 1, { keepTtl: true });
      await subject.advance(3_000);
      expect(await storage.get("k")).toBe(3);
      await subject.advance(2_000);
      expect(await storage.get("k")).toBeUndefined();
      await subject.advance(100_000);
      expect(await storage.get("plain")).toBe(2);
      expect(await storage.get("fresh")).toBe(1);
    });

    it("compareAndSet with version 0 creates only an absent key", async () => {
      const created = await storage.compareAndSet("k", 0, "first");
      expect(created.ok).toBe(true);
      expect(await storage.compareAndSet("k", 0, "second")).toEqual({
        ok: false,
        version: created.version,
      });
      expect(await storage.get("k")).toBe("first");
    });

    it("compareAndSet writes only over the expected version", async () => {
      const v1 = await storage.set("k", 1);
      const v2 = await storage.set("k", 2);
      expect(await storage.compareAndSet("k", v1, "stale")).toEqual({ ok: false, version: v2 });
      expect(await storage.compareAndSet("absent", v1, "x")).toEqual({ ok: false, version: 0 });
      expect(await storage.get("absent")).toBeUndefined();
      const result = await storage.compareAndSet("k", v2, 3, { ttlMs: 10_000 });
      expect(result.ok).toBe(true);
      expect(await storage.get("k")).toBe(3);
      await subject.advance(11_000);
      expect(await storage.get("k")).toBeUndefined();
    });

    it("compareAndDelete removes only the expected version", async () => {
      const v1 = await storage.set("k", 1);
      const v2 = await storage.set("k", 2);
      expect(await storage.compareAndDelete("k", v1)).toBe(false);
      expect(await storage.get("k")).toBe(2);
      expect(await storage.compareAndDelete("k", v2)).toBe(true);
      expect(await storage.getEntry("k")).toBeUndefined();
      expect(await storage.compareAndDelete("k", 0)).toBe(true);
      expect(await storage.compareAndDelete("k", v2)).toBe(false);
    });

    it("touch restarts the TTL, keeping value and version", async () => {
      const version = await storage.set("k", "v", { ttlMs: 10_000 });
      await subject.advance(8_000);
      expect(await storage.touch("k", { ttlMs: 10_000 })).toBe(true);
      expect(await storage.getEntry("k")).toEqual({ value: "v", version });
      await subject.advance(8_000);
      expect(await storage.get("k")).toBe("v");
      await subject.advance(3_000);
      expect(await storage.touch("k", { ttlMs: 10_000 })).toBe(false);
      expect(await storage.get("k")).toBeUndefined();
      expect(await storage.touch("never-set", { ttlMs: 10_000 })).toBe(false);
      await storage.set("forever", 1);
      expect(await storage.touch("forever", { ttlMs: 1_000 })).toBe(true);
      await subject.advance(2_000);
      expect(await storage.get("forever")).toBeUndefined();
    });

    it("lets exactly one of several concurrent compareAndSets win", async () => {
      const version = await storage.set("k", 0);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => storage.compareAndSet("k", version, i + 1)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const winner = results.findIndex((r) => r.ok);
      expect(await storage.getEntry("k")).toEqual({
        value: winner + 1,
        version: results[winner]?.version,
      });
    });

    it("loses no increment when concurrent writers retry on conflict", async () => {
      const increment = async (): Promise<void> => {
        for (;;) {
          const entry = await storage.getEntry<number>("count");
          const result = await storage.compareAndSet(
            "count",
            entry?.version ?? 0,
            (entry?.value ?? 0) + 1,
          );
          if (result.ok) return;
        }
      };
      await Promise.all(Array.from({ length: 20 }, increment));
      expect(await storage.get("count")).toBe(20);
    });
  });
}
