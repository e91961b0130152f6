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
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Update } from "@grammyjs/types";
import { type Lock, MemoryLock, MemoryStorage, type Storage } from "colloquy";
import { colloquy } from "colloquy/grammy";
import { RedisLock, RedisStorage } from "colloquy/redis";
import { SqliteStorage } from "colloquy/sqlite";
import type { UpdateFactory } from "colloquy/testing";
import { Bot, type Context, type SessionFlavor, session } from "grammy";
import { Scenes, Telegraf, session as telegrafSession } from "telegraf";
import { installOrder, type OrderContext } from "../../examples/demo/order/index.js";
import { buttons, orderTexts as texts } from "../../examples/demo/order/texts.js";
import { ratio } from "../harness/figures.js";
import type { BenchRow, BenchSuite, Figure } from "../harness/types.js";
import { benchBotInfo } from "../stubs/bot-api.js";
import { stubFetch } from "../stubs/grammy-fetch.js";
import { stubTelegraf } from "../stubs/telegraf.js";
import { settle } from "./bots.js";
import { type Feed, type FeedMode, feedWave, makeUsers, sumTimings, type Timing } from "./drive.js";
import { expectCount, perUpdate } from "./measure.js";
import { countingClient, ifRedis, withRedis } from "./redis-server.js";

/** Items each user puts in the cart. */
const ITEMS = Array.from({ length: 5 }, (_, i) => `Item ${i + 1}`);
/** Updates per user: `/order`, `Yes`, the items, `Finish`. */
const UPDATES_PER_USER = ITEMS.length + 3;
/** Messages the bot sends per user: 1 + 2 (Yes) + 2 per item + 3 (Finish). */
const MESSAGES_PER_USER = 1 + 2 + 2 * ITEMS.length + 3;
/** What `Finish` says with the full cart, and how that text reads inside a JSON request body. */
const ORDERING = texts.ordering(ITEMS);
const ORDERING_JSON = `"text":${JSON.stringify(ORDERING)}`;

/** A bot under test, and what it did. */
interface OrderBot {
  readonly feed: Feed;
  /** `sendMessage` calls made. */
  sent(): number;
  /** `Ordering <the full cart>` messages sent: orders that went through with every item. */
  ordered(): number;
  /** Text messages no handler took (should be none). */
  unclaimed(): number;
  close(): Promise<void>;
}

/** Counts the messages a bot sends, and those that place the full order. */
class SendCounter {
  sent = 0;
  ordered = 0;

  /** One API call; `placesOrder`: it sends the `Ordering <the full cart>` text. */
  count(method: string, placesOrder: boolean): void {
    if (method !== "sendMessage") return;
    this.sent++;
    if (placesOrder) this.ordered++;
  }
}

type GrammyFetch = typeof stubFetch;

/** A grammY bot on the stub Bot API that counts what it sends, as the fetch sees it. */
function countingBot<C extends Context>(counter: SendCounter): Bot<C> {
  const fetch = ((url: string, init?: { body?: unknown }) => {
    const body = typeof init?.body === "string" ? init.body : "";
    const method = url.slice(url.lastIndexOf("/") + 1);
    counter.count(method, body.includes(ORDERING_JSON));
    return (stubFetch as unknown as (url: string, init?: unknown) => unknown)(url, init);
  }) as unknown as GrammyFetch;
  return new Bot<C>("42:bench", { botInfo: benchBotInfo, client: { fetch } });
}

function keyboard(...labels: string[]) {
  return { reply_markup: { keyboard: [labels.map((text) => ({ text }))], resize_keyboard: true } };
}

/** colloquy: the demo's `/order` node flow on `storage` and `lock`. */
function colloquyOrderBot(storage: Storage, lock: Lock): OrderBot {
  const counter = new SendCounter();
  const bot = countingBot<OrderContext>(counter);
  const errors: unknown[] = [];
  const plugin = colloquy<OrderContext>({ onError: (error) => errors.push(error) });
  bot.use(plugin);
  installOrder(bot, { storage, lock, prefix: "bench:" });
  let unclaimed = 0;
  bot.on("message", () => {
    unclaimed++;
  });
  return {
    feed: (update) => bot.handleUpdate(update),
    sent: () => counter.sent,
    ordered: () => counter.ordered,
    unclaimed: () => unclaimed,
    async close() {
      plugin.shutdown();
      await settle();
      if (errors.length > 0) throw errors[0];
    },
  };
}

/** Where a user is in the grammY `session()` version. */
interface OrderSession {
  node: "none" | "menu" | "hungry" | "hold";
  order: string[];
}
type SessionContext = Context & SessionFlavor<OrderSession>;

