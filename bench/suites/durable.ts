/**
 * Durable conversations (issue 16): (h) the K-step conversation of (c) written with
 * `conversation()` and `conv.ask`, on MemoryStorage and on SQLite, and recovery by replay after a
 * restart beside one @grammyjs/conversations v2 update at the same depth.
 *
 * - `colloquy/conv/k*` (h): steady state, every conversation live; µs per update as (c) counts
 *   them (`/start` and K answers). Each bot must journal K steps per conversation, remove them
 *   all at the end, start each conversation's code once (no replay) and finish every one.
 * - `colloquy/conv-sqlite/k20/*` (hs): (h) on `SqliteStorage` (a temp file, WAL), K = 20.
 * - `colloquy/conv/recover/d*` (r): conversations of 50 steps waiting at question N (the journal
 *   holds N steps), journaled by one bot that then shut down; a fresh bot, plugin and
 *   conversation over the same storage gets each user's N-th answer, one at a time. µs per such
 *   update: loading the journal, replaying it (nothing sent), taking the answer live, sending
 *   question N+1 and journaling step N+1. Each code must start once, and the new bot must send
 *   exactly one message per update.
 * - `conversations/depth*` (dN): the N-th answer of the same 50-step conversation on
 *   @grammyjs/conversations v2, one at a time: it replays the N − 1 answers before it.
 * - `storage/journal/*` (j): the storage's part of (h) alone, the floor under it: what the
 *   journal of a K = 20 conversation asks of the storage, done directly — two reads of the absent
 *   head on `/start`, one compare-and-set of a new key per step with a step as the journal writes
 *   it (the answer's update and the question's message, ~480 bytes), and the removal of every key
 *   at the end (the head, then the others in one `deleteMany`) — in the bot's order (a wave of
 *   one step per user), µs per update of (h).
 *
 * @module
 */
import { join } from "node:path";
import { MemoryStorage, type Storage } from "colloquy";
import { SqliteStorage } from "colloquy/sqlite";
import type { UpdateFactory } from "colloquy/testing";
import { tempDir } from "../../test/support/temp-dir.js";
import { check, ratio } from "../harness/figures.js";
import type { BenchRow, BenchSuite, Figure } from "../harness/types.js";
import { benchBotInfo, botApiResult } from "../stubs/bot-api.js";
import { conversationsBot } from "./bots.js";
import { STEPS } from "./conversation.js";
import type { Timing } from "./drive.js";
import {
  ANSWER_TEXT,
  driveConversation,
  type Feed,
  type FeedMode,
  feedWave,
  makeUsers,
  sumTimings,
} from "./drive.js";
import { countingFetch, type DurableBot, durableBot } from "./durable-bots.js";
import { expectCount, perUpdate } from "./measure.js";

const MODES: readonly FeedMode[] = ["seq", "par"];

/** Users of the steady-state rows: as many as (c) has, so both promote and collect alike. */
const USERS = 1000;
/** Users of the SQLite rows: the database's work per update does not depend on the count. */
const SQLITE_USERS = 300;
/**
 * Repetitions of the longest rows (K = 20 and 50: 21 and 51 updates per user; SQLite pays a
 * transaction per journal write and per removed key), so the whole run stays within a few minutes.
 */
const LONG_REPS = 3;
/** Steps of the conversation the recovery rows wait in: more than the deepest depth. */
const RECOVERY_STEPS = 50;
/** Depths of the recovery rows: the answer that arrives is the N-th. */
const DEPTHS = [10, 40] as const;
/** Users of the recovery rows, and of conversations v2 at each depth (it replays on every update). */
const RECOVERY_USERS = 300;
const V2_DEPTH_USERS: Record<number, number> = { 10: 100, 40: 30 };

