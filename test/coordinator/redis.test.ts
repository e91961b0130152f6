import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.js";
import { RedisCoordinator } from "../../src/coordinators/redis.js";
import { LeaseLostError } from "../../src/errors.js";
import { commandsDuring } from "../support/redis-commands.js";
import { useRedisServer } from "../support/redis-server.js";
import { coordinatorContract, track } from "./contract.js";

const redis = useRedisServer();

describe.skipIf(redis.skip !== undefined)("RedisCoordinator", () => {
  const client = () => redis.client();
  const open = (options: { leaseMs?: number; waitMs?: number } = {}) =>
    new RedisCoordinator({ client: client(), maxRetryMs: 10, ...options });

  coordinatorContract("RedisCoordinator", async () => {
    await redis.server().flush();
    return {
      clock: systemClock,
      make: (options) => new RedisCoordinator({ client: client(), maxRetryMs: 10, ...options }),
    };
  });

  it("takes two round trips per update on a free scope", async () => {
    const coordinator = open();
    // The first run of each script may add one: Redis learns its text (NOSCRIPT, then EVAL).
    await (await coordinator.claim("warm", "warm"))?.finish("handled");
    const names = await commandsDuring([client()], async () => {
      for (let i = 0; i < 10; i++) {
        await (await coordinator.claim(`u${i}`, `chat:${i}`))?.finish("handled");
      }
    });
    expect(names).toEqual(Array(20).fill("evalsha"));
  });

  it("shares the round trips of claims made together: two commands for a hundred updates", async () => {
    await redis.server().flush();
    const coordinator = open();
    await (await coordinator.claim("warm", "warm"))?.finish("handled");
    let claimed = 0;
    const names = await commandsDuring([client()], async () => {
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const claim = await coordinator.claim(`u${i}`, `chat:${i}`, { order: i });
          if (claim !== undefined) claimed++;
          await claim?.finish("handled");
        }),
      );
    });
    expect(claimed).toBe(100);
    expect(names).toEqual(["evalsha", "evalsha"]);
    // Each one was marked handled: claimed again, all are skipped.
    const again = await Promise.all(
      Array.from({ length: 100 }, (_, i) => coordinator.claim(`u${i}`, `chat:${i}`)),
    );
    expect(again.every((claim) => claim === undefined)).toBe(true);
  });

  it("within one batch, gives a scope to one claim and queues the other", async () => {
    await redis.server().flush();
    const coordinator = open();
    const events: string[] = [];
    await Promise.all(
      [2, 1].map(async (order) => {
        const claim = await coordinator.claim(`u${order}`, "chat", { order });
        events.push(`start ${order}`);
        await Promise.resolve();
        events.push(`end ${order}`);
        await claim?.finish("handled");
      }),
    );
    expect(events).toEqual(["start 2", "end 2", "start 1", "end 1"]);
  });

  it("takes two round trips per update with an order, late or not", async () => {
    await redis.server().flush();
    const coordinator = open();
    await (await coordinator.claim("warm", "warm", { order: 1 }))?.finish("handled");
    const lateness: boolean[] = [];
    const names = await commandsDuring([client()], async () => {
      for (let i = 0; i < 10; i++) {
        for (const order of [100 + i, i]) {
          const claim = await coordinator.claim(`u${order}`, `chat:${i}`, { order });
          lateness.push(claim?.late ?? false);
          await claim?.finish("handled");
        }
      }
    });
    expect(names).toEqual(Array(40).fill("evalsha"));
    expect(lateness).toEqual(Array(10).fill([false, true]).flat());
  });

  it("keeps only the marker and the last handled order after an update, under the prefix, for markerTtlMs", async () => {
    await redis.server().flush();
    const coordinator = new RedisCoordinator({
      client: client(),
      prefix: "t:",
      markerTtlMs: 60_000,
    });
    const claim = await coordinator.claim("bot:1/update:7", "bot:1/chat:5", { order: 7 });
    await claim?.finish("handled");
    const marker = "t:{bot:1/chat:5}:done:bot:1/update:7";
    const last = "t:{bot:1/chat:5}:last";
    expect((await client().keys("*")).sort()).toEqual([last, marker].sort());
    expect(await client().get(last)).toBe("7");
    for (const key of [marker, last]) expect(await client().pttl(key)).toBeGreaterThan(59_000);
    // A late update, handled, leaves the mark where it was.
    await (await coordinator.claim("bot:1/update:6", "bot:1/chat:5", { order: 6 }))?.finish(
      "handled",
    );
    expect(await client().get(last)).toBe("7");
  });

  it("takes over a claim whose holder stopped, once its lease expires", async () => {
    const stopping = redis.server().client();
    const holder = await new RedisCoordinator({ client: stopping, leaseMs: 200 }).claim("u1", "s");
    stopping.disconnect(); // the instance stops: no extension, no finish
    const startedAt = Date.now();
    const takeover = await open({ leaseMs: 200 }).claim("u1", "s");
    expect(takeover).toBeDefined();
    expect(Date.now() - startedAt).toBeLessThan(600);
    await expect.poll(() => holder?.signal.aborted).toBe(true);
    expect(holder?.signal.reason).toBeInstanceOf(LeaseLostError);
    await takeover?.finish("handled");
  });

  it("fences a holder that lost its lease: it neither extends nor frees another holder's lease", async () => {
    await redis.server().flush();
    const holder = await open({ leaseMs: 150 }).claim("u1", "s");
    // Its lease expired unseen and another instance took the scope.
    await client().set("colloquy:coord:{s}:lease", "another");
    await expect.poll(() => holder?.signal.aborted).toBe(true);
    expect(holder?.signal.reason).toBeInstanceOf(LeaseLostError);
    await holder?.finish("handled");
    expect(await client().get("colloquy:coord:{s}:lease")).toBe("another");
    expect(await client().exists("colloquy:coord:{s}:done:u1")).toBe(1);
  });

  it("drops a waiter that stopped polling from the queue, so it blocks no one", async () => {
    await redis.server().flush();
    const coordinator = open();
    const holder = await coordinator.claim("u1", "s");
    // A waiter whose instance stopped: queued first, and no longer alive.
    await client().zadd("colloquy:coord:{s}:queue", 1, "gone");
    await client().zadd("colloquy:coord:{s}:alive", 1, "gone");
    const next = track(coordinator.claim("u2", "s"));
    await holder?.finish("handled");
    await expect.poll(() => next.settled).toBe(true);
    expect(await client().zcard("colloquy:coord:{s}:queue")).toBe(0);
    await next.value?.finish("handled");
  });

  it("reloads its scripts after Redis forgot them", async () => {
    const coordinator = open();
    await (await coordinator.claim("before", "s"))?.finish("handled");
    await client().script("FLUSH");
    await (await coordinator.claim("after", "s"))?.finish("handled");
    expect(await coordinator.claim("after", "s")).toBeUndefined();
  });
});
