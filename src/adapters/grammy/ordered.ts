/**
 * `ordered()`: webhook updates handled in `update_id` order, in one process.
 *
 * @module
 */
import type { Context, MiddlewareFn, MiddlewareObj } from "grammy";
import type { Clock } from "../../clock.js";
import { OrderedQueue } from "../../delegation/ordered-queue.js";

/** Options of {@link ordered}. */
export interface OrderedOptions {
  /** The longest an update waits for a missing predecessor before the gap is skipped. */
  readonly maxHoldMs: number;
  /** The clock for the hold (tests pass a manual one). */
  readonly clock?: Clock;
}

/** Set on every context that passed {@link ordered}. */
export interface OrderedFlavor {
  /** True when the update came after later updates had already been handled. */
  late: boolean;
}

/**
 * Handles updates one at a time in `update_id` order, though webhook requests may arrive out of
 * order or at once. An update waits at most `maxHoldMs` for a missing predecessor; one that comes
 * after that is handled anyway, with `ctx.late` set — never dropped. Install it first (before
 * `colloquy()`); a webhook request is answered once its update was handled.
 *
 * @example
 * ```ts
 * bot.use(ordered({ maxHoldMs: 2_000 }));
 * bot.on("message", (ctx) => (ctx.late ? ctx.reply("(late)") : ctx.reply("in order")));
 * ```
 */
export function ordered<C extends Context>(
  options: OrderedOptions,
): MiddlewareObj<C & OrderedFlavor> {
  const queue = new OrderedQueue(options);
  let tail: Promise<unknown> = Promise.resolve();
  const middleware: MiddlewareFn<C & OrderedFlavor> = (ctx, next) =>
    new Promise<void>((resolve, reject) => {
      // Releases come in update_id order; chaining each on the previous keeps handling in it.
      queue.admit(ctx.update.update_id, (late) => {
        const handled = tail.then(() => {
          ctx.late = late;
          return next();
        });
        tail = handled.catch(() => {});
        handled.then(resolve, reject);
      });
    });
  return { middleware: () => middleware };
}
