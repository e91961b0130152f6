import type { Clock } from "../clock.js";
import { InvalidArgumentError, LeaseLostError, LockTimeoutError } from "../errors.js";
import { type Lease, type Lock, withLock } from "../lock.js";
import { ManualClock } from "./manual-clock.js";
import { vitest } from "./vitest.js";

/** What {@link testLock} needs for one test. */
export interface LockHarness {
  /** The lock under test, holding no keys. */
  readonly lock: Lock;
  /**
   * The clock the lock runs on. A {@link ManualClock} is advanced, so the suite runs instantly;
   * with any other clock the suite waits in real time.
   */
  readonly clock: Clock;
  /** Called after each test. */
  close?(): void | Promise<void>;
}

/** Options of {@link testLock}. */
export interface LockSuiteOptions {
  /**
   * The time unit the suite's leases and waits are multiples of, in milliseconds (leases last 2 to
   * 40 units). Raise it for a slow backend on a real clock. Default: 25.
   */
  readonly unitMs?: number;
}

/**
 * Registers a vitest suite that checks a {@link Lock} backend against the contract: mutual
 * exclusion, bounded waits, owner-checked release, expiry, extension, the lease's signal,
 * `withLock` and cancellation. `factory` runs before each test.
 *
 * @example
 * ```ts
 * import { ManualClock, testLock } from "colloquy/testing";
 *
 * testLock("MemoryLock", () => {
 *   const clock = new ManualClock();
 *   return { lock: new MemoryLock({ clock }), clock };
 * });
 * ```
 */
