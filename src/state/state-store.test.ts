import { beforeEach, describe, expect, it } from "vitest";
import { InvalidArgumentError, NonJsonValueError, VersionConflictError } from "../errors.js";
import type { Storage } from "../storage.js";
import { MemoryStorage } from "../storages/memory.js";
import { ManualClock } from "../testing/manual-clock.js";
import { StateStore } from "./state-store.js";

const KEY = "user:7";
const RAW = `colloquy:state:${KEY}`;

/** `storage` with some of its methods replaced. */
function wrap(storage: Storage, overrides: Partial<Storage>): Storage {
  return {
    get: (key) => storage.get(key),
    getEntry: (key) => storage.getEntry(key),
    set: (key, value, options) => storage.set(key, value, options),
    delete: (key) => storage.delete(key),
    compareAndSet: (key, version, value, options) =>
      storage.compareAndSet(key, version, value, options),
    compareAndDelete: (key, version) => storage.compareAndDelete(key, version),
    touch: (key, options) => storage.touch(key, options),
    close: () => storage.close(),
    ...overrides,
  };
}

let clock: ManualClock;
let storage: MemoryStorage;
let state: StateStore;

beforeEach(() => {
  clock = new ManualClock();
  storage = new MemoryStorage({ clock });
  state = new StateStore(storage);
});

