/**
 * The `/order` flow as each bot under test runs it for bench/suites/order.ts: colloquy's node
 * flow from the demo, a state machine in grammY `session()` data, and a Telegraf WizardScene, each
 * counting the messages it sends and the orders it places with the full cart.
 *
 * @module
 */
import type { Lock, Storage } from "colloquy";
import { colloquy } from "colloquy/grammy";
import { Bot, type Context, type SessionFlavor, session } from "grammy";
import {
  Scenes,
  Telegraf,
  type Context as TelegrafContext,
  session as telegrafSession,
} from "telegraf";
import { installOrder, type OrderContext } from "../../examples/demo/order/index.js";
import { buttons, orderTexts as texts } from "../../examples/demo/order/texts.js";
import { benchBotInfo } from "../stubs/bot-api.js";
import { stubFetch } from "../stubs/grammy-fetch.js";
import { stubTelegraf } from "../stubs/telegraf.js";
import { settle } from "./bots.js";
import type { Feed } from "./drive.js";

/** Items each user puts in the cart. */
export const ITEMS = Array.from({ length: 5 }, (_, i) => `Item ${i + 1}`);
/** Updates per user: `/order`, `Yes`, the items, `Finish`. */
export const UPDATES_PER_USER = ITEMS.length + 3;
/** Messages the bot sends per user: 1 + 2 (Yes) + 2 per item + 3 (Finish). */
export const MESSAGES_PER_USER = 1 + 2 + 2 * ITEMS.length + 3;
/** What `Finish` says with the full cart, and how that text reads inside a JSON request body. */
const ORDERING = texts.ordering(ITEMS);
const ORDERING_JSON = `"text":${JSON.stringify(ORDERING)}`;

/** A bot under test, and what it did. */
export interface OrderBot {
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
export class SendCounter {
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
export function countingBot<C extends Context>(counter: SendCounter): Bot<C> {
  const fetch = ((url: string, init?: { body?: unknown }) => {
    const body = typeof init?.body === "string" ? init.body : "";
    const method = url.slice(url.lastIndexOf("/") + 1);
    counter.count(method, body.includes(ORDERING_JSON));
    return (stubFetch as unknown as (url: string, init?: unknown) => unknown)(url, init);
  }) as unknown as GrammyFetch;
  return new Bot<C>("42:bench", { botInfo: benchBotInfo, client: { fetch } });
}

/** A reply keyboard of one row, as the demo's nodes send it. */
export function keyboard(...labels: string[]) {
  return { reply_markup: { keyboard: [labels.map((text) => ({ text }))], resize_keyboard: true } };
}

/** A grammY bot as an {@link OrderBot}: a catch-all after its handlers counts what they missed. */
export function orderBotOf<C extends Context>(
  bot: Bot<C>,
  counter: SendCounter,
  close: () => Promise<void>,
): OrderBot {
  let unclaimed = 0;
  bot.on("message", () => {
    unclaimed++;
  });
  return {
    feed: (update) => bot.handleUpdate(update),
    sent: () => counter.sent,
    ordered: () => counter.ordered,
    unclaimed: () => unclaimed,
    close,
  };
}

/** colloquy: the demo's `/order` node flow on `storage` and `lock`. */
export function colloquyOrderBot(storage: Storage, lock: Lock): OrderBot {
  const counter = new SendCounter();
  const bot = countingBot<OrderContext>(counter);
  const errors: unknown[] = [];
  const plugin = colloquy<OrderContext>({ onError: (error) => errors.push(error) });
  bot.use(plugin);
  installOrder(bot, { storage, lock, prefix: "bench:" });
  return orderBotOf(bot, counter, async () => {
    plugin.shutdown();
    await settle();
    if (errors.length > 0) throw errors[0];
  });
}

/** Where a user is in the grammY `session()` version. */
interface OrderSession {
  node: "none" | "menu" | "hungry" | "hold";
  order: string[];
}
type SessionContext = Context & SessionFlavor<OrderSession>;

/** The same flow as a plain state machine in grammY `session()` data (in memory, its default). */
export function sessionOrderBot(): OrderBot {
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
          await ctx.reply(texts.gotYourBack);
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
  return orderBotOf(bot, counter, settle);
}

type WizardContext = Scenes.WizardContext;
type Step = (ctx: WizardContext) => Promise<unknown>;

/** The same flow as a Telegraf WizardScene (in-memory session, its default). */
export function wizardOrderBot(): OrderBot {
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
        await ctx.reply(texts.gotYourBack);
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
  const bot = countingTelegraf<WizardContext>(counter);
  bot.use(telegrafSession());
  bot.use(new Scenes.Stage<WizardContext>([scene]).middleware());
  bot.command("order", (ctx) => ctx.scene.enter("order"));
  return telegrafOrderBotOf(bot, counter);
}

/** A Telegraf bot on the stub Bot API that counts what it sends, on each update's `Telegram`. */
export function countingTelegraf<C extends TelegrafContext>(counter: SendCounter): Telegraf<C> {
  stubTelegraf();
  const bot = new Telegraf<C>("42:bench");
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
  return bot;
}

/** A Telegraf bot as an {@link OrderBot}: a catch-all after its handlers counts what they missed. */
export function telegrafOrderBotOf<C extends TelegrafContext>(
  bot: Telegraf<C>,
  counter: SendCounter,
): OrderBot {
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