export function testLock(
  name: string,
  factory: () => LockHarness | Promise<LockHarness>,
  options: LockSuiteOptions = {},
): void {
  const { afterEach, beforeEach, describe, expect, it } = vitest("testLock");
  const unit = options.unitMs ?? 25;
  describe(`${name} (Lock contract)`, () => {
    let harness: LockHarness;
    let lock: Lock;
    let clock: Clock;
    const key = "contract:key";
    const elapse = (units: number) => passTime(clock, units * unit);
    const acquire = (leaseUnits: number, waitUnits = 0) =>
      lock.acquire(key, { leaseMs: leaseUnits * unit, waitMs: waitUnits * unit });
    const held = async (units = 40) => defined(await acquire(units));

    beforeEach(async () => {
      harness = await factory();
      ({ lock, clock } = harness);
    });
    afterEach(async () => {
      await harness.close?.();
    });

    it("gives a key to one holder at a time, and other keys to others", async () => {
      const first = await held();
      expect(await acquire(40)).toBeUndefined();
      const other = defined(await lock.acquire("contract:other", { leaseMs: 40 * unit }));
      expect(other.key).toBe("contract:other");
      expect(await first.release()).toBe(true);
      expect(await other.release()).toBe(true);
    });

    it("ends a wait for a busy key with undefined once waitMs has passed", async () => {
      const holder = await held();
      const startedAt = clock.now();
      const waiting = acquire(40, 2);
      await elapse(3);
      expect(await waiting).toBeUndefined();
      expect(clock.now() - startedAt).toBeGreaterThanOrEqual(2 * unit);
      await holder.release();
    });

    it("hands the key to a waiter when the holder releases it", async () => {
      const holder = await held();
      const waiting = acquire(40, 40);
      expect(await holder.release()).toBe(true);
      expect(await release(await waiting)).toBe(true);
    });

    it("releases only the owner's lease, once", async () => {
      const first = await held();
      expect(await first.release()).toBe(true);
      const second = await held();
      expect(await first.release()).toBe(false);
      expect(await acquire(40)).toBeUndefined();
      expect(await second.release()).toBe(true);
    });

    it("reports releasing or extending a lost lease as a no-op, leaving the new holder alone", async () => {
      const lost = await held(2);
      await elapse(3);
      const next = await held();
      expect(await lost.release()).toBe(false);
      expect(await lost.extend(40 * unit)).toBe(false);
      expect(await acquire(40)).toBeUndefined();
      expect(await next.release()).toBe(true);
    });

    it("frees the key when a lease expires without a release", async () => {
      await held(2);
      await elapse(3);
      expect(await release(await acquire(40))).toBe(true);
    });

    it("keeps the key past its first lease when extended", async () => {
      const holder = await held(8);
      await elapse(4);
      expect(await holder.extend(8 * unit)).toBe(true);
      await elapse(6);
      expect(holder.signal.aborted).toBe(false);
      expect(await acquire(40)).toBeUndefined();
      expect(await holder.release()).toBe(true);
    });

    it("aborts the lease's signal with LeaseLostError when the lease is lost", async () => {
      const holder = await held(2);
      expect(holder.signal.aborted).toBe(false);
      await elapse(3);
      expect(holder.signal.aborted).toBe(true);
      expect(holder.signal.reason).toBeInstanceOf(LeaseLostError);
      expect((holder.signal.reason as LeaseLostError).key).toBe(key);
    });

    it("does not abort the signal on a release by the holder", async () => {
      const holder = await held(2);
      await holder.release();
      await elapse(3);
      expect(holder.signal.aborted).toBe(false);
    });

    it("withLock extends the lease while fn runs, returns its value and releases", async () => {
      let finish = () => {};
      const gate = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const running = withLock(
        lock,
        key,
        async (signal) => {
          await gate;
          return signal.aborted ? "lost" : "kept";
        },
        { leaseMs: 8 * unit, clock },
      );
      await elapse(12);
      expect(await acquire(40)).toBeUndefined();
      finish();
      expect(await running).toBe("kept");
      expect(await release(await acquire(40))).toBe(true);
    });

    it("withLock releases when fn throws", async () => {
      const boom = new Error("boom");
      const failing = withLock(
        lock,
        key,
        () => {
          throw boom;
        },
        { leaseMs: 40 * unit, clock },
      );
      await expect(failing).rejects.toBe(boom);
      expect(await release(await acquire(40))).toBe(true);
    });

    it("withLock rejects with LockTimeoutError when the key stays busy for waitMs", async () => {
      const holder = await held();
      let ran = false;
      const blocked = withLock(
        lock,
        key,
        () => {
          ran = true;
        },
        { leaseMs: 40 * unit, waitMs: unit, clock },
      );
      const settled = expect(blocked).rejects.toBeInstanceOf(LockTimeoutError);
      await elapse(2);
      await settled;
      expect(ran).toBe(false);
      await holder.release();
    });

    it("stops waiting when the signal aborts, taking nothing", async () => {
      const holder = await held();
      const controller = new AbortController();
      const reason = new Error("stop");
      const waiting = lock.acquire(key, {
        leaseMs: 40 * unit,
        waitMs: 40 * unit,
        signal: controller.signal,
      });
      controller.abort(reason);
      await expect(waiting).rejects.toBe(reason);
      await holder.release();
      expect(await release(await acquire(40))).toBe(true);
      await expect(lock.acquire(key, { leaseMs: unit, signal: controller.signal })).rejects.toBe(
        reason,
      );
    });

    it("refuses a non-positive leaseMs, a negative waitMs and a non-positive extend", async () => {
      await expect(lock.acquire(key, { leaseMs: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(lock.acquire(key, { leaseMs: unit, waitMs: -1 })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      const holder = await held();
      await expect(holder.extend(0)).rejects.toBeInstanceOf(InvalidArgumentError);
      await holder.release();
    });
  });
}

function defined(lease: Lease | undefined): Lease {
  vitest("testLock").expect(lease).toBeDefined();
  return lease as Lease;
}

function release(lease: Lease | undefined): Promise<boolean> {
  return defined(lease).release();
}

async function passTime(clock: Clock, ms: number): Promise<void> {
  if (!(clock instanceof ManualClock)) {
    await new Promise<void>((resolve) => clock.setTimer(ms, resolve));
    return;
  }
  // Macrotask turns around the jump, so that pending promise chains set their timers before time
  // moves, and the chains those timers start have settled after.
  await settle();
  clock.advance(ms);
  await settle();
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