const steadyName = (steps: number, mode: FeedMode) => `colloquy/conv/k${steps}/${mode}`;
const sqliteName = (mode: FeedMode) => `colloquy/conv-sqlite/k20/${mode}`;
const recoverName = (depth: number) => `colloquy/conv/recover/d${depth}`;
const v2DepthName = (depth: number) => `conversations/depth${depth}/seq`;
const askName = (steps: number, mode: FeedMode) => `colloquy/ask/k${steps}/${mode}`;
const churnName = (mode: FeedMode) => `colloquy/conv/churn/k5/${mode}`;

/** Throws unless `bot` journaled, finished and cleaned up every conversation without a replay. */
function expectSteadyState(bot: DurableBot, users: number, steps: number): void {
  expectCount("conversations finished", bot.finished(), users);
  expectCount("starts of the conversation's code (a replay would add one)", bot.runs(), users);
  expectCount("journal writes (one per step)", bot.storage.writes, users * steps);
  expectCount("journal keys removed at the end", bot.storage.removals, users * steps);
  expectCount("messages no wait took", bot.unclaimed(), 0);
  expectCount("errors", bot.errors.length, 0);
}

/** Opens a store for one repetition, and how to dispose of it. */
type Opener = () => Promise<{ storage: Storage; close(): Promise<void> }>;

const inMemory: Opener = async () => {
  const storage = new MemoryStorage();
  return {
    storage,
    close: async () => {
      expectCount("journal keys left in memory", storage.size, 0);
      await storage.close();
    },
  };
};

const onSqlite: Opener = async () => {
  const dir = await tempDir("bench-conv");
  const storage = new SqliteStorage({ path: join(dir.path, "bench.db") });
  return {
    storage,
    close: async () => {
      await storage.close();
      await dir.remove();
    },
  };
};

function steadyRow(
  name: string,
  title: string,
  steps: number,
  mode: FeedMode,
  open: Opener,
  full = USERS,
  reps?: number,
): BenchRow {
  const how = mode === "seq" ? "one at a time" : "all in flight";
  return {
    name,
    label: `${title}, K=${steps}, ${full} users, ${how}`,
    unit: "µs/update",
    ...(reps === undefined ? {} : { reps }),
    async measure(context) {
      const users = makeUsers(context.size(full, Math.min(full, 20)));
      const store = await open();
      try {
        const bot = durableBot(steps, store.storage);
        const waves = await driveConversation(bot.feed, users, steps, mode);
        await bot.close();
        expectSteadyState(bot, users.length, steps);
        const first = waves[1]?.wallMs ?? Number.NaN;
        const last = waves[steps]?.wallMs ?? Number.NaN;
        const extra: Record<string, number> = steps > 1 ? { "last/first": last / first } : {};
        if (steps > 2) {
          // The answer before the last: what a step costs without the end's clean-up.
          extra["mid/first"] = (waves[steps - 1]?.wallMs ?? Number.NaN) / first;
        }
        return perUpdate(sumTimings(waves), users.length * (steps + 1), extra);
      } finally {
        await store.close();
      }
    },
  };
}

/** Feeds `/start` and `answers` answers from every user, untimed. */
async function feedTo(
  feed: Feed,
  users: readonly UpdateFactory[],
  answers: number,
  mode: FeedMode,
): Promise<void> {
  await feedWave(
    feed,
    users.map((u) => u.command("/start")),
    mode,
  );
  for (let i = 0; i < answers; i++) {
    await feedWave(
      feed,
      users.map((u) => u.text(ANSWER_TEXT)),
      mode,
    );
  }
}

/** Live copies the churn row keeps: a tenth of its users, so most answers find theirs evicted. */
const CHURN_LIVE = 100;
const CHURN_STEPS = 5;

/**
 * (hc) (h) at K=5 with `maxLive` far below the conversations in flight: every user's copy is
 * evicted before their next answer comes, so nearly every answer rebuilds it by replay.
 */
