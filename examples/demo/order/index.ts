/**
 * /order: the botnodes food-order flow, durable. Where each user is (menu, cart with its items,
 * on hold) lives in the storage, so the flow survives the bot being killed and restarted at any
 * point; the lock keeps one update per user at a time, across instances when it is Redis.
 */
import type { Clock, Lock, Storage } from "colloquy";
import { type BotFlow, createFlow, goto } from "colloquy/grammy";
import type { Bot } from "grammy";
import { menu, type OrderContext, orderNodes } from "./nodes.js";

export type { OrderContext } from "./nodes.js";

/** What /order needs from the demo. */
export interface OrderOptions {
  readonly storage: Storage;
  readonly lock: Lock;
  /** Put before the flow's storage keys; bots sharing a storage need their own. */
  readonly prefix?: string;
  /** Drives lease extensions (tests pass a manual clock). */
  readonly clock?: Clock;
}

/**
 * Registers `/order` (which also restarts a user already in the flow) and routes the text
 * messages of users in the flow to their node. Call it after `bot.use(colloquy())` and the other
 * commands (they keep working inside the flow), before any catch-all handler. `/cancel` leaves
 * the flow with `order.leave(ctx)`, which resolves to whether the user was in it.
 *
 * @example
 * ```ts
 * const order = installOrder(bot, { storage, lock });
 * bot.command("cancel", async (ctx) => ctx.reply((await order.leave(ctx)) ? "Cancelled." : "Nothing to cancel."));
 * ```
 */
export function installOrder<C extends OrderContext>(
  bot: Bot<C>,
  options: OrderOptions,
): BotFlow<OrderContext> {
  const order = createFlow<OrderContext>({
    id: "order",
    nodes: orderNodes,
    start: goto(menu, { firstLaunch: true }),
    storage: options.storage,
    lock: options.lock,
    prefix: options.prefix ?? "colloquy-demo:",
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  bot.command("order", (ctx) => order.enter(ctx));
  bot.on("message:text", order);
  return order;
}
