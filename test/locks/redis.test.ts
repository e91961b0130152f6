import { performance } from "node:perf_hooks";
import fc from "fast-check";
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.js";
import { LeaseLostError } from "../../src/errors.js";
import type { Lease } from "../../src/lock.js";
import { RedisLock } from "../../src/locks/redis.js";
import { testLock } from "../../src/testing/lock-suite.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { commandsDuring } from "../support/redis-commands.js";
import { useRedisServer } from "../support/redis-server.js";
import { type Plan, plans } from "./plans.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When one holder surely held the key: from its grant's reply to its release or lease's end. */
interface Interval {
  readonly from: number;
  readonly to: number;
}

/**
 * A RedisLock whose commands are timed as they are sent: Redis grants a lease no earlier than its
 * command was sent, so `sentAt + leaseMs` is a time by which Redis surely still held it.
 */
function timedLock(client: Redis) {
  let sentAt = 0;
  const timed = {
    set: (...args: Parameters<Redis["set"]>) => {
      sentAt = performance.now();
      return client.set(...args);
    },
    evalsha: (...args: Parameters<Redis["evalsha"]>) => {
      sentAt = performance.now();
      return client.evalsha(...args);
    },
    eval: (...args: Parameters<Redis["eval"]>) => {
      sentAt = performance.now();
      return client.eval(...args);
    },
  };
  return { lock: new RedisLock({ client: timed as Redis }), sentAt: () => sentAt };
}

const redis = useRedisServer();

describe.skipIf(redis.skip !== undefined)("RedisLock", () => {
  const client = () => redis.client();

  testLock("RedisLock", async () => {
    await redis.server().flush();
    return { lock: new RedisLock({ client: client() }), clock: systemClock };
  });

  it("takes one round trip per acquire, extend and release", async () => {
    const lock = new RedisLock({ client: client() });
    // The first run of each script may add one: Redis learns its text (NOSCRIPT, then EVAL).
    const warm = (await lock.acquire("warm", { leaseMs: 1_000 })) as Lease;
    await warm.extend(1_000);
    await warm.release();
    let lease: Lease | undefined;
    expect(
      await commandsDuring([client()], async () => {
        lease = await lock.acquire("trips", { leaseMs: 1_000 });
      }),
    ).toEqual(["set"]);
    const held = lease as Lease;
    expect(await commandsDuring([client()], () => held.extend(1_000))).toEqual(["evalsha"]);
    expect(await commandsDuring([client()], () => held.release())).toEqual(["evalsha"]);
  });

  it("keeps keys under its prefix and no timer once released", async () => {
    const clock = new ManualClock();
    const lock = new RedisLock({ client: client(), prefix: "test:locks:", clock });
    const lease = (await lock.acquire("chat:1", { leaseMs: 10_000 })) as Lease;
    expect(await client().pttl("test:locks:chat:1")).toBeGreaterThan(9_000);
    expect(clock.pendingTimers).toBe(1);
    expect(await lease.release()).toBe(true);
    expect(await client().exists("test:locks:chat:1")).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("aborts the signal when an extend finds the key taken over, and leaves the new owner's key", async () => {
    const lock = new RedisLock({ client: client() });
    const lease = (await lock.acquire("taken", { leaseMs: 10_000 })) as Lease;
    await client().set("colloquy:lock:taken", "someone else");
    expect(await lease.extend(10_000)).toBe(false);
    expect(lease.signal.reason).toBeInstanceOf(LeaseLostError);
    expect(await lease.release()).toBe(false);
    expect(await client().get("colloquy:lock:taken")).toBe("someone else");
  });

  it("gives back a key whose SET succeeded after the caller aborted", async () => {
    const lock = new RedisLock({ client: client() });
    const controller = new AbortController();
    const acquiring = lock.acquire("late", { leaseMs: 10_000, signal: controller.signal });
    controller.abort(new Error("gone"));
    await expect(acquiring).rejects.toThrow("gone");
    expect(await client().exists("colloquy:lock:late")).toBe(0);
  });

  it("retries a busy key with backoff and takes it once it expires", async () => {
    const lock = new RedisLock({ client: client(), maxRetryMs: 20 });
    await lock.acquire("busy", { leaseMs: 60 });
    const names = await commandsDuring([client()], async () => {
      expect(await lock.acquire("busy", { leaseMs: 1_000, waitMs: 1_000 })).toBeDefined();
    });
    expect(names.length).toBeGreaterThan(2);
    expect(names.length).toBeLessThan(20);
  });

  it("never lets two holders overlap under random delays and expiries, and bounds every wait", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(plans(20, ["release", "crash", "extend"]), async (holders) => {
        const key = `property:${run++}`;
        const intervals: Interval[] = [];
        const hold = async ({ startMs, leaseMs, waitMs, workMs, ending }: Plan) => {
          const { lock, sentAt } = timedLock(client());
          await sleep(startMs);
          const askedAt = performance.now();
          const lease = await lock.acquire(key, { leaseMs, waitMs });
          const from = performance.now();
          if (lease === undefined) {
            expect(from - askedAt).toBeGreaterThanOrEqual(waitMs - 1);
            expect(from - askedAt).toBeLessThan(waitMs + 250);
            return;
          }
          let validUntil = sentAt() + leaseMs;
          await sleep(workMs / 2);
          if (ending === "extend" && (await lease.extend(leaseMs))) validUntil = sentAt() + leaseMs;
          await sleep(workMs / 2);
          const releasedAt = performance.now();
          intervals.push({ from, to: Math.min(releasedAt, validUntil) });
          if (ending !== "crash") await lease.release();
        };
        await Promise.all(holders.map(hold));
        const sorted = intervals.filter((i) => i.from < i.to).sort((a, b) => a.from - b.from);
        for (const [index, interval] of sorted.entries()) {
          const next = sorted[index + 1];
          if (next !== undefined) expect(interval.to).toBeLessThanOrEqual(next.from);
        }
      }),
      { numRuns: 100 },
    );
  });
});