function churnRow(mode: FeedMode): BenchRow {
  const how = mode === "seq" ? "one at a time" : "all in flight";
  return {
    name: churnName(mode),
    label: `(hc) durable, memory, K=${CHURN_STEPS}, ${USERS} users, maxLive ${CHURN_LIVE}, ${how}`,
    unit: "µs/update",
    async measure(context) {
      const users = makeUsers(context.size(USERS, 20));
      const storage = new MemoryStorage();
      const maxLive = Math.min(CHURN_LIVE, Math.max(1, Math.floor(users.length / 10)));
      const bot = durableBot(CHURN_STEPS, storage, undefined, { maxLive });
      const waves = await driveConversation(bot.feed, users, CHURN_STEPS, mode);
      await bot.close();
      expectCount("conversations finished", bot.finished(), users.length);
      expectCount("messages no wait took", bot.unclaimed(), 0);
      expectCount("errors", bot.errors.length, 0);
      const { evicted, replays } = bot.stats();
      // All but the last copies to suspend are evicted before their next answer.
      if (replays < users.length - maxLive) {
        throw new Error(`bench: only ${replays} replays in churn`);
      }
      await storage.close();
      return perUpdate(sumTimings(waves), users.length * (CHURN_STEPS + 1), {
        evicted: evicted / users.length,
        replays: replays / users.length,
      });
    },
  };
}

function recoverRow(depth: number): BenchRow {
  return {
    name: recoverName(depth),
    label: `(r) durable: recovery of a conversation at answer ${depth} after a restart, ${RECOVERY_USERS} users, one at a time`,
    unit: "µs/update",
    async measure(context) {
      const users = makeUsers(context.size(RECOVERY_USERS, 20));
      const n = users.length;
      const storage = new MemoryStorage();
      const before = durableBot(RECOVERY_STEPS, storage);
      await feedTo(before.feed, users, depth - 1, "par");
      await before.close();
      expectCount("journal writes before the restart", before.storage.writes, n * depth);
      expectCount("errors before the restart", before.errors.length, 0);

      const api = countingFetch();
      const after = durableBot(RECOVERY_STEPS, storage, api.fetch);
      const timing = await feedWave(
        after.feed,
        users.map((u) => u.text(ANSWER_TEXT)),
        "seq",
      );
      expectCount("replays", after.runs(), n);
      expectCount("messages sent (a replay sends none)", api.sent(), n);
      expectCount(`"Question ${depth + 1}?" sent`, api.sent(`Question ${depth + 1}?`), n);
      expectCount("journal writes after the restart", after.storage.writes, n);
      expectCount("messages no wait took", after.unclaimed(), 0);
      expectCount("errors after the restart", after.errors.length, 0);
      await after.close();
      await storage.close();
      return perUpdate(timing, n);
    },
  };
}

function v2DepthRow(depth: number): BenchRow {
  const full = V2_DEPTH_USERS[depth] ?? 20;
  return {
    name: v2DepthName(depth),
    label: `(d${depth}) @grammyjs/conversations v2: answer ${depth} of ${RECOVERY_STEPS}, ${full} users, one at a time`,
    unit: "µs/update",
    reps: 3,
    async measure(context) {
      const users = makeUsers(context.size(full, Math.min(full, 10)));
      const api = countingFetch();
      const bot = conversationsBot(RECOVERY_STEPS, api.fetch);
      await feedTo(bot.feed, users, depth - 1, "par");
      expectCount(`"Question ${depth}?" sent`, api.sent(`Question ${depth}?`), users.length);
      const sentBefore = api.sent();
      const timing = await feedWave(
        bot.feed,
        users.map((u) => u.text(ANSWER_TEXT)),
        "seq",
      );
      expectCount("messages sent", api.sent() - sentBefore, users.length);
      expectCount(
        `"Question ${depth + 1}?" sent`,
        api.sent(`Question ${depth + 1}?`),
        users.length,
      );
      await bot.close();
      return perUpdate(timing, users.length);
    },
  };
}

/** Steps of the conversation whose journal the (j) rows write. */
const JOURNAL_STEPS = 20;

