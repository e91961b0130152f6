/**
 * "Avoid: unbounded maps of per-chat records." Closed delegates leave nothing behind: no record,
 * no timer, whichever way they closed.
 */
import type { Update } from "@grammyjs/types";
import type { Context } from "grammy";
import { describe, expect, it } from "vitest";
import { delegate } from "../../src/adapters/grammy/delegate.js";
import { seeders } from "../../src/delegation/seeders.js";
import type { DelegateControl, DelegateHandler } from "../../src/delegation/types.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { flush, testBot } from "./harness.js";

const SEEDS = 100_000;
const BATCH = 1_000;

function message(updateId: number, chatId: number, text: string): Update {
  const chat = { id: chatId, type: "private" as const, first_name: "A" };
  const from = { id: chatId, is_bot: false, first_name: "A" };
  return { update_id: updateId, message: { message_id: updateId, date: 0, chat, from, text } };
}

/** Closes itself on "bye", or after an hour-long reminder, or when idle. */
class ShortLived implements DelegateHandler<Context> {
  constructor(readonly control: DelegateControl) {
    control.after(3_600_000, "reminder");
  }
  onMessage(ctx: Context) {
    if (ctx.msg?.text === "bye") this.control.close();
  }
}

describe("delegate records", () => {
  it(`are all gone after ${SEEDS} seeds have come and closed`, async () => {
    const { bot } = testBot();
    const clock = new ManualClock();
    const counters = delegate(seeders.perChat(), ShortLived, { idleTimeoutMs: 60_000, clock });
    bot.use(counters);
    let peak = 0;
    for (let start = 0; start < SEEDS; start += BATCH) {
      for (let chatId = start + 1; chatId <= start + BATCH; chatId++) {
        await bot.handleUpdate(message(chatId, chatId, chatId % 2 === 0 ? "bye" : "hi"));
      }
      peak = Math.max(peak, counters.size);
      await clock.advanceAsync(60_000); // the half that stayed now idles out
      await flush();
      expect(counters.size).toBe(0);
    }
    expect(peak).toBe(BATCH / 2);
    expect(clock.pendingTimers).toBe(0);
  });
});
