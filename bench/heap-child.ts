/**
 * One heap measurement, in a fresh process started with `--expose-gc` (see bench/suites/heap.ts):
 * `heap-child.ts <scenario> <depth> <count>` leaves `count` conversations waiting after `depth`
 * answered questions and prints, as one JSON line, how much the heap grew per conversation.
 *
 * Scenarios: `colloquy`, `conversations` (@grammyjs/conversations v2), `telegraf` (WizardScene),
 * `hibernated-memory` and `hibernated-sqlite` (durable `conversation()` with `maxLive` 100: all
 * but 100 of the conversations hibernate in the storage; SQLite's bytes are reported beside),
 * `floor` (the smallest await-in-a-handler `ask`, see `floorBot`), and `grammy-context` — a bare
 * grammY handler that keeps its context: what one live context costs.
 *
 * @module
 */

import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStorage } from "colloquy";
import { SqliteStorage } from "colloquy/sqlite";
import type { UpdateFactory } from "colloquy/testing";
import type { Context } from "grammy";
import {
  type BenchBot,
  colloquyBot,
  conversationsBot,
  floorBot,
  grammyBot,
  settle,
  telegrafBot,
} from "./suites/bots.js";
import { ANSWER_TEXT, feedWave, makeUsers } from "./suites/drive.js";
import { durableBot } from "./suites/durable-bots.js";

const [scenario = "", depthArg = "0", countArg = "1000"] = process.argv.slice(2);
const depth = Number(depthArg);
const count = Number(countArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("heap-child: run node with --expose-gc");
const collect = gc;

/** The heap after full collections, with a macrotask between them for pending finalisers. */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    collect();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** A bare grammY bot whose `/start` handler keeps every context it is given. */
function keepingBot(): BenchBot & { forget(): void } {
  const bot = grammyBot<Context>();
  const kept: Context[] = [];
  bot.command("start", (ctx) => {
    kept.push(ctx);
  });
  return {
    feed: (update) => bot.handleUpdate(update),
    finished: () => kept.length,
    unclaimed: () => 0,
    close: settle,
    forget: () => {
      kept.length = 0;
    },
  };
}

/** Live copies the `hibernated-*` scenarios keep: every other conversation waits in storage. */
const HIBERNATED_LIVE = 100;
const sqliteDir = mkdtempSync(join(tmpdir(), "colloquy-heap-"));
const sqlitePath = join(sqliteDir, "journal.db");

function botFor(name: string, steps: number): BenchBot {
  switch (name) {
    case "hibernated-memory":
      return durableBot(steps, new MemoryStorage(), undefined, { maxLive: HIBERNATED_LIVE });
    case "hibernated-sqlite":
      return durableBot(steps, new SqliteStorage({ path: sqlitePath }), undefined, {
        maxLive: HIBERNATED_LIVE,
      });
    case "colloquy":
      return colloquyBot(steps);
    case "conversations":
      return conversationsBot(steps);
    case "telegraf":
      return telegrafBot(steps);
    case "floor":
      return floorBot(steps);
    default:
      throw new Error(`heap-child: unknown scenario "${name}"`);
  }
}

async function measureContext(): Promise<number> {
  const bot = keepingBot();
  // Warm up every code path first, so compiled code is not counted as data.
  await feedWave(
    bot.feed,
    makeUsers(20, 3_000_000).map((u) => u.command("/start")),
    "par",
  );
  bot.forget();
  const users = makeUsers(count);
  const before = await settledHeap();
  await feedWave(
    bot.feed,
    users.map((u) => u.command("/start")),
    "par",
  );
  const after = await settledHeap();
  if (bot.finished() !== count) throw new Error("heap-child: contexts were not kept");
  return (after - before) / count;
}

/** `/start` and `answers` answers from every user, each wave in flight at once and settled. */
async function converse(bot: BenchBot, users: readonly UpdateFactory[], answers: number) {
  await feedWave(
    bot.feed,
    users.map((u) => u.command("/start")),
    "par",
  );
  for (let step = 1; step <= answers; step++) {
    // conversations v2 ends each replay on a timer tick: let every handler reach its wait.
    await new Promise((resolve) => setImmediate(resolve));
    await feedWave(
      bot.feed,
      users.map((u) => u.text(ANSWER_TEXT)),
      "par",
    );
  }
  await new Promise((resolve) => setImmediate(resolve));
}

async function measureWaiting(): Promise<number> {
  // One question more than answered, so every conversation is left waiting at `depth`.
  const bot = botFor(scenario, depth + 1);
  await converse(bot, makeUsers(20, 3_000_000), depth + 1);
  if (bot.finished() !== 20) throw new Error("heap-child: the warm-up conversations did not end");
  const users = makeUsers(count);
  const before = await settledHeap();
  await converse(bot, users, depth);
  const after = await settledHeap();
  if (bot.finished() !== 20) throw new Error("heap-child: a conversation ended early");
  return (after - before) / count;
}

/** Bytes of the SQLite journal (database and its write-ahead log) per conversation. */
function sqliteBytes(): number | undefined {
  if (scenario !== "hibernated-sqlite") return undefined;
  const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
  return (size(sqlitePath) + size(`${sqlitePath}-wal`)) / count;
}

const bytes = scenario === "grammy-context" ? await measureContext() : await measureWaiting();
const storageBytes = sqliteBytes();
rmSync(sqliteDir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    scenario,
    depth,
    count,
    bytesPerConversation: bytes,
    ...(storageBytes === undefined ? {} : { storageBytesPerConversation: storageBytes }),
  }),
);
process.exit(0);
