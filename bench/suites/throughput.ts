/**
 * (a) bare grammY, (b) grammY + colloquy with many pending asks fed updates that answer none,
 * and (f) a plain grammY reply — the baselines the conversation rows are held against.
 *
 * @module
 */
import { ratio } from "../harness/figures.js";
import { collectGarbage } from "../harness/gc.js";
import type { BenchRow, BenchSuite, MeasureContext } from "../harness/types.js";
import { type BenchBot, bareBot, colloquyBot, floorBot, replyBot } from "./bots.js";
import { driveTexts, type FeedMode, feedWave, makeUsers } from "./drive.js";
import { expectCount, perUpdate } from "./measure.js";

/** Non-waiting senders of the fed updates; the same ids for (a) and (b). */
const senders = (context: MeasureContext) => makeUsers(context.size(1000, 50), 1_000_000);
// A few µs each: enough of them that one collection more or less does not decide the row.
const fedUpdates = (context: MeasureContext) => context.size(100_000, 1000);

const bare: BenchRow = {
  name: "grammy/bare",
  label: "(a) bare grammY, no API call in the handler",
  unit: "µs/update",
  async measure(context) {
    const bot = bareBot();
    const total = fedUpdates(context);
    const timing = await driveTexts(bot.feed, senders(context), total, "seq");
    expectCount("unclaimed messages", bot.unclaimed(), total);
    return perUpdate(timing, total);
  },
};

/** A bot with `waiting` conversations waiting in their first ask, fed others' messages. */
function pendingRow(name: string, label: string, make: (steps: number) => BenchBot): BenchRow {
  return {
    name,
    label,
    unit: "µs/update",
    async measure(context) {
      const bot = make(1);
      const waiting = context.size(100_000, 2000);
      // Starting 100k conversations is set-up, not measured: in waves of 1000 to bound memory.
      const waiters = makeUsers(waiting, 2_000_000);
      for (let i = 0; i < waiting; i += 1000) {
        const wave = waiters.slice(i, i + 1000).map((u) => u.command("/start"));
        await feedWave(bot.feed, wave, "par");
      }
      expectCount("pending asks", bot.waiting?.() ?? 0, waiting);
      // The set-up's garbage is not the feed's to collect: (a) starts on a collected heap too.
      collectGarbage();
      const total = fedUpdates(context);
      const timing = await driveTexts(bot.feed, senders(context), total, "seq");
      expectCount("unclaimed messages", bot.unclaimed(), total);
      expectCount("pending asks after the feed", bot.waiting?.() ?? 0, waiting);
      await bot.close();
      return perUpdate(timing, total);
    },
  };
}

const pending = pendingRow(
  "colloquy/pending-100k",
  "(b) (a) + colloquy, 100k asks pending, fed others' messages",
  colloquyBot,
);

// Not in the list: (b) without colloquy, on the smallest await-in-handler ask. What
// 100k suspended handlers in the heap cost by themselves, so (b)/(a) can be told apart from it.
const pendingFloor = pendingRow(
  "floor/pending-100k",
  "(b0) (a) + 100k handlers waiting on the smallest ask, no colloquy",
  floorBot,
);

function replyRow(mode: FeedMode): BenchRow {
  return {
    name: `grammy/reply/${mode}`,
    label: `(f) plain grammY reply, ${mode === "seq" ? "one at a time" : "1000 in flight"}`,
    unit: "µs/update",
    async measure(context) {
      const bot = replyBot();
      const total = context.size(20_000, 1000);
      const timing = await driveTexts(bot.feed, senders(context), total, mode);
      expectCount("replies", bot.finished(), total);
      return perUpdate(timing, total);
    },
  };
}

/** Rows (a), (b), (f) and the (b)/(a) throughput figure. */
export const throughputSuite: BenchSuite = {
  name: "throughput",
  rows: [bare, pending, pendingFloor, replyRow("seq"), replyRow("par")],
  figures: [
    // Throughput is the inverse of time per update: (b)/(a) in throughput is a/b in time.
    ratio(
      "b/a",
      "throughput with 100k pending asks over bare grammY",
      "grammy/bare",
      "colloquy/pending-100k",
      { op: ">=", value: 0.9 },
    ),
    ratio(
      "b0/a",
      "throughput with 100k handlers waiting without colloquy over bare grammY",
      "grammy/bare",
      "floor/pending-100k",
    ),
    ratio(
      "b/b0",
      "throughput with 100k pending asks over 100k waiting without colloquy",
      "floor/pending-100k",
      "colloquy/pending-100k",
    ),
  ],
};
