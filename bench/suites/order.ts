/**
 * µs per update of the demo's `/order` (issue 7), on colloquy's node flow over memory, SQLite and
 * Redis, beside the same flow written as a state machine in grammY `session()` data and as a
 * Telegraf WizardScene, in one run.
 *
 * Every user walks the same path, one wave (an update from each user) per step: `/order`, `Yes`,
 * N items, `Finish` — 16 messages sent back per user at N = 5. Each bot counts the messages it
 * sends and the `Ordering <cart>` lines with the full cart, so a row that skipped work or lost an
 * item fails instead of being fast.
 *
 * colloquy's flow is the demo's own (`installOrder`, examples/demo/order): every update takes the
 * user's lease, reads the snapshot and writes the next one with compare-and-set, and keeps the
 * back-history on the same storage. The peers keep their state in process memory, by reference,
 * without a lock (grammY's `MemorySessionStorage`, Telegraf's default session store).
 *
 * @module
 */
import { join } from "node:path";
import type { Update } from "@grammyjs/types";
import { MemoryLock, MemoryStorage } from "colloquy";
import { RedisLock, RedisStorage } from "colloquy/redis";
import { SqliteStorage } from "colloquy/sqlite";
import type { UpdateFactory } from "colloquy/testing";
import { buttons } from "../../examples/demo/order/texts.js";
import { tempDir } from "../../test/support/temp-dir.js";
import { check, ratio } from "../harness/figures.js";
import type { BenchRow, BenchSuite, Figure, Target } from "../harness/types.js";
import { type FeedMode, feedWave, makeUsers, sumTimings, type Timing } from "./drive.js";
import { expectCount, perUpdate } from "./measure.js";
import {
  colloquyOrderBot,
  ITEMS,
  MESSAGES_PER_USER,
  type OrderBot,
  sessionOrderBot,
  UPDATES_PER_USER,
  wizardOrderBot,
} from "./order-bots.js";
import { grammyRepliesBot, telegrafRepliesBot } from "./order-floors.js";
import { outsideFigures, outsideRows } from "./order-outside.js";
import { countingClient, ifRedis, withRedis } from "./redis-server.js";

/** Each user's updates, wave by wave: `/order`, `Yes`, the items, `Finish`. */
function waves(users: readonly UpdateFactory[]): Update[][] {
  const texts = [buttons.yes, ...ITEMS, buttons.finish];
  return [
    users.map((u) => u.command("/order")),
    ...texts.map((text) => users.map((u) => u.text(text))),
  ];
}

/** A bot on what it needs, opened and disposed of by the row (untimed). */
interface Setup {
  readonly bot: OrderBot;
  /** Redis commands sent so far, on the Redis variant. */
  commands?(): number;
  dispose(): Promise<void>;
}

interface Variant {
  readonly id: string;
  readonly title: string;
  /** Users per row at full size. */
  readonly users: number;
  readonly redis?: boolean;
  readonly reps?: number;
  /** Builds the bot; given the Redis port when the variant runs on Redis. */
  setup(redisPort: number | undefined): Promise<Setup>;
}

const variants: readonly Variant[] = [
  {
    id: "colloquy/memory",
    title: "colloquy node flow, MemoryStorage + MemoryLock",
    users: 500,
    setup: async () => {
      const storage = new MemoryStorage();
      return { bot: colloquyOrderBot(storage, new MemoryLock()), dispose: () => storage.close() };
    },
  },
  {
    id: "colloquy/sqlite",
    title: "colloquy node flow, SqliteStorage (temp file) + MemoryLock",
    users: 500,
    setup: async () => {
      const dir = await tempDir("bench");
      const storage = new SqliteStorage({ path: join(dir.path, "order.db") });
      return {
        bot: colloquyOrderBot(storage, new MemoryLock()),
        dispose: async () => {
          await storage.close();
          await dir.remove();
        },
      };
    },
  },
  {
    id: "colloquy/redis",
    title: "colloquy node flow, RedisStorage + RedisLock",
    users: 100,
    redis: true,
    setup: async (port) => {
      if (port === undefined) throw new Error("bench: this row needs a redis-server");
      const { client, commands } = countingClient(port);
      const storage = new RedisStorage({ client, prefix: "bench:" });
      const lock = new RedisLock({ client, prefix: "bench:lock:" });
      return {
        bot: colloquyOrderBot(storage, lock),
        commands,
        dispose: async () => {
          await storage.close();
          await client.quit();
        },
      };
    },
  },
  {
    id: "grammy-session",
    title: "grammY session() state machine (memory)",
    users: 500,
    setup: async () => ({ bot: sessionOrderBot(), dispose: async () => {} }),
  },
  {
    id: "telegraf-wizard",
    title: "Telegraf WizardScene (memory session)",
    users: 500,
    setup: async () => ({ bot: wizardOrderBot(), dispose: async () => {} }),
  },
  {
    id: "grammy-replies",
    title: "floor: grammY sending the same replies with no state",
    users: 500,
    setup: async () => ({ bot: grammyRepliesBot(), dispose: async () => {} }),
  },
  {
    id: "telegraf-replies",
    title: "floor: Telegraf sending the same replies with no state",
    users: 500,
    setup: async () => ({ bot: telegrafRepliesBot(), dispose: async () => {} }),
  },
];

const rowName = (variant: Variant, mode: FeedMode) => `order/${variant.id}/${mode}`;

