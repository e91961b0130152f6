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
import { conversationsBot } from "./bots.js";
import { STEPS } from "./conversation.js";
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
 * Repetitions of the longest rows (K = 50 has 51 updates per user; SQLite pays a transaction per
 * journal write and per removed key), so the whole run stays within a few minutes.
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
          steps >= 50 ? LONG_REPS : undefined,
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
    ...DEPTHS.map(recoverRow),
    ...DEPTHS.map(v2DepthRow),
  ],
  figures: [
    ...STEPS.flatMap((steps) => MODES.flatMap((mode) => steadyFigures(steps, mode))),
    ...MODES.map(sqliteFigure),
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
