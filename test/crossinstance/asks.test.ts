/**
 * Three instances of one bot in one process on one real Redis: an `ask` waiting on one instance
 * is answered by a reply that reaches another.
 */
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { coordinate } from "../../src/adapters/grammy/coordinate.js";
import { RedisCoordinator } from "../../src/coordinators/redis.js";
import {
  type CrossInstanceAsks,
  type CrossInstanceAsksOptions,
  crossInstanceAsks,
} from "../../src/crossinstance/asks.js";
import { UpdateFactory } from "../../src/testing/updates.js";
import { createTestBot } from "../support/grammy.js";
import { useRedisServer } from "../support/redis-server.js";

const LEASE_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const redis = useRedisServer();

describe.skipIf(redis.skip !== undefined)("cross-instance asks on Redis", () => {
  let running: { asks: CrossInstanceAsks }[] = [];

  beforeEach(() => redis.server().flush());
  afterEach(async () => {
    await Promise.all(running.map((one) => one.asks.stop().catch(() => {})));
    running = [];
  });

  /** One instance: its own connections, `crossInstanceAsks` before `coordinate()`, the plugin. */
  async function instance(
    name: string,
    handled: string[],
    options: Partial<CrossInstanceAsksOptions> = {},
  ) {
    const client = redis.server().client();
    const subscriber = redis.server().client();
    let asks: CrossInstanceAsks | undefined;
    const test = createTestBot({
      before: (bot) => {
        asks = crossInstanceAsks({
          client,
          subscriber,
          bot,
          instanceId: name,
          leaseMs: LEASE_MS,
          onError: () => {},
          ...options,
        });
        bot.use(asks);
        bot.use(coordinate(new RedisCoordinator({ client, maxRetryMs: 10 })));
      },
      onWaitsChanged: (scope, delta) => asks?.onWaitsChanged(scope, delta),
    });
    const { bot } = test;
    bot.command("name", async (ctx) => {
      const answer = await ctx.ask("Your name?");
      await ctx.reply(`Hi ${answer.message?.text}`);
    });
    bot.command("button", async (ctx) => {
      const press = await ctx.waitForCallbackQuery();
      await ctx.reply(`pressed ${press.callbackQuery.data}`);
    });
    bot.command("form", async (ctx) => {
      const name = await ctx.ask("Name?");
      const age = await ctx.ask("Age?");
      await ctx.reply(`done ${name.message?.text} ${age.message?.text}`);
    });
    bot.on("message", (ctx) => {
      handled.push(`${name}:${ctx.chat.id}:${ctx.update.update_id}`);
    });
    const ready = asks as CrossInstanceAsks;
    await ready.start();
    const one = { ...test, name, asks: ready, client, subscriber };
    running.push(one);
    return one;
  }

  async function three() {
    const handled: string[] = [];
    const [a, b, c] = [
      await instance("A", handled),
      await instance("B", handled),
      await instance("C", handled),
    ];
    return { a, b, c, handled };
  }

  /**
   * A round trip on each subscriber connection: Redis answers it after every message published
   * before, so the instances have read every announcement made so far.
   */
  async function sync(...instances: { subscriber: Redis }[]) {
    await Promise.all(instances.map((one) => one.subscriber.ping()));
  }

  const ann = () => new UpdateFactory({ from: { id: 7, is_bot: false, first_name: "Ann" } });

  it("answers an ask on A with a reply delivered to B, running nothing on B", async () => {
    const { a, b, c, handled } = await three();
    const updates = ann();
    await a.bot.handleUpdate(updates.command("/name"));
    await sync(b, c);
    expect(b.asks.stats().remoteScopes).toBe(1);
    await b.bot.handleUpdate(updates.text("Ann"));
    expect(a.sent()).toEqual(["Your name?", "Hi Ann"]);
    expect(b.sent()).toEqual([]);
    expect(handled).toEqual([]);
    expect(b.asks.stats()).toMatchObject({ handedOff: 1, fellBack: 0 });
    expect(a.asks.stats()).toMatchObject({ handedIn: 1 });
    expect(a.plugin.stats()).toMatchObject({ pending: 0, answered: 1 });
    // The answered wait is withdrawn: the next message is B's own.
    await sync(b);
    expect(b.asks.stats().remoteScopes).toBe(0);
    const next = updates.text("later");
    await b.bot.handleUpdate(next);
    expect(handled).toEqual([`B:7:${next.update_id}`]);
  });

  it("runs A's normal handlers for a routed update its wait does not match", async () => {
    const { a, b, c, handled } = await three();
    const updates = ann();
    await a.bot.handleUpdate(updates.command("/button"));
    await sync(b, c);
    const text = updates.text("not a press");
    await b.bot.handleUpdate(text);
    expect(handled).toEqual([`A:7:${text.update_id}`]);
    expect(b.sent()).toEqual([]);
    await c.bot.handleUpdate(updates.press("ok", 1));
    expect(a.sent()).toEqual(["pressed ok"]);
    expect(c.asks.stats()).toMatchObject({ handedOff: 1 });
  });

  it("handles the reply on B when A's connections are gone", async () => {
    const { a, b, c, handled } = await three();
    const updates = ann();
    await a.bot.handleUpdate(updates.command("/name"));
    await sync(b, c);
    a.client.disconnect();
    a.subscriber.disconnect();
    await sleep(20); // Redis drops A's subscription when its socket closes
    const reply = updates.text("Ann");
    await b.bot.handleUpdate(reply);
    expect(handled).toEqual([`B:7:${reply.update_id}`]);
    expect(a.sent()).toEqual(["Your name?"]);
    expect(b.asks.stats()).toMatchObject({ handedOff: 0, fellBack: 1, remoteScopes: 0 });
  });

  it("stops routing to A once its lease ran out, though it is still subscribed", async () => {
    const { a, b, c, handled } = await three();
    const updates = ann();
    await a.bot.handleUpdate(updates.command("/name"));
    await sync(b, c);
    a.client.disconnect(); // no more heartbeats: a hung instance
    await sleep(LEASE_MS + 50);
    const reply = updates.text("Ann");
    await b.bot.handleUpdate(reply);
    expect(handled).toEqual([`B:7:${reply.update_id}`]);
    expect(a.asks.stats().handedIn).toBe(0);
    expect(b.asks.stats()).toMatchObject({ handedOff: 0, remoteScopes: 0 });
    // The registry entry expires with the lease: a new instance does not route to A either.
    const d = await instance("D", handled);
    expect(d.asks.stats().remoteScopes).toBe(0);
  });

  it("keeps each chat's order while its form steps reach every instance", async () => {
    const { a, b, c, handled } = await three();
    const all = [a, b, c];
    const chats = [1, 2, 3, 4, 5, 6].map(
      (id) => new UpdateFactory({ from: { id, is_bot: false, first_name: `U${id}` } }, id * 1_000),
    );
    const runChat = async (updates: UpdateFactory, index: number) => {
      const steps = [updates.command("/form"), updates.text("Ann"), updates.text("30")];
      steps.push(updates.text("after"), updates.text("more"));
      for (const [step, update] of steps.entries()) {
        await all[(index + step) % 3]?.bot.handleUpdate(update);
        await sync(...all);
      }
      return steps.slice(3).map((update) => update.update_id);
    };
    const tails = await Promise.all(chats.map(runChat));
    for (const [index, updates] of chats.entries()) {
      const chat = updates.origin.chat.id;
      const owner = all[index % 3];
      expect(owner?.sent().filter((text) => text.startsWith("done"))).toContain("done Ann 30");
      const ofChat = handled.filter((entry) => entry.split(":")[1] === String(chat));
      expect(ofChat.map((entry) => Number(entry.split(":")[2]))).toEqual(tails[index]);
    }
    const sentDone = all.flatMap((one) => one.sent()).filter((text) => text.startsWith("done"));
    expect(sentDone).toHaveLength(chats.length);
    expect(b.asks.stats().fellBack + c.asks.stats().fellBack + a.asks.stats().fellBack).toBe(0);
  });

  it("logs what a throwing onError rethrows about a handed-in update it could not acknowledge", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const rethrow = (error: unknown) => {
        throw error;
      };
      const a = await instance("A", [], { onError: rethrow });
      const b = await instance("B", [], { handoffTimeoutMs: 100 });
      const user = ann();
      await a.bot.handleUpdate(user.command("/name"));
      await sync(a, b);
      // A still hears hand-overs, but can no longer answer them: nothing awaits that failure.
      a.client.disconnect();
      await b.bot.handleUpdate(user.text("Ann"));
      await vi.waitFor(() =>
        expect(logged.mock.calls.length + unhandled.length).toBeGreaterThan(0),
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(String(logged.mock.calls[0]?.[0])).toContain("onError failed");
    } finally {
      process.off("unhandledRejection", onUnhandled);
      logged.mockRestore();
    }
  });
});
