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
import { type Seed, type SeedFn, seedLabel } from "../../delegation/seeders.js";
import type { DelegateFunction } from "../../delegation/types.js";
import { type Dialog, enterDialog, leaveDialog, mayStart, mayTake } from "./precedence.js";

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
  /**
   * The most delegates running at once (default 100 000): past it, an update that would start
   * one more fails at once with `TooManyDelegatesError`, and none starts.
   */
  readonly maxDelegates?: number;
  /**
   * Calls the next middleware even for updates a delegate took, so several delegates may. Such a
   * delegate observes: it sees every update of its seed, even those another dialog takes next.
   */
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
 * With `colloquy()` installed, a delegate is a dialog of the user whose update started it: a
 * dialog that user enters later (an `ask`, a flow, a next step) takes their messages first, until
 * it ends. Other users' messages reach the delegate only when none of their own dialogs waits for
 * them. A delegate starts on a command, or on an update of a user in no dialog.
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
  // An observer takes nothing away from other dialogs, so it is no dialog of anyone.
  const dialogs = options.passThrough === true ? undefined : new DelegateDialogs(run);
  const registry = new DelegateRegistry<C>({
    spawn: (ctx, seed) => {
      if (!spawnOn(ctx)) return undefined;
      if (dialogs === undefined) return run;
      return mayStart(ctx) ? dialogs.start(seed) : undefined;
    },
    accepts: (ctx, seed) => (captured?.(ctx.update) ?? true) && (dialogs?.takes(ctx, seed) ?? true),
    idleTimeoutMs: options.idleTimeoutMs,
    maxDelegates: options.maxDelegates,
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

/** The live delegates of one {@link delegate}, each a dialog of the user whose update started it. */
class DelegateDialogs<C extends Context> {
  readonly #run: DelegateFunction<C>;
  readonly #live = new Map<string, Dialog>();

  constructor(run: DelegateFunction<C>) {
    this.#run = run;
  }

  /** Whether the live delegate of `seed` may take `ctx`'s update, as the precedence says. */
  takes(ctx: C, seed: Seed): boolean {
    const dialog = typeof seed === "string" ? this.#live.get(seed) : undefined;
    return dialog === undefined || mayTake(ctx, dialog);
  }

  /** The delegate for `seed`: in front of its starter's dialogs from its start to its end. */
  start(seed: Seed): DelegateFunction<C> {
    return async (ctx, inbox) => {
      const dialog: Dialog = { label: `delegate ${seedLabel(seed)}` };
      if (typeof seed === "string") this.#live.set(seed, dialog);
      enterDialog(ctx, dialog);
      try {
        await this.#run(ctx, inbox);
      } finally {
        leaveDialog(ctx, dialog);
        if (typeof seed === "string") this.#live.delete(seed);
      }
    };
  }
}

function spawnPredicate<C extends Context>(
  spawnOn: DelegateOptions<C>["spawnOn"],
): (ctx: C) => boolean {
  if (spawnOn === undefined) return () => true;
  if (typeof spawnOn === "function") return spawnOn;
  return matchFilter(spawnOn as FilterQuery | FilterQuery[]);
}