/** One step of a journal as (h) writes it: the answer's update, the next question's message. */
function journalStep(user: UpdateFactory, step: number) {
  const update = user.text(ANSWER_TEXT);
  const chatId = update.message?.chat.id ?? 0;
  const message = botApiResult("sendMessage", { chat_id: chatId, text: `Question ${step}?` });
  return {
    e: [
      { k: "wait", d: "ask", r: update },
      { k: "api", d: "sendMessage", r: message },
    ],
    w: { k: "wait" },
  } as unknown as import("colloquy").JsonValue;
}

function journalRow(
  id: string,
  title: string,
  open: Opener,
  full: number,
  reps?: number,
): BenchRow {
  const steps = JOURNAL_STEPS;
  return {
    name: `storage/journal/${id}/k${steps}`,
    label: `(j) ${title} alone: the journal writes of (h) K=${steps}, ${full} users, one at a time`,
    unit: "µs/update",
    ...(reps === undefined ? {} : { reps }),
    async measure(context) {
      const users = makeUsers(context.size(full, Math.min(full, 20)));
      const values = users.map((u) => journalStep(u, 2));
      const heads = users.map((_user, i) => {
        const id = 1_000_000 + i;
        return `colloquy:conv:${benchBotInfo.id}:bench:chat:${id}/user:${id}`;
      });
      const keyOf = (user: number, step: number) =>
        step === 1 ? (heads[user] as string) : `${heads[user]}#0123abcd:${step}`;
      const store = await open();
      const { storage } = store;
      const timings: Timing[] = [];
      let written = 0;
      let removed = 0;
      const timed = async (op: () => Promise<void>) => {
        const cpu = process.cpuUsage();
        const start = performance.now();
        await op();
        const used = process.cpuUsage(cpu);
        timings.push({
          wallMs: performance.now() - start,
          cpuMs: (used.user + used.system) / 1000,
        });
      };
      try {
        for (let step = 1; step <= steps; step++) {
          await timed(async () => {
            for (let user = 0; user < users.length; user++) {
              // On /start the conversation looks for a journal twice (recovery, then enter).
              if (step === 1) {
                await storage.getEntry(keyOf(user, 1));
                await storage.getEntry(keyOf(user, 1));
              }
              const result = await storage.compareAndSet(keyOf(user, step), 0, values[user]);
              if (result.ok) written++;
            }
          });
        }
        await timed(async () => {
          for (let user = 0; user < users.length; user++) {
            await storage.delete(keyOf(user, 1));
            const rest: string[] = [];
            for (let step = 2; step <= steps; step++) rest.push(keyOf(user, step));
            if (storage.deleteMany === undefined) throw new Error("a storage with deleteMany");
            await storage.deleteMany(rest);
            removed += steps;
          }
        });
        expectCount("journal writes", written, users.length * steps);
        expectCount("journal keys removed", removed, users.length * steps);
        return perUpdate(sumTimings(timings), users.length * (steps + 1));
      } finally {
        await store.close();
      }
    },
  };
}

function steadyFigures(steps: number, mode: FeedMode): Figure[] {
  const at = `k${steps} ${mode}`;
  const ours = steadyName(steps, mode);
  const figures = [
    ratio(`h/c ${at}`, "durable conv.ask over live ctx.ask", ours, askName(steps, mode), {
      op: "<=",
      value: 1.3,
    }),
  ];
  if (steps === 20) {
    figures.push(
      ratio(`d/h ${at}`, "conversations v2 over durable", `conversations/k${steps}/${mode}`, ours, {
        op: ">=",
        value: 30,
      }),
    );
  }
  if (steps > 1) {
    figures.push(
      check(`h last/first ${at}`, "durable: answer K over answer 1", `${ours}#last/first`, "×", {
        op: "<=",
        value: 1.1,
      }),
    );
  }
  if (steps > 2) {
    figures.push(
      check(
        `h mid/first ${at}`,
        "durable: answer K−1 over answer 1 (no end)",
        `${ours}#mid/first`,
        "×",
      ),
    );
  }
  return figures;
}

