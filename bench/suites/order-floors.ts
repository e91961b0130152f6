/**
 * The floors of bench/suites/order.ts: what each framework costs for `/order`'s replies with no
 * flow at all, and bots whose users are in no flow, with and without the flow installed.
 *
 * A stubbed reply costs grammY several times what it costs Telegraf, so a raw row against the
 * wizard mostly compares stubs. A flow's own cost is its row minus its framework's replies row:
 * the same messages, in the same order, sent by a bot that keeps no state (the cart it shows is
 * read off the item's name, `Item N` having the first N items before it).
 *
 * @module
 */
import type { Lock, Storage } from "colloquy";
import { colloquy } from "colloquy/grammy";
import type { Context } from "grammy";
import type { Context as TelegrafContext } from "telegraf";
import { installOrder, type OrderContext } from "../../examples/demo/order/index.js";
import { buttons, orderTexts as texts } from "../../examples/demo/order/texts.js";
import { settle } from "./bots.js";
import {
  countingBot,
  countingTelegraf,
  ITEMS,
  keyboard,
  type OrderBot,
  orderBotOf,
  SendCounter,
  telegrafOrderBotOf,
} from "./order-bots.js";

/** What a bot able to `reply` needs, in grammY and in Telegraf alike. */
interface Replier {
  readonly from?: { readonly first_name: string } | undefined;
  reply(text: string, extra?: object): Promise<unknown>;
}

/** The messages `/order`'s flow sends for `text` on the path the bench walks, with no state. */
async function replyAsTheFlow(ctx: Replier, text: string): Promise<void> {
  if (text === "/order") {
    await ctx.reply(
      texts.hello(ctx.from?.first_name ?? "there"),
      keyboard(buttons.yes, buttons.no),
    );
  } else if (text === buttons.yes) {
    await ctx.reply(texts.gotYourBack);
    await ctx.reply(texts.whatToOrder([]), keyboard(buttons.finish, buttons.cancel));
  } else if (text === buttons.finish) {
    await ctx.reply(texts.ordering(ITEMS));
    await ctx.reply(texts.ordered);
    await ctx.reply(texts.again, keyboard(buttons.yes, buttons.no));
  } else {
    await ctx.reply(texts.added(text));
    const cart = ITEMS.slice(0, ITEMS.indexOf(text) + 1);
    await ctx.reply(texts.whatToOrder(cart), keyboard(buttons.finish, buttons.cancel));
  }
}

/** grammY sending `/order`'s replies with no state: the floor of the grammY rows. */
export function grammyRepliesBot(): OrderBot {
  const counter = new SendCounter();
  const bot = countingBot<Context>(counter);
  bot.on("message:text", (ctx) => replyAsTheFlow(ctx, ctx.message.text));
  return orderBotOf(bot, counter, settle);
}

/** Telegraf sending `/order`'s replies with no state: the floor of the wizard's row. */
export function telegrafRepliesBot(): OrderBot {
  const counter = new SendCounter();
  const bot = countingTelegraf<TelegrafContext>(counter);
  bot.on("message", (ctx, next) =>
    "text" in ctx.message ? replyAsTheFlow(ctx, ctx.message.text) : next(),
  );
  return telegrafOrderBotOf(bot, counter);
}

/**
 * A bot with colloquy whose users are in no flow: each text gets one reply from a handler after
 * the flow's middleware (when `flow` is given), or with no flow installed at all.
 */
export function outsideBot(flow?: { readonly storage: Storage; readonly lock: Lock }): OrderBot {
  const counter = new SendCounter();
  const bot = countingBot<OrderContext>(counter);
  const errors: unknown[] = [];
  const plugin = colloquy<OrderContext>({ onError: (error) => errors.push(error) });
  bot.use(plugin);
  if (flow !== undefined) installOrder(bot, { ...flow, prefix: "bench:" });
  bot.on("message:text", (ctx) => ctx.reply(texts.sayWhat));
  return orderBotOf(bot, counter, async () => {
    plugin.shutdown();
    await settle();
    if (errors.length > 0) throw errors[0];
  });
}