describe("StateStore states", () => {
  it("sets and reads a state with its back step and chat", async () => {
    expect(await state.getState(KEY)).toBeUndefined();
    await state.setState(KEY, "askName", { back: "start", chatId: -100 });
    expect(await state.getState(KEY)).toEqual({
      state: "askName",
      back: { name: "start" },
      chatId: -100,
    });
  });

  it("stores enum-like states by name", async () => {
    enum Step {
      AskName = "askName",
    }
    const node = { name: "checkout", run: () => {} };
    await state.setState(KEY, Step.AskName);
    expect((await state.getState(KEY))?.state).toBe("askName");
    await state.setState(KEY, node);
    expect(await storage.get(RAW)).toEqual({ state: "checkout" });
  });

  it("replaces state, back step and chat together, keeping the data", async () => {
    await state.setState(KEY, "one", { back: "start", chatId: 1 });
    await state.setData(KEY, { name: "Ann" });
    await state.setState(KEY, "two");
    expect(await state.getState(KEY)).toEqual({ state: "two" });
    expect(await state.getData(KEY)).toEqual({ name: "Ann" });
  });

  it("deletes a state, returning it; the entry goes once nothing is left", async () => {
    expect(await state.deleteState(KEY)).toBeUndefined();
    await state.setState(KEY, "one", { chatId: 5 });
    await state.setData(KEY, { a: 1 });
    expect(await state.deleteState(KEY)).toEqual({ state: "one", chatId: 5 });
    expect(await state.getState(KEY)).toBeUndefined();
    expect(await state.deleteData(KEY)).toEqual({ a: 1 });
    expect(await storage.getEntry(RAW)).toBeUndefined();
  });

  it("refuses an empty state name and bad options before writing", async () => {
    await expect(state.setState(KEY, "")).rejects.toThrow(InvalidArgumentError);
    await expect(state.setState(KEY, "s", { ttlMs: 0 })).rejects.toThrow(InvalidArgumentError);
    expect(() => new StateStore(storage, { ttlMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => new StateStore(storage, { idleTtlMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => new StateStore(storage, { maxAttempts: 0 })).toThrow(InvalidArgumentError);
    expect(await storage.getEntry(RAW)).toBeUndefined();
  });
});

describe("StateStore data", () => {
  it("returns a copy of the data", async () => {
    await state.setData(KEY, { list: [1] });
    const data = await state.getData<{ list: number[] }>(KEY);
    data?.list.push(2);
    expect(await state.getData(KEY)).toEqual({ list: [1] });
  });

  it("merges shallowly, removes properties set to undefined, and takes a function", async () => {
    await state.setData(KEY, { name: "Ann", draft: "x", address: { city: "Oslo" } });
    expect(await state.updateData(KEY, { draft: undefined, address: { zip: "0150" } })).toEqual({
      name: "Ann",
      address: { zip: "0150" },
    });
    const result = await state.updateData<{ count?: number }>(KEY, (d) => ({
      count: (d?.count ?? 0) + 1,
    }));
    expect(result).toEqual({ name: "Ann", address: { zip: "0150" }, count: 1 });
  });

  it("refuses non-JSON data with a path inside the data, writing nothing", async () => {
    await state.setData(KEY, { kept: true });
    await expect(state.setData(KEY, { cart: [{ at: new Date() }] })).rejects.toMatchObject({
      path: "$.cart[0].at",
    });
    await expect(state.updateData(KEY, { total: 1n })).rejects.toThrow(NonJsonValueError);
    await expect(state.setData(KEY, [1, 2])).rejects.toThrow(InvalidArgumentError);
    expect(await state.getData(KEY)).toEqual({ kept: true });
  });

  it("loses no update when writers in this process and in others race", async () => {
    let conflicts = 0;
    const counting = wrap(storage, {
      compareAndSet: async (key, version, value, options) => {
        const result = await storage.compareAndSet(key, version, value, options);
        if (!result.ok) conflicts++;
        return result;
      },
    });
    const instances = [1, 2, 3].map(() => new StateStore(counting));
    await state.setState(KEY, "counting");
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        instances[i % 3]?.updateData<{ n?: number }>(KEY, (d) => ({ n: (d?.n ?? 0) + 1 })),
      ),
    );
    await Promise.all([
      instances[1]?.deleteState(KEY),
      instances[2]?.updateData(KEY, { last: true }),
    ]);
    expect(await state.getData(KEY)).toEqual({ n: 30, last: true });
    expect(await state.getState(KEY)).toBeUndefined();
    expect(conflicts).toBeGreaterThan(0);
  });

  it("gives up after maxAttempts conflicts with VersionConflictError", async () => {
    let attempts = 0;
    const contended = wrap(storage, {
      compareAndSet: async () => {
        attempts++;
        return { ok: false, version: 99 };
      },
    });
    const store = new StateStore(contended, { maxAttempts: 3 });
    await expect(store.setData(KEY, { a: 1 })).rejects.toThrow(VersionConflictError);
    expect(attempts).toBe(3);
  });

  it("clears state, data and next step", async () => {
    await state.setState(KEY, "s");
    await state.setData(KEY, { a: 1 });
    await state.setNextStep(KEY, "next");
    await state.clear(KEY);
    expect(await storage.getEntry(RAW)).toBeUndefined();
  });
});

describe("StateStore time to live", () => {
  it("keeps the TTL when data is merged or replaced", async () => {
    await state.setState(KEY, "s", { ttlMs: 10_000 });
    clock.advance(6_000);
    await state.updateData(KEY, { a: 1 });
    await state.setData(KEY, { a: 2 });
    clock.advance(3_000);
    expect(await state.getData(KEY)).toEqual({ a: 2 });
    clock.advance(2_000);
    expect(await state.getState(KEY)).toBeUndefined();
    expect(await state.getData(KEY)).toBeUndefined();
  });

  it("restarts the store's ttlMs on each setState, and lets a call override it", async () => {
    const store = new StateStore(storage, { ttlMs: 10_000 });
    await store.setState(KEY, "one");
    clock.advance(8_000);
    await store.setState(KEY, "two");
    clock.advance(8_000);
    expect((await store.getState(KEY))?.state).toBe("two");
    await store.setState(KEY, "three", { ttlMs: 60_000 });
    clock.advance(30_000);
    expect((await store.getState(KEY))?.state).toBe("three");
    await store.setData("fresh", { a: 1 });
    clock.advance(10_000);
    expect(await store.getData("fresh")).toBeUndefined();
  });

  it("slides an idle TTL on every access, reads included", async () => {
    const store = new StateStore(storage, { idleTtlMs: 10_000 });
    await store.setState(KEY, "s");
    for (let i = 0; i < 3; i++) {
      clock.advance(8_000);
      expect((await store.getState(KEY))?.state).toBe("s");
    }
    clock.advance(10_000);
    expect(await store.getState(KEY)).toBeUndefined();
  });

  it("stores without expiry when no TTL is configured", async () => {
    await state.setState(KEY, "s");
    clock.advance(365 * 24 * 3_600_000);
    expect((await state.getState(KEY))?.state).toBe("s");
  });
});

describe("StateStore keys and stored shape", () => {
  it("namespaces keys with its prefix, so bots sharing a storage never collide", async () => {
    const one = new StateStore(storage, { prefix: "bot1:state:" });
    const two = new StateStore(storage, { prefix: "bot2:state:" });
    await one.setState(KEY, "one");
    await two.setState(KEY, "two");
    expect((await one.getState(KEY))?.state).toBe("one");
    expect(await storage.get(`bot2:state:${KEY}`)).toEqual({ state: "two" });
    expect(await state.getState(KEY)).toBeUndefined();
  });

  it("reads past a malformed entry instead of failing on it for ever", async () => {
    await storage.set(RAW, { state: 5, back: "x", chatId: "y", data: [1], next: 3 });
    expect(await state.getState(KEY)).toBeUndefined();
    expect(await state.getData(KEY)).toBeUndefined();
    expect(await state.takeNextStep(KEY)).toBeUndefined();
    await state.setState(KEY, "ok");
    expect(await storage.get(RAW)).toEqual({ state: "ok" });
    await storage.set(RAW, "not even an object");
    expect(await state.getState(KEY)).toBeUndefined();
  });
});

describe("StateStore next steps", () => {
  it("hands the next step out once, and keeps it across a restart", async () => {
    await state.setNextStep(KEY, { name: "askAge", args: ["Ann"] });
    const restarted = new StateStore(storage);
    expect(await restarted.takeNextStep(KEY)).toEqual({ name: "askAge", args: ["Ann"] });
    expect(await restarted.takeNextStep(KEY)).toBeUndefined();
  });

  it("gives a next step to exactly one of several concurrent takers", async () => {
    await state.setData(KEY, { a: 1 });
    await state.setNextStep(KEY, "step");
    const taken = await Promise.all(Array.from({ length: 5 }, () => state.takeNextStep(KEY)));
    expect(taken.filter((step) => step !== undefined)).toEqual([{ name: "step" }]);
    expect(await state.getData(KEY)).toEqual({ a: 1 });
  });
});
