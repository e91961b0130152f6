import { OrderedQueue } from "colloquy";
import { type OrderedFlavor, ordered } from "colloquy/grammy";
import { ManualClock, UpdateFactory } from "colloquy/testing";
import { Bot, type Context } from "grammy";
import { describe, expect, it } from "vitest";
import { LocalBotApi } from "../../src/adapters/local-api.js";

function orderedBot() {
  const api = new LocalBotApi();
  const bot = new Bot<Context & OrderedFlavor>("t", { botInfo: api.botInfo });
  bot.api.config.use(api.transformer);
  const clock = new ManualClock();
  bot.use(ordered({ maxHoldMs: 1_000, clock }));
  const seen: string[] = [];
  bot.on("message:text", (ctx) => {
    seen.push(`${ctx.message.text}${ctx.late ? " (late)" : ""}`);
  });
  return { bot, clock, seen };
}

describe("ordered()", () => {
  it("handles updates in update_id order whatever order the requests come in", async () => {
    const { bot, seen } = orderedBot();
    const user = new UpdateFactory({}, 10);
    const [u10, u11, u12] = [user.text("a"), user.text("b"), user.text("c")];
    await bot.handleUpdate(u10);
    await Promise.all([bot.handleUpdate(u12), bot.handleUpdate(u11)]);
    expect(seen).toEqual(["a", "b", "c"]);
  });

  it("skips a gap after maxHoldMs and flags the update that comes after its successors", async () => {
    const { bot, clock, seen } = orderedBot();
    const user = new UpdateFactory({}, 1);
    const [u1, u2, u3] = [user.text("one"), user.text("two"), user.text("three")];
    await bot.handleUpdate(u1);
    const third = bot.handleUpdate(u3);
    await clock.advanceAsync(999);
    expect(seen).toEqual(["one"]);
    await clock.advanceAsync(1);
    await third;
    await bot.handleUpdate(u2);
    expect(seen).toEqual(["one", "three", "two (late)"]);
  });

  it("the queue releases in order and holds nothing once gaps are filled or skipped", () => {
    const clock = new ManualClock();
    const queue = new OrderedQueue({ maxHoldMs: 50, clock });
    const released: string[] = [];
    const admit = (n: number) => queue.admit(n, (late) => released.push(`${n}${late ? "!" : ""}`));
    admit(1);
    admit(4);
    admit(3);
    expect(queue.held).toBe(2);
    admit(2);
    admit(7);
    clock.advance(50);
    admit(6);
    expect(released).toEqual(["1", "2", "3", "4", "7", "6!"]);
    expect(queue.held).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("refuses a zero hold", () => {
    expect(() => new OrderedQueue({ maxHoldMs: 0 })).toThrow(/maxHoldMs must be a positive/);
  });
});