function sqliteFigure(mode: FeedMode): Figure {
  return {
    name: `hs/(set+c) k20 ${mode}`,
    label: "durable on SQLite over a SqliteStorage.set plus live ctx.ask",
    inputs: [sqliteName(mode), "storage/sqlite/set", askName(20, mode)],
    compute: ([h = Number.NaN, set = Number.NaN, c = Number.NaN]) => h / (set + c),
    unit: "×",
    target: { op: "<=", value: 1.5 },
  };
}

/** (h), (hs), (r) and (dN) rows, and their figures against (c), (d) and the SQLite set row. */
export const durableSuite: BenchSuite = {
  name: "durable",
  rows: [
    ...STEPS.flatMap((steps) =>
      MODES.map((mode) =>
        steadyRow(
          steadyName(steps, mode),
          "(h) durable conversation() conv.ask, memory",
          steps,
          mode,
          inMemory,
          USERS,
          steps >= 20 ? LONG_REPS : undefined,
        ),
      ),
    ),
    ...MODES.map((mode) =>
      steadyRow(
        sqliteName(mode),
        "(hs) durable conversation(), SQLite",
        20,
        mode,
        onSqlite,
        SQLITE_USERS,
        LONG_REPS,
      ),
    ),
    journalRow("memory", "MemoryStorage", inMemory, USERS),
    journalRow("sqlite", "SqliteStorage", onSqlite, SQLITE_USERS, LONG_REPS),
    ...MODES.map(churnRow),
    ...DEPTHS.map(recoverRow),
    ...DEPTHS.map(v2DepthRow),
  ],
  figures: [
    ...STEPS.flatMap((steps) => MODES.flatMap((mode) => steadyFigures(steps, mode))),
    ...MODES.map(sqliteFigure),
    ...MODES.map((mode) =>
      ratio(
        `hc/h k5 ${mode}`,
        `churn (maxLive ${CHURN_LIVE}, nearly every answer replays) over all live`,
        churnName(mode),
        steadyName(5, mode),
        { op: "<=", value: 2 },
      ),
    ),
    {
      name: "(j+c)/c k20 seq",
      label: "floor of h/c: live ctx.ask plus the journal's MemoryStorage work, over ctx.ask",
      inputs: ["storage/journal/memory/k20", askName(20, "seq")],
      compute: ([j = Number.NaN, c = Number.NaN]) => (j + c) / c,
      unit: "×",
    },
    {
      name: "(js+c)/(set+c) k20 seq",
      label: "floor of hs/(set+c): live ctx.ask plus the journal's SQLite work, over set + ctx.ask",
      inputs: ["storage/journal/sqlite/k20", "storage/sqlite/set", askName(20, "seq")],
      compute: ([j = Number.NaN, set = Number.NaN, c = Number.NaN]) => (j + c) / (set + c),
      unit: "×",
    },
    {
      name: "hs/(js+c) k20 seq",
      label: "durable on SQLite over its floor (live ctx.ask plus the journal's SQLite work)",
      inputs: [sqliteName("seq"), "storage/journal/sqlite/k20", askName(20, "seq")],
      compute: ([h = Number.NaN, j = Number.NaN, c = Number.NaN]) => h / (j + c),
      unit: "×",
    },
    {
      name: "h/(j+c) k20 seq",
      label: "durable on memory over its floor (live ctx.ask plus the journal's memory work)",
      inputs: [steadyName(20, "seq"), "storage/journal/memory/k20", askName(20, "seq")],
      compute: ([h = Number.NaN, j = Number.NaN, c = Number.NaN]) => h / (j + c),
      unit: "×",
    },
    ...DEPTHS.map((depth) =>
      ratio(
        `rec/v2 d${depth}`,
        `durable recovery over one conversations v2 update, answer ${depth}`,
        recoverName(depth),
        v2DepthName(depth),
        { op: "<=", value: 1 },
      ),
    ),
  ],
};
