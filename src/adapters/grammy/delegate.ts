/**
 * `delegate()`: telepot's DelegatorBot as grammY middleware.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import {
  type Context,
  type FilterQuery,
  type MiddlewareFn,
  type MiddlewareObj,
  matchFilter,
} from "grammy";
import { type CaptureCriteria, capture } from "../../capture.js";
import { type Clock, systemClock, unreferenced } from "../../clock.js";
import { type DelegateFactory, toDelegateFunction } from "../../delegation/handler.js";
import { DelegateRegistry } from "../../delegation/registry.js";
import type { Seed, SeedFn } from "../../delegation/seeders.js";

/** Options of {@link delegate}. */
export interface DelegateOptions<C extends Context> {
  /**
   * Which updates may start a delegate when their seed has none: a filter query, a list of them,
   * or a predicate. Default: any update. Updates that start none go on to the next middleware.
   */
  readonly spawnOn?: FilterQuery | readonly FilterQuery[] | ((ctx: C) => boolean);
  /**
   * Closes a delegate that has waited this long for its next update or event, with
   * `IdleTimeoutError`. Without it delegates live until they close themselves: set it whenever
   * seeds are many (chats, users), so that their records do not pile up.
   */
  readonly idleTimeoutMs?: number;
  /** Calls the next middleware even for updates a delegate took, so several delegates may. */
  readonly passThrough?: boolean;
  /**
   * Capture criteria that a live delegate's later updates must match (see `capture`); the rest go
   * on to the next middleware. The update that starts a delegate is chosen by `spawnOn` instead.
   */
  readonly capture?: CaptureCriteria<Update>;
  /** The clock for idle timeouts and scheduled events (tests pass a `ManualClock`). */
  readonly clock?: Clock;
  /**
   * Receives every error a delegate ends with (after a class delegate's `onClose`). Without it, the
   * error fails the update the delegate was handling — reaching `bot.catch` — or, when it was
   * handling none (an event, an idle close), is logged. Nothing awaits this hook: what it throws
   * or rejects with is logged.
   */
  readonly onError?: (error: unknown, seed: Seed) => void;
}

/** The middleware {@link delegate} returns. */
export interface DelegateMiddleware<C extends Context> extends MiddlewareObj<C> {
  /** Live delegates with a recorded seed. */
  readonly size: number;
}

/**
 * Hands each update to the delegate for its seed, starting one when the seed has none. A delegate
 * is an async function `(ctx, inbox)` that awaits `inbox.next()`, or a class with `open`,
 * `onMessage`, `onClose` and `onEvent` (see `DelegateHandler`).
 *
 * The update is handed over, not awaited to the delegate's end: the middleware returns once the
 * delegate has handled it (asked for its next update, or closed), so `bot.start()` moves on while
 * delegates wait, and each seed still sees its updates in order with errors reaching `bot.catch`.
 * For the same reason a delegate waits for its next update with `inbox.next()`, never with
 * `ctx.ask()`: the update it is handling is not done until it asks its inbox for more.
 *
 * @example
 * ```ts
 * bot.use(
 *   delegate(seeders.perChat(), async (ctx, inbox) => {
 *     let count = 0;
 *     for (let next = ctx; ; next = await inbox.next()) await next.reply(String(++count));
 *   }, { idleTimeoutMs: 10_000, spawnOn: "message" }),
 * );
 * ```
 */
export function delegate<C extends Context>(
  seeder: SeedFn,
  factory: DelegateFactory<C>,
  options: DelegateOptions<C> = {},
): DelegateMiddleware<C> {
  const run = toDelegateFunction(factory);
  const spawnOn = spawnPredicate(options.spawnOn);
  const captured = options.capture === undefined ? undefined : capture(options.capture);
  const registry = new DelegateRegistry<C>({
    spawn: (ctx) => (spawnOn(ctx) ? run : undefined),
    accepts: captured && ((ctx) => captured(ctx.update)),
    idleTimeoutMs: options.idleTimeoutMs,
    // Idle closes and events matter only while the bot runs, which keeps the process alive.
    clock: unreferenced(options.clock ?? systemClock),
    onError: options.onError,
  });
  const middleware: MiddlewareFn<C> = async (ctx, next) => {
    const seed = seeder(ctx.update);
    const taken = seed !== undefined && (await registry.deliver(seed, ctx));
    if (!taken || options.passThrough === true) await next();
  };
  return {
    middleware: () => middleware,
    get size() {
      return registry.size;
    },
  };
}

function spawnPredicate<C extends Context>(
  spawnOn: DelegateOptions<C>["spawnOn"],
): (ctx: C) => boolean {
  if (spawnOn === undefined) return () => true;
  if (typeof spawnOn === "function") return spawnOn;
  return matchFilter(spawnOn as FilterQuery | FilterQuery[]);
}
