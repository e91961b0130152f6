/**
 * The /order flow's nodes: the main menu, the cart ("hungry") and a pause ("hold"). Declarations
 * (keys and data schemas) come first; they are what is stored, so they never change lightly.
 */

import { defineNode, goto, stay } from "colloquy";
import type { ColloquyFlavor } from "colloquy/grammy";
import type { Context } from "grammy";
import type { ReplyKeyboardMarkup } from "grammy/types";
import { z } from "zod";
import { buttons, orderTexts as texts } from "./texts.js";

/** The context the nodes need: grammY's, with colloquy's plugin installed. */
export type OrderContext = Context & ColloquyFlavor;

export const menu = defineNode({ key: "start", schema: z.object({ firstLaunch: z.boolean() }) });
export const hungry = defineNode({
  key: "hungry",
  schema: z.object({ order: z.array(z.string()) }),
});
export const hold = defineNode({ key: "hold", schema: z.object({}) });

function keyboard(...labels: string[]): { reply_markup: ReplyKeyboardMarkup } {
  return { reply_markup: { keyboard: [labels.map((text) => ({ text }))], resize_keyboard: true } };
}

const backToMenu = () => goto(menu, { firstLaunch: false });

// Each node lists where it may lead (`to`): a goto elsewhere is a type error, and `flow.diagram()`
// draws the flow from these lists (docs/flow-diagrams.md). `ctx` is typed in the handlers, so
// that TypeScript infers the list.

const menuNode = menu.handle({
  to: [hungry, hold],
  async enter(ctx: OrderContext, { firstLaunch }) {
    const text = firstLaunch ? texts.hello(ctx.from?.first_name ?? "there") : texts.again;
    await ctx.reply(text, keyboard(buttons.yes, buttons.no));
  },
  async event(ctx: OrderContext) {
    const text = ctx.message?.text;
    if (text === buttons.yes) {
      await ctx.reply(texts.gotYourBack);
      return goto(hungry, { order: [] });
    }
    if (text === buttons.no) {
      await ctx.reply(texts.later, { reply_markup: { remove_keyboard: true } });
      return goto(hold, {});
    }
    await ctx.reply(texts.sayWhat);
    return stay();
  },
});

const hungryNode = hungry.handle({
  to: [hungry, menu],
  async enter(ctx: OrderContext, { order }) {
    await ctx.reply(texts.whatToOrder(order), keyboard(buttons.finish, buttons.cancel));
  },
  async event(ctx: OrderContext, { order }) {
    const text = ctx.message?.text ?? "";
    if (text === buttons.finish) {
      if (order.length === 0) {
        await ctx.reply(texts.cartEmpty);
        return stay();
      }
      await ctx.reply(texts.ordering(order));
      await ctx.reply(texts.ordered);
      return backToMenu();
    }
    if (text === buttons.cancel) {
      await ctx.reply(texts.orderCancelled);
      return backToMenu();
    }
    await ctx.reply(texts.added(text));
    // Entering the cart again shows it with the new item, as the seed's `return Hungry(...)` does.
    return goto(hungry, { order: [...order, text] });
  },
});

// On hold there is nothing to say; any next message brings the menu back.
const holdNode = hold.handle({ to: [menu], event: (_ctx: OrderContext) => backToMenu() });

/** Every node of the flow, for `createFlow({ nodes })`. */
export const orderNodes = [menuNode, hungryNode, holdNode];
