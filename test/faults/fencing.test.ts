/**
 * Leases held across a Redis outage are not trusted after it (issue 19, §1): a holder whose lease
 * ran out while Redis was away stops — its Bot API calls are refused — and the update is handled
 * again, once, by the instance that takes it over.
 */
import { coordinate } from "colloquy/grammy";
import { RedisCoordinator, RedisLock } from "colloquy/redis";
import { ManualClock, UpdateFactory } from "colloquy/testing";
import { Bot, BotError, type Context } from "grammy";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalBotApi } from "../../src/adapters/local-api.js";
import { LeaseLostError } from "../../src/errors.js";
import { deferred } from "../delegation/harness.js";
import { redisSkipReason, useRedisServer } from "../support/redis-server.js";
import { type RestartableRedis, startRestartableRedis } from "../support/restartable-redis.js";

const LEASE_MS = 1_000;

/** A client whose refused reconnections while Redis is down are expected, not printed. */
const quiet = (client: Redis): Redis => client.on("error", () => {});

/** One instance: a bot on the shared Redis whose /start says "one", waits for `gate`, says "two". */
function instance(url: string, clock: ManualClock | undefined, gate: Promise<void>) {
  const api = new LocalBotApi();
  const bot = new Bot("123:fence", { botInfo: api.botInfo });
  bot.api.config.use(api.transformer);
  const client = quiet(new Redis(url));
  const coordinator = new RedisCoordinator({
    client,
    leaseMs: LEASE_MS,
    ...(clock === undefined ? {} : { clock }),
  });
  bot.use(coordinate(coordinator));
  const started = deferred<Context>();
  bot.command("start", async (ctx) => {
    await ctx.reply("one");
    started.resolve(ctx);
    await gate;
    await ctx.reply("two");
  });
  const texts = () =>
    api.calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text));
  return { bot, client, started: started.promise, texts };
}

describe.skipIf(redisSkipReason() !== undefined)("fencing across a Redis outage", () => {
  let redis: RestartableRedis;
  const clients: Redis[] = [];
  beforeAll(async () => {
    redis = await startRestartableRedis();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await redis?.stop();
  });

  it("a claim that ran out while Redis was down sends nothing more; the redelivery handles it once", async () => {
    const clock = new ManualClock();
    const gate = deferred<void>();
    const a = instance(redis.url, clock, gate.promise);
    const b = instance(redis.url, undefined, Promise.resolve());
    clients.push(a.client, b.client);
    const update = new UpdateFactory({}, 700).command("/start");

    const first = a.bot.handleUpdate(update).catch((error: unknown) => error);
    const ctx = (await a.started) as Context & { coordination: { signal: AbortSignal } };
    await redis.kill();
    // The lease's time passes with no extension reaching Redis: the holder learns it is lost.
    clock.advance(LEASE_MS);
    expect(ctx.coordination.signal.aborted).toBe(true);
    await redis.start();
    gate.resolve();
    const failed = await first;
    expect(failed).toBeInstanceOf(BotError);
    expect((failed as BotError).error).toBeInstanceOf(LeaseLostError);
    expect(a.texts()).toEqual(["one"]);

    // Telegram delivers the failed update again, here to the other instance.
    await b.bot.handleUpdate(update);
    expect(b.texts()).toEqual(["one", "two"]);
    // And once more: now it is handled, so it is skipped.
    await b.bot.handleUpdate(update);
    expect(b.texts()).toEqual(["one", "two"]);
  }, 20_000);

  it("a lock lease that ran out while Redis was down is refused its extension and taken by another", async () => {
    const clock = new ManualClock();
    const client = quiet(new Redis(redis.url));
    const other = quiet(new Redis(redis.url));
    clients.push(client, other);
    const held = await new RedisLock({ client, clock }).acquire("chat:9", { leaseMs: LEASE_MS });
    expect(held).toBeDefined();
    await redis.kill();
    clock.advance(LEASE_MS);
    expect(held?.signal.aborted, "aborted at the local deadline").toBe(true);
    expect(held?.signal.reason).toBeInstanceOf(LeaseLostError);
    await redis.start();
    expect(await held?.extend(LEASE_MS), "the lost lease extended").toBe(false);
    // Redis's own expiry (real time) frees the key for the next holder, who gets it once.
    const next = await new RedisLock({ client: other }).acquire("chat:9", {
      leaseMs: LEASE_MS,
      waitMs: 5 * LEASE_MS,
    });
    expect(next).toBeDefined();
    expect(await held?.release(), "the lost lease released").toBe(false);
    expect(await next?.extend(LEASE_MS), "the next holder's lease extended").toBe(true);
  }, 20_000);
});

describe.skipIf(redisSkipReason() !== undefined)("a claim granted after its lease", () => {
  const redis = useRedisServer();

  it("is handed back and asked for again, so the claim returned has a whole lease", async () => {
    const clock = new ManualClock();
    const coordinator = new RedisCoordinator({ client: redis.client(), leaseMs: LEASE_MS, clock });
    const claiming = coordinator.claim("bot:1/update:5", "bot:1/chat:5", { order: 5 });
    // The answer to the first CLAIM comes back a whole lease after it was sent.
    clock.advance(LEASE_MS);
    const claim = await claiming;
    clock.advance(LEASE_MS / 2);
    expect(claim?.signal.aborted).toBe(false);
    await claim?.finish("handled");
    expect(await coordinator.claim("bot:1/update:5", "bot:1/chat:5", { order: 5 })).toBeUndefined();
  });
});
