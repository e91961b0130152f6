/**
 * Three instances of one bot in one process, each with its own connection to one real Redis, fed
 * the way a webhook balancer with retries would feed them.
 */
import type { Update } from "@grammyjs/types";
import type { Redis } from "ioredis";
import { beforeEach, describe, expect, it } from "vitest";
import { type CoordinationFlavor, coordinate } from "../../src/adapters/grammy/coordinate.js";
import { RedisCoordinator } from "../../src/coordinators/redis.js";
import { LeaseLostError } from "../../src/errors.js";
import { UpdateFactory } from "../../src/testing/updates.js";
import { createTestBot, type TestContext } from "../support/grammy.js";
import { commandsDuring } from "../support/redis-commands.js";
import { useRedisServer } from "../support/redis-server.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const redis = useRedisServer();

describe.skipIf(redis.skip !== undefined)("three coordinated instances on Redis", () => {
  beforeEach(() => redis.server().flush());

  /** An instance: a bot whose coordinator has a connection of its own. */
  function instance(leaseMs?: number) {
    const client = redis.server().client();
    const options = leaseMs === undefined ? { client } : { client, leaseMs };
    const coordinator = new RedisCoordinator({ ...options, maxRetryMs: 10 });
    const test = createTestBot({ before: (bot) => bot.use(coordinate(coordinator)) });
    return { ...test, client };
  }

  /** Records which chat handled which update, and whether a chat ever ran two at once. */
  function recordHandling(bots: ReturnType<typeof instance>[]) {
    const handled = new Map<number, number[]>();
    const busy = new Set<number>();
    let overlapped = false;
    for (const { bot } of bots) {
      bot.on("message", async (ctx) => {
        const chat = ctx.chat.id;
        overlapped ||= busy.has(chat);
        busy.add(chat);
        await sleep(Math.random() * 4);
        await ctx.reply(`handled ${ctx.update.update_id}`);
        handled.set(chat, [...(handled.get(chat) ?? []), ctx.update.update_id]);
        busy.delete(chat);
      });
    }
    return { handled, overlapped: () => overlapped };
  }

  it("completes duplicates of every update to two instances once, each chat in order", async () => {
    const bots = [instance(), instance(), instance()];
    const { handled, overlapped } = recordHandling(bots);
    const chats = [1, 2, 3, 4].map(
      (id) => new UpdateFactory({ from: { id, is_bot: false, first_name: `U${id}` } }),
    );
    const updates: Update[] = [];
    let nextId = 1;
    for (let round = 0; round < 6; round++) {
      for (const chat of chats) updates.push({ ...chat.text(`r${round}`), update_id: nextId++ });
    }
    // Running instances: connected, and Redis knows the scripts (else the first updates race).
    const warm = new UpdateFactory({ from: { id: 99, is_bot: false, first_name: "W" } }, 1_000);
    for (const { bot } of bots) await bot.handleUpdate(warm.text("warm"));
    handled.clear();
    const deliveries: Promise<void>[] = [];
    for (const [i, update] of updates.entries()) {
      deliveries.push(bots[i % 3]?.bot.handleUpdate(update) as Promise<void>);
      deliveries.push(bots[(i + 1) % 3]?.bot.handleUpdate(update) as Promise<void>);
      await sleep(2);
    }
    await Promise.all(deliveries);
    for (const [index, chat] of chats.entries()) {
      const expected = updates.filter((u) => u.message?.chat.id === chat.origin.chat.id);
      expect(handled.get(index + 1)).toEqual(expected.map((u) => u.update_id));
    }
    const replies = bots.reduce((sum, { sent }) => sum + sent().length, 0);
    expect(replies).toBe(updates.length + bots.length);
    expect(overlapped()).toBe(false);
  });

  it("takes over a claim whose holder stopped, once its lease expires", async () => {
    const stopping = instance(300);
    const survivor = instance(300);
    let holderSignal: AbortSignal | undefined;
    stopping.bot.on("message", (ctx) => {
      holderSignal = (ctx as TestContext & CoordinationFlavor).coordination.signal;
      return new Promise<void>(() => {}); // never ends: the instance hangs, then stops
    });
    const { handled } = recordHandling([survivor]);
    const update = new UpdateFactory({ from: { id: 9, is_bot: false, first_name: "Z" } }).text("x");
    void stopping.bot.handleUpdate(update);
    await expect.poll(() => holderSignal).toBeDefined();
    stopping.client.disconnect();
    const startedAt = Date.now();
    await survivor.bot.handleUpdate(update);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(handled.get(9)).toEqual([update.update_id]);
    await expect.poll(() => holderSignal?.aborted).toBe(true);
    expect(holderSignal?.reason).toBeInstanceOf(LeaseLostError);
  });

  it("shares Redis round trips among the updates an instance handles together", async () => {
    const bots = [instance(), instance(), instance()];
    const replies = new Map<number, number>();
    for (const { bot } of bots) {
      bot.on("message", async (ctx) => {
        await ctx.reply("ok");
        replies.set(ctx.chat.id, (replies.get(ctx.chat.id) ?? 0) + 1);
      });
    }
    const warm = new UpdateFactory({ from: { id: 99, is_bot: false, first_name: "W" } }, 1_000);
    for (const { bot } of bots) await bot.handleUpdate(warm.text("warm"));
    replies.clear();
    const users = Array.from(
      { length: 90 },
      (_, i) => new UpdateFactory({ from: { id: 200 + i, is_bot: false, first_name: "U" } }),
    );
    const updates = users.map((user) => user.text("hi"));
    const names = await commandsDuring(
      bots.map((b) => b.client),
      () => Promise.all(updates.map((update, i) => bots[i % 3]?.bot.handleUpdate(update))),
    );
    expect([...replies.values()]).toEqual(Array(90).fill(1));
    // Unbatched, that would be 180: a claim and a finish per update.
    expect(names.length).toBeLessThanOrEqual(12);
  });

  it("takes two Redis round trips per update when its chat is free", async () => {
    const bots = [instance(), instance(), instance()];
    recordHandling(bots);
    const users = Array.from(
      { length: 30 },
      (_, i) => new UpdateFactory({ from: { id: 100 + i, is_bot: false, first_name: "U" } }),
    );
    // Each instance's first update teaches Redis the scripts.
    for (const [i, { bot }] of bots.entries())
      await bot.handleUpdate(users[i]?.text("warm") as Update);
    const clients: Redis[] = bots.map((b) => b.client);
    const names = await commandsDuring(clients, async () => {
      for (const [i, user] of users.entries()) await bots[i % 3]?.bot.handleUpdate(user.text("hi"));
    });
    expect(names.length / users.length).toBe(2);
    expect(new Set(names)).toEqual(new Set(["evalsha"]));
  });
});
