/**
 * The Coordinator contract, run against each backend: on a ManualClock it runs instantly, on a
 * real clock (Redis) in bounded real time.
 */

import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../src/clock.js";
import type { Claim, Coordinator } from "../../src/coordinator.js";
import { LockTimeoutError } from "../../src/errors.js";
import { ManualClock } from "../../src/testing/manual-clock.js";

export interface CoordinatorOptionsUnderTest {
  readonly leaseMs?: number;
  readonly waitMs?: number;
  readonly markerTtlMs?: number;
}

export interface CoordinatorHarness {
  readonly clock: Clock;
  make(options?: CoordinatorOptionsUnderTest): Coordinator | Promise<Coordinator>;
  close?(): Promise<void>;
}

/** One macrotask turn: lets pending promise chains settle. */
export const turn = (): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Lets `ms` pass: sleeps on a real clock; advances a ManualClock in steps of 10 ms with macrotask
 * turns between them, so that promise chains run between timers as they would in real time.
 */
export async function elapse(clock: Clock, ms: number): Promise<void> {
  if (!(clock instanceof ManualClock)) {
    await new Promise<void>((resolve) => clock.setTimer(ms, resolve));
    return;
  }
  for (let left = ms; left > 0; left -= 10) {
    await turn();
    clock.advance(Math.min(10, left));
  }
  await turn();
}

/** A promise's state without waiting for it. */
export function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

function defined(claim: Claim | undefined): Claim {
  if (claim === undefined) throw new Error("expected a claim, got undefined (handled already)");
  return claim;
}

