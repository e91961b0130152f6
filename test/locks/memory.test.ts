import { describe, expect, it } from "vitest";
import { type Lease, withLock } from "../../src/lock.js";
import { MemoryLock } from "../../src/locks/memory.js";
import { testLock } from "../../src/testing/lock-suite.js";
import { ManualClock } from "../../src/testing/manual-clock.js";

testLock("MemoryLock", () => {
  const clock = new ManualClock();
  return { lock: new MemoryLock({ clock }), clock };
});

function setup() {
  const clock = new ManualClock();
  const lock = new MemoryLock({ clock });
  const idle = () => ({ keys: lock.size, timers: clock.pendingTimers });
  return { clock, lock, idle };
}

describe("MemoryLock", () => {
  it("serves waiters in arrival order, never a newcomer first", async () => {
    const { lock } = setup();
    const order: string[] = [];
    const first = (await lock.acquire("k", { leaseMs: 100 })) as Lease;
    const waiters = ["a", "b", "c"].map((name) =>
      lock.acquire("k", { leaseMs: 100, waitMs: 1_000 }).then((lease) => {
        order.push(name);
        return lease as Lease;
      }),
    );
    await first.release();
    expect(await lock.acquire("k", { leaseMs: 100 })).toBeUndefined();
    for (const waiter of waiters) await (await waiter).release();
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("hands an expired key to the longest waiter", async () => {
    const { clock, lock } = setup();
    const crashed = (await lock.acquire("k", { leaseMs: 100 })) as Lease;
    const waiting = lock.acquire("k", { leaseMs: 100, waitMs: 500 });
    clock.advance(100);
    expect(crashed.signal.aborted).toBe(true);
    expect(await waiting).toBeDefined();
  });

  it("leaves no timer and no entry behind after release, expiry, timeout and abort", async () => {
    const { clock, lock, idle } = setup();
    await ((await lock.acquire("released", { leaseMs: 100 })) as Lease).release();
    await lock.acquire("expired", { leaseMs: 100 });
    const holder = (await lock.acquire("busy", { leaseMs: 1_000 })) as Lease;
    const timedOut = lock.acquire("busy", { leaseMs: 100, waitMs: 50 });
    const controller = new AbortController();
    const aborted = lock.acquire("busy", { leaseMs: 100, waitMs: 500, signal: controller.signal });
    expect(idle()).toEqual({ keys: 2, timers: 4 });
    controller.abort();
    await expect(aborted).rejects.toThrow();
    clock.advance(100);
    expect(await timedOut).toBeUndefined();
    await holder.release();
    expect(idle()).toEqual({ keys: 0, timers: 0 });
  });

  it("withLock leaves nothing behind", async () => {
    const { clock, lock, idle } = setup();
    const running = withLock(lock, "k", () => clock.advance(1_000), { leaseMs: 90, clock });
    await running;
    expect(idle()).toEqual({ keys: 0, timers: 0 });
  });
});
