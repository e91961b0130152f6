import type { Context } from "grammy";
import { describe, expect, it, vi } from "vitest";
import { delegate } from "../../src/adapters/grammy/delegate.js";
import { seeders } from "../../src/delegation/seeders.js";
import type {
  CloseReason,
  DelegateControl,
  DelegateHandler,
  ScheduledEvent,
} from "../../src/delegation/types.js";
import { IdleTimeoutError } from "../../src/errors.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { UpdateFactory } from "../../src/testing/updates.js";
import { deferred, flush, testBot, track } from "./harness.js";

const user = (id: number) =>
  new UpdateFactory({ from: { id, is_bot: false, first_name: `U${id}` } });

/** telepot's MessageCounter, with /count handled by `open` and /cancel closing it. */
function counterClass(closes: CloseReason[]) {
  return class MessageCounter implements DelegateHandler<Context> {
    #count = 0;
    constructor(readonly control: DelegateControl) {}
    async open(ctx: Context) {
      if (!ctx.hasCommand("count")) return false;
      await ctx.reply("Counting messages in this chat. Send anything.");
      return true;
    }
    async onMessage(ctx: Context) {
      if (ctx.hasCommand("cancel")) return this.control.close("Cancelled.");
      await ctx.reply(String(++this.#count));
    }
    onClose(reason: CloseReason) {
      closes.push(reason);
    }
  };
}

describe("delegate()", () => {
  it("gives the first update to onMessage unless open handled it", async () => {
    const { bot, sent } = testBot();
    bot.use(delegate(seeders.perChat(), counterClass([])));
    await bot.handleUpdate(user(1).text("hello"));
    await bot.handleUpdate(user(2).command("/count"));
    await bot.handleUpdate(user(2).text("a"));
    expect(sent()).toEqual(["1: 1", "2: Counting messages in this chat. Send anything.", "2: 1"]);
  });

  it("keeps per-chat delegates independent", async () => {
    const { bot, sent } = testBot();
    const counters = delegate(seeders.perChat(), counterClass([]));
    bot.use(counters);
    const [a, b] = [user(1), user(2)];
    for (const update of [a.text("x"), a.text("x"), b.text("x"), a.text("x"), b.text("x")]) {
      await bot.handleUpdate(update);
    }
    expect(sent()).toEqual(["1: 1", "1: 2", "2: 1", "1: 3", "2: 2"]);
    expect(counters.size).toBe(2);
  });

  it("closes an idle delegate with IdleTimeoutError; the next update starts a fresh one", async () => {
    const { bot, sent } = testBot();
    const clock = new ManualClock();
    const closes: CloseReason[] = [];
    const counters = delegate(seeders.perChat(), counterClass(closes), {
      idleTimeoutMs: 10_000,
      clock,
    });
    bot.use(counters);
    const a = user(1);
    await bot.handleUpdate(a.text("x"));
    await clock.advanceAsync(9_999);
    await bot.handleUpdate(a.text("x")); // refreshes the idle timer
    await clock.advanceAsync(9_999);
    expect(counters.size).toBe(1);
    await clock.advanceAsync(1);
    await flush();
    expect(closes).toEqual([{ kind: "idle", error: expect.any(IdleTimeoutError) }]);
    expect((closes[0] as { error: IdleTimeoutError }).error.idleMs).toBe(10_000);
    expect(counters.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    await bot.handleUpdate(a.text("x"));
    expect(sent()).toEqual(["1: 1", "1: 2", "1: 1"]);
  });

  it("closes from inside with close(), and starts afresh after", async () => {
    const { bot, sent } = testBot();
    const closes: CloseReason[] = [];
    bot.use(delegate(seeders.perChat(), counterClass(closes)));
    const a = user(1);
    for (const update of [a.text("x"), a.command("/cancel"), a.text("x")])
      await bot.handleUpdate(update);
    expect(closes).toEqual([{ kind: "closed", value: "Cancelled." }]);
    expect(sent()).toEqual(["1: 1", "1: 1"]);
  });

  it("closes at once when close() is called while it waits", async () => {
    const { bot } = testBot();
    const clock = new ManualClock();
    const closes: CloseReason[] = [];
    class Timed implements DelegateHandler<Context> {
      constructor(readonly control: DelegateControl) {}
      onMessage() {
        clock.setTimer(100, () => this.control.close("time is up"));
      }
      onClose(reason: CloseReason) {
        closes.push(reason);
      }
    }
    const timed = delegate(seeders.perChat(), Timed);
    bot.use(timed);
    await bot.handleUpdate(user(1).text("x"));
    await clock.advanceAsync(100);
    await flush();
    expect(closes).toEqual([{ kind: "closed", value: "time is up" }]);
    expect(timed.size).toBe(0);
  });

  it("does not hold handleUpdate while a delegate waits, but until it has handled the update", async () => {
    const { bot } = testBot();
    const slow = deferred();
    const log: string[] = [];
    bot.use(
      delegate(seeders.perChat(), async (ctx, inbox) => {
        log.push(`got ${ctx.msg?.text}`);
        await slow.promise;
        log.push(`done ${ctx.msg?.text}`);
        for (;;) log.push(`got ${(await inbox.next()).msg?.text}`);
      }),
    );
    const first = track(bot.handleUpdate(user(1).text("a")));
    await flush();
    expect(first.settled).toBe(false);
    slow.resolve();
    await flush();
    expect(first.settled).toBe(true);
    await bot.handleUpdate(user(1).text("b"));
    expect(log).toEqual(["got a", "done a", "got b"]);
  });

  it("keeps each chat's order when updates are handled concurrently", async () => {
    const { bot } = testBot();
    const seen: string[] = [];
    bot.use(
      delegate(seeders.perChat(), async (ctx, inbox) => {
        for (let next = ctx; ; next = await inbox.next()) {
          await next.reply("ack"); // an API round trip between updates
          seen.push(`${next.chat?.id}:${next.msg?.text}`);
        }
      }),
    );
    const [a, b] = [user(1), user(2)];
    const updates = [a.text("1"), b.text("1"), a.text("2"), a.text("3"), b.text("2")];
    await Promise.all(updates.map((u) => bot.handleUpdate(u)));
    expect(seen.filter((s) => s.startsWith("1:"))).toEqual(["1:1", "1:2", "1:3"]);
    expect(seen.filter((s) => s.startsWith("2:"))).toEqual(["2:1", "2:2"]);
  });

  it("delivers scheduled events to onEvent, minus the cancelled ones", async () => {
    const { bot, sent } = testBot();
    const clock = new ManualClock();
    class Reminder implements DelegateHandler<Context> {
      #ctx: Context | undefined;
      constructor(readonly control: DelegateControl) {}
      onMessage(ctx: Context) {
        this.#ctx = ctx;
        const never = this.control.after(1_000, "never");
        this.control.after(2_000, "two seconds");
        this.control.at(clock.now() + 3_000, "three seconds");
        this.control.cancel(never);
      }
      async onEvent(event: ScheduledEvent) {
        await this.#ctx?.reply(String(event.data));
        if (event.data === "three seconds") this.control.close();
      }
    }
    bot.use(delegate(seeders.perChat(), Reminder, { clock }));
    await bot.handleUpdate(user(1).text("remind me"));
    await clock.advanceAsync(5_000);
    await flush();
    expect(sent()).toEqual(["1: two seconds", "1: three seconds"]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("takes only captured updates into a live delegate; the rest go on", async () => {
    const { bot, sent } = testBot();
    bot.use(
      delegate(seeders.perChat(), counterClass([]), {
        spawnOn: "::bot_command",
        capture: { message: { text: /^\d+$/ } },
      }),
    );
    bot.on("message", (ctx) => ctx.reply(`handler: ${ctx.msg.text}`));
    const a = user(1);
    for (const text of ["hi", "/count", "12", "hey", "34"]) {
      await bot.handleUpdate(text.startsWith("/") ? a.command(text) : a.text(text));
    }
    expect(sent()).toEqual([
      "1: handler: hi",
      "1: Counting messages in this chat. Send anything.",
      "1: 1",
      "1: handler: hey",
      "1: 2",
    ]);
  });

  it("lets several delegates take an update with passThrough, and only then", async () => {
    const { bot, sent } = testBot();
    const echo = (label: string) => async (ctx: Context) => {
      await ctx.reply(`${label} ${ctx.msg?.text}`);
    };
    bot.use(delegate(seeders.perChat(), echo("chat"), { passThrough: true }));
    bot.use(delegate(seeders.perUser(), echo("user")));
    bot.use(delegate(seeders.perApplication(), echo("never")));
    await bot.handleUpdate(user(1).text("x"));
    expect(sent()).toEqual(["1: chat x", "1: user x"]);
  });

  it("starts a delegate per update with perMessage and records none", async () => {
    const { bot, sent } = testBot();
    const each = delegate(seeders.perMessage(), counterClass([]));
    bot.use(each);
    const a = user(1);
    await bot.handleUpdate(a.text("x"));
    await bot.handleUpdate(a.text("x"));
    expect(sent()).toEqual(["1: 1", "1: 1"]);
    expect(each.size).toBe(0);
  });

  it("passes the delegate's error to onClose and to bot.catch's path, then starts afresh", async () => {
    const { bot, sent } = testBot();
    const closes: CloseReason[] = [];
    const Counter = counterClass(closes);
    class Fragile extends Counter {
      override async onMessage(ctx: Context) {
        if (ctx.msg?.text === "boom") throw new Error("boom");
        await super.onMessage(ctx);
      }
    }
    bot.use(delegate(seeders.perChat(), Fragile));
    const a = user(1);
    await bot.handleUpdate(a.text("x"));
    await expect(bot.handleUpdate(a.text("boom"))).rejects.toThrow("boom");
    expect(closes).toEqual([{ kind: "error", error: new Error("boom") }]);
    await bot.handleUpdate(a.text("x"));
    expect(sent()).toEqual(["1: 1", "1: 1"]);
  });

  it("gives errors to onError instead when one is set", async () => {
    const { bot } = testBot();
    const onError = vi.fn();
    const boom = new Error("boom");
    bot.use(
      delegate(
        seeders.perChat(),
        async () => {
          throw boom;
        },
        { onError },
      ),
    );
    await bot.handleUpdate(user(1).text("x"));
    expect(onError).toHaveBeenCalledWith(boom, "chat:1");
  });
});
