import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LockTimeoutError } from "../../src/errors.js";
import { withLock } from "../../src/lock.js";
import { MemoryLock } from "../../src/locks/memory.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { type Plan, plans } from "./plans.js";

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("MemoryLock under random delays and expiries", () => {
  it("never lets two holders overlap, bounds every wait, and leaves nothing behind", async () => {
    await fc.assert(
      fc.asyncProperty(plans(60, ["release", "crash", "extend", "withLock"]), async (holders) => {
        const clock = new ManualClock();
        const lock = new MemoryLock({ clock });
        const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimer(ms, resolve));
        const inside = new Set<number>();
        const enter = (id: number, signal: AbortSignal) => {
          expect([...inside]).toEqual([]);
          inside.add(id);
          signal.addEventListener("abort", () => inside.delete(id));
        };

        const run = async ({ startMs, leaseMs, waitMs, workMs, ending }: Plan, id: number) => {
          await sleep(startMs);
          const askedAt = clock.now();
          const options = { leaseMs, waitMs, clock };
          if (ending === "withLock") {
            const outcome = await withLock(
              lock,
              "k",
              async (signal) => {
                enter(id, signal);
                await sleep(workMs);
                expect(signal.aborted).toBe(false);
                inside.delete(id);
              },
              options,
            ).catch((error: unknown) => error);
            if (outcome instanceof LockTimeoutError) expect(clock.now() - askedAt).toBe(waitMs);
            else expect(outcome).toBeUndefined();
            return;
          }
          const lease = await lock.acquire("k", options);
          if (lease === undefined) {
            expect(clock.now() - askedAt).toBe(waitMs);
            return;
          }
          enter(id, lease.signal);
          const half = Math.floor(workMs / 2);
          await sleep(half);
          if (ending === "extend") {
            expect(await lease.extend(leaseMs)).toBe(!lease.signal.aborted);
          }
          await sleep(workMs - half);
          if (ending === "crash") return;
          const held = !lease.signal.aborted;
          inside.delete(id);
          expect(await lease.release()).toBe(held);
        };

        let finished = false;
        const all = Promise.all(holders.map(run));
        const stop = () => {
          finished = true;
        };
        all.then(stop, stop);
        for (let step = 0; !finished && step < 10_000; step++) {
          clock.advance(1);
          await turn();
        }
        await all;
        clock.advance(1_000);
        expect({ keys: lock.size, timers: clock.pendingTimers }).toEqual({ keys: 0, timers: 0 });
      }),
      { numRuns: 200 },
    );
  });
});