function orderRow(variant: Variant, mode: FeedMode): BenchRow {
  const how = mode === "seq" ? "one at a time" : "each wave all in flight";
  return {
    name: rowName(variant, mode),
    label: `${variant.title}, ${variant.users} users, ${how}`,
    unit: "µs/update",
    ...(variant.reps === undefined ? {} : { reps: variant.reps }),
    async measure(context) {
      const run = async (port: number | undefined) => {
        const users = makeUsers(context.size(variant.users, 20));
        const { bot, commands, dispose } = await variant.setup(port);
        try {
          const timings: Timing[] = [];
          const commandsBefore = commands?.() ?? 0;
          for (const wave of waves(users)) timings.push(await feedWave(bot.feed, wave, mode));
          const updates = users.length * UPDATES_PER_USER;
          const extra =
            commands === undefined ? {} : { "redis cmds": (commands() - commandsBefore) / updates };
          await bot.close();
          expectCount("messages sent", bot.sent(), users.length * MESSAGES_PER_USER);
          expectCount("full orders placed", bot.ordered(), users.length);
          expectCount("unclaimed messages", bot.unclaimed(), 0);
          return perUpdate(sumTimings(timings), updates, extra);
        } finally {
          await dispose();
        }
      };
      return variant.redis ? withRedis((server) => run(server.port)) : run(undefined);
    },
  };
}

const MODES: readonly FeedMode[] = ["seq", "par"];

const local = variants.filter((v) => v.redis !== true);
const onRedis = ifRedis(
  "the /order rows on Redis (order/colloquy/redis/*)",
  variants.filter((v) => v.redis === true),
);
const rows = [...local, ...onRedis].flatMap((v) => MODES.map((mode) => orderRow(v, mode)));

/** A flow's own cost: its row minus its framework's replies row (µs per update). */
function ownCost(name: string, label: string, row: string, floor: string): Figure {
  return {
    name,
    label,
    inputs: [row, floor],
    compute: ([ours = Number.NaN, replies = Number.NaN]) => ours - replies,
    unit: "µs",
  };
}

/** One own cost over another: `(a − its floor) / (b − its floor)`. */
function ownRatio(
  name: string,
  label: string,
  [row, floor]: readonly [string, string],
  [peer, peerFloor]: readonly [string, string],
  target?: Target,
): Figure {
  return {
    name,
    label,
    inputs: [row, floor, peer, peerFloor],
    compute: ([a = Number.NaN, fa = Number.NaN, b = Number.NaN, fb = Number.NaN]) =>
      (a - fa) / (b - fb),
    unit: "×",
    ...(target === undefined ? {} : { target }),
  };
}

/** The wizard's own-cost targets (issue 18), sequential: the flow on each backend over it. */
const OWN_TARGETS: Readonly<Record<string, number>> = { memory: 1.0, sqlite: 1.5 };

function figuresOf(mode: FeedMode): Figure[] {
  const name = (id: string) => `order/${id}/${mode}`;
  const ours = [...local, ...onRedis].filter((v) => v.id.startsWith("colloquy/"));
  const wizard = [name("telegraf-wizard"), name("telegraf-replies")] as const;
  return [
    ...ours.map((v) => {
      const backend = v.id.slice("colloquy/".length);
      const target = backend === "memory" && mode === "par" ? 1.2 : undefined;
      return ratio(
        `order ${backend}/session ${mode}`,
        `/order on colloquy ${backend} over grammY session()`,
        name(v.id),
        name("grammy-session"),
        target === undefined ? undefined : { op: "<=", value: target },
      );
    }),
    ratio(
      `order wizard/memory ${mode}`,
      "/order as a Telegraf wizard over colloquy memory",
      name("telegraf-wizard"),
      name("colloquy/memory"),
    ),
    ...ours.map((v) => {
      const backend = v.id.slice("colloquy/".length);
      return ownCost(
        `own ${backend} ${mode}`,
        `colloquy ${backend}'s own cost: the row minus grammY's replies row`,
        name(v.id),
        name("grammy-replies"),
      );
    }),
    ...ours
      .filter((v) => v.redis === true)
      .map((v) =>
        check(
          `order redis cmds ${mode}`,
          "Redis commands per update of /order, lease and history included",
          `${name(v.id)}#redis cmds`,
          "cmds",
          { op: "<=", value: 2 },
        ),
      ),
    ownCost(
      `own session ${mode}`,
      "grammY session()'s own cost: the row minus grammY's replies row",
      name("grammy-session"),
      name("grammy-replies"),
    ),
    ownCost(
      `own wizard ${mode}`,
      "the wizard's own cost: the row minus Telegraf's replies row",
      ...wizard,
    ),
    ...ours.map((v) => {
      const backend = v.id.slice("colloquy/".length);
      const target = mode === "seq" ? OWN_TARGETS[backend] : undefined;
      return ownRatio(
        `own ${backend}/wizard ${mode}`,
        `colloquy ${backend}'s own cost over the wizard's`,
        [name(v.id), name("grammy-replies")],
        wizard,
        target === undefined ? undefined : { op: "<=", value: target },
      );
    }),
  ];
}

/** /order per update on every backend and peer, with each backend's ratio to grammY session(). */
export const orderSuite: BenchSuite = {
  name: "order",
  rows: [...rows, ...outsideRows],
  figures: [...MODES.flatMap(figuresOf), ...outsideFigures],
};