export function coordinatorContract(name: string, setup: () => Promise<CoordinatorHarness>) {
  describe(`${name} (Coordinator contract)`, () => {
    let harness: CoordinatorHarness;
    const open = async (options: CoordinatorOptionsUnderTest = {}) => {
      harness = await setup();
      return harness.make({ leaseMs: 300, waitMs: 2_000, ...options });
    };
    const pass = (ms: number) => elapse(harness.clock, ms);
    afterEach(() => harness?.close?.());

    it("skips an update handled before, and claims a released one again", async () => {
      const coordinator = await open();
      const claim = defined(await coordinator.claim("u1", "s"));
      expect([claim.identity, claim.scope]).toEqual(["u1", "s"]);
      await claim.finish("handled");
      expect(await coordinator.claim("u1", "s")).toBeUndefined();
      await defined(await coordinator.claim("u2", "s")).finish("released");
      await defined(await coordinator.claim("u2", "s")).finish("handled");
    });

    it("serves a busy scope in arrival order, and lets other scopes through", async () => {
      const coordinator = await open();
      const first = defined(await coordinator.claim("u1", "s"));
      const second = track(coordinator.claim("u2", "s"));
      await pass(20);
      const third = track(coordinator.claim("u3", "s"));
      await defined(await coordinator.claim("u4", "other")).finish("handled");
      await pass(50);
      expect([second.settled, third.settled]).toEqual([false, false]);
      await first.finish("handled");
      await expect.poll(() => second.settled).toBe(true);
      await pass(50);
      expect(third.settled).toBe(false);
      await defined(second.value).finish("handled");
      await expect.poll(() => third.settled).toBe(true);
      await defined(third.value).finish("handled");
    });

    it("serves waiting claims lowest order first, then those without one by arrival", async () => {
      const coordinator = await open();
      const served: string[] = [];
      const first = defined(await coordinator.claim("u1", "s", { order: 1 }));
      const wait = (identity: string, order?: number) => {
        const claiming = coordinator.claim(identity, "s", order === undefined ? {} : { order });
        return claiming.then(async (claim) => {
          served.push(identity);
          await pass(5);
          await defined(claim).finish("handled");
        });
      };
      const waits = [wait("late"), wait("u4", 4)];
      await pass(20);
      waits.push(wait("u3", 3), wait("later"));
      await pass(20);
      await first.finish("handled");
      await Promise.all(waits);
      expect(served).toEqual(["u3", "u4", "late", "later"]);
    });

    it("skips a duplicate once its holder handled it, and hands over one it released", async () => {
      const coordinator = await open();
      const holder = defined(await coordinator.claim("u1", "s"));
      const duplicate = track(coordinator.claim("u1", "s"));
      await pass(20);
      await holder.finish("handled");
      await expect.poll(() => duplicate.settled).toBe(true);
      expect(duplicate).toEqual({ settled: true, value: undefined });

      const declining = defined(await coordinator.claim("u2", "s"));
      const retry = track(coordinator.claim("u2", "s"));
      await pass(20);
      await declining.finish("released");
      await expect.poll(() => retry.settled).toBe(true);
      await defined(retry.value).finish("handled");
    });

    it("extends the lease while a claim is held, beyond leaseMs", async () => {
      const coordinator = await open({ leaseMs: 150 });
      const holder = defined(await coordinator.claim("u1", "s"));
      const waiter = track(coordinator.claim("u2", "s"));
      await pass(500);
      expect(waiter.settled).toBe(false);
      expect(holder.signal.aborted).toBe(false);
      await holder.finish("handled");
      await expect.poll(() => waiter.settled).toBe(true);
      await defined(waiter.value).finish("handled");
      expect(holder.signal.aborted).toBe(false);
    });

    it("gives up a wait after waitMs with LockTimeoutError, and leaves no trace of it", async () => {
      const coordinator = await open({ leaseMs: 1_000, waitMs: 100 });
      const holder = defined(await coordinator.claim("u1", "s"));
      const waiter = track(coordinator.claim("u2", "s"));
      await pass(150);
      await expect.poll(() => waiter.settled).toBe(true);
      expect(waiter.error).toBeInstanceOf(LockTimeoutError);
      await holder.finish("handled");
      const next = track(coordinator.claim("u3", "s"));
      await expect.poll(() => next.settled).toBe(true);
      await defined(next.value).finish("handled");
    });

    it("forgets a handled marker after markerTtlMs", async () => {
      const coordinator = await open({ markerTtlMs: 100 });
      await defined(await coordinator.claim("u1", "s")).finish("handled");
      expect(await coordinator.claim("u1", "s")).toBeUndefined();
      await pass(150);
      await defined(await coordinator.claim("u1", "s")).finish("handled");
    });

    it("flags a claim below its scope's last handled order late, and handles it all the same", async () => {
      const coordinator = await open();
      const claimAt = async (identity: string, order?: number, scope = "s") =>
        defined(await coordinator.claim(identity, scope, order === undefined ? {} : { order }));
      const five = await claimAt("u5", 5);
      expect(five.late).toBe(false);
      await five.finish("handled");
      const three = await claimAt("u3", 3);
      expect(three.late).toBe(true);
      await three.finish("handled");
      // A late update, once handled, is skipped like any other; it does not lower the mark.
      expect(await coordinator.claim("u3", "s", { order: 3 })).toBeUndefined();
      expect(await coordinator.claim("u5", "s", { order: 5 })).toBeUndefined();
      const six = await claimAt("u6", 6);
      expect(six.late).toBe(false);
      await six.finish("handled");
      const four = await claimAt("u4", 4);
      expect(four.late).toBe(true);
      await four.finish("released");
      // Released: handled again on a retry, still late.
      const retried = await claimAt("u4", 4);
      expect(retried.late).toBe(true);
      await retried.finish("handled");
      // Unordered claims are never late; other scopes have their own mark.
      const unordered = await claimAt("x");
      expect(unordered.late).toBe(false);
      await unordered.finish("handled");
      const elsewhere = await claimAt("o1", 1, "other");
      expect(elsewhere.late).toBe(false);
      await elsewhere.finish("handled");
      // A released claim does not move the mark.
      await (await claimAt("u9", 9)).finish("released");
      const seven = await claimAt("u7", 7);
      expect(seven.late).toBe(false);
      await seven.finish("handled");
    });

    it("flags late a claim that waited while a later update of its scope was handled", async () => {
      const coordinator = await open();
      const holder = defined(await coordinator.claim("u10", "s", { order: 10 }));
      const waiter = track(coordinator.claim("u8", "s", { order: 8 }));
      const duplicate = track(coordinator.claim("u10", "s", { order: 10 }));
      await pass(20);
      await holder.finish("handled");
      await expect.poll(() => waiter.settled).toBe(true);
      const late = defined(waiter.value);
      expect(late.late).toBe(true);
      await late.finish("handled");
      await expect.poll(() => duplicate.settled).toBe(true);
      expect(duplicate.value).toBeUndefined();
      expect(await coordinator.claim("u8", "s", { order: 8 })).toBeUndefined();
    });

    it("forgets a scope's last handled order after markerTtlMs", async () => {
      const coordinator = await open({ markerTtlMs: 100 });
      await defined(await coordinator.claim("u5", "s", { order: 5 })).finish("handled");
      await pass(150);
      const three = defined(await coordinator.claim("u3", "s", { order: 3 }));
      expect(three.late).toBe(false);
      await three.finish("handled");
    });

    it("settles later finishes as the first: a handled update stays handled", async () => {
      const coordinator = await open();
      const claim = defined(await coordinator.claim("u1", "s"));
      await claim.finish("handled");
      await claim.finish("released");
      expect(await coordinator.claim("u1", "s")).toBeUndefined();
      expect(claim.signal.aborted).toBe(false);
    });
  });
}