/** The same flow as a plain state machine in grammY `session()` data (in memory, its default). */
function sessionOrderBot(): OrderBot {
  const counter = new SendCounter();
  const bot = countingBot<SessionContext>(counter);
  bot.use(session({ initial: (): OrderSession => ({ node: "none", order: [] }) }));
  const toMenu = (ctx: SessionContext) => {
    ctx.session.node = "menu";
    return ctx.reply(texts.again, keyboard(buttons.yes, buttons.no));
  };
  bot.command("order", async (ctx) => {
    ctx.session.node = "menu";
    await ctx.reply(
      texts.hello(ctx.from?.first_name ?? "there"),
      keyboard(buttons.yes, buttons.no),
    );
  });
  bot.on("message:text", async (ctx, next) => {
    const text = ctx.message.text;
    const state = ctx.session;
    switch (state.node) {
      case "none":
        return next();
      case "menu":
        if (text === buttons.yes) {
          await ctx.reply(texts.gotYou);
          state.node = "hungry";
          state.order = [];
          await ctx.reply(texts.whatToOrder([]), keyboard(buttons.finish, buttons.cancel));
        } else if (text === buttons.no) {
          await ctx.reply(texts.later, { reply_markup: { remove_keyboard: true } });
          state.node = "hold";
        } else {
          await ctx.reply(texts.sayWhat);
        }
        return;
      case "hungry":
        if (text === buttons.finish) {
          if (state.order.length === 0) {
            await ctx.reply(texts.cartEmpty);
            return;
          }
          await ctx.reply(texts.ordering(state.order));
          await ctx.reply(texts.ordered);
          await toMenu(ctx);
        } else if (text === buttons.cancel) {
          await ctx.reply(texts.orderCancelled);
          await toMenu(ctx);
        } else {
          await ctx.reply(texts.added(text));
          state.order = [...state.order, text];
          await ctx.reply(texts.whatToOrder(state.order), keyboard(buttons.finish, buttons.cancel));
        }
        return;
      case "hold":
        await toMenu(ctx);
        return;
    }
  });
  let unclaimed = 0;
  bot.on("message", () => {
    unclaimed++;
  });
  return {
    feed: (update) => bot.handleUpdate(update),
    sent: () => counter.sent,
    ordered: () => counter.ordered,
    unclaimed: () => unclaimed,
    close: settle,
  };
}

type WizardContext = Scenes.WizardContext;
type Step = (ctx: WizardContext) => Promise<unknown>;

/** The same flow as a Telegraf WizardScene (in-memory session, its default). */
function wizardOrderBot(): OrderBot {
  stubTelegraf();
  const counter = new SendCounter();
  const cart = (ctx: WizardContext) => ctx.wizard.state as { order?: string[] };
  const MENU = 1;
  const HUNGRY = 2;
  const HOLD = 3;
  const toMenu = async (ctx: WizardContext) => {
    await ctx.reply(texts.again, keyboard(buttons.yes, buttons.no));
    return ctx.wizard.selectStep(MENU);
  };
  const steps: Step[] = [
    async (ctx) => {
      await ctx.reply(
        texts.hello(ctx.from?.first_name ?? "there"),
        keyboard(buttons.yes, buttons.no),
      );
      return ctx.wizard.selectStep(MENU);
    },
    async (ctx) => {
      const text = ctx.text;
      if (text === buttons.yes) {
        await ctx.reply(texts.gotYou);
        cart(ctx).order = [];
        await ctx.reply(texts.whatToOrder([]), keyboard(buttons.finish, buttons.cancel));
        return ctx.wizard.selectStep(HUNGRY);
      }
      if (text === buttons.no) {
        await ctx.reply(texts.later, { reply_markup: { remove_keyboard: true } });
        return ctx.wizard.selectStep(HOLD);
      }
      return ctx.reply(texts.sayWhat);
    },
    async (ctx) => {
      const text = ctx.text ?? "";
      const order = cart(ctx).order ?? [];
      if (text === buttons.finish) {
        if (order.length === 0) return ctx.reply(texts.cartEmpty);
        await ctx.reply(texts.ordering(order));
        await ctx.reply(texts.ordered);
        return toMenu(ctx);
      }
      if (text === buttons.cancel) {
        await ctx.reply(texts.orderCancelled);
        return toMenu(ctx);
      }
      await ctx.reply(texts.added(text));
      cart(ctx).order = [...order, text];
      return ctx.reply(
        texts.whatToOrder([...order, text]),
        keyboard(buttons.finish, buttons.cancel),
      );
    },
    toMenu,
  ];
  const scene = new Scenes.WizardScene<WizardContext>("order", ...steps);
  const bot = new Telegraf<WizardContext>("42:bench");
  bot.botInfo = benchBotInfo;
  // Telegraf makes a Telegram instance per update, and the stub replaced the prototype's
  // callApi for every bot; so the counting goes on each update's instance, first thing.
  bot.use((ctx, next) => {
    const telegram = ctx.telegram as unknown as {
      callApi(method: string, payload: unknown, options?: unknown): Promise<unknown>;
    };
    const callApi = telegram.callApi;
    telegram.callApi = (method, payload, options) => {
      counter.count(method, (payload as { text?: unknown } | undefined)?.text === ORDERING);
      return callApi.call(telegram, method, payload, options);
    };
    return next();
  });
  bot.use(telegrafSession());
  bot.use(new Scenes.Stage<WizardContext>([scene]).middleware());
  bot.command("order", (ctx) => ctx.scene.enter("order"));
  let unclaimed = 0;
  bot.on("message", () => {
    unclaimed++;
  });
  return {
    feed: (update) => bot.handleUpdate(update as never),
    sent: () => counter.sent,
    ordered: () => counter.ordered,
    unclaimed: () => unclaimed,
    close: settle,
  };
}

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

async function tempDir() {
  const path = await mkdtemp(join(tmpdir(), "colloquy-bench-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
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
      const dir = await tempDir();
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

function figuresOf(mode: FeedMode): Figure[] {
  const name = (id: string) => `order/${id}/${mode}`;
  const ours = [...local, ...onRedis].filter((v) => v.id.startsWith("colloquy/"));
  return [
    ...ours.map((v) => {
      const backend = v.id.slice("colloquy/".length);
      return ratio(
        `order ${backend}/session ${mode}`,
        `/order on colloquy ${backend} over grammY session()`,
        name(v.id),
        name("grammy-session"),
      );
    }),
    ratio(
      `order wizard/memory ${mode}`,
      "/order as a Telegraf wizard over colloquy memory",
      name("telegraf-wizard"),
      name("colloquy/memory"),
    ),
  ];
}

/** /order per update on every backend and peer, with each backend's ratio to grammY session(). */
export const orderSuite: BenchSuite = {
  name: "order",
  rows,
  figures: MODES.flatMap(figuresOf),
};
