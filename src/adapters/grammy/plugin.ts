/**
 * The grammY plugin: `bot.use(colloquy())` gives every context `ask` and the `waitFor…` methods,
 * routes answers to their waits before any later middleware, and hands control back to grammY
 * whenever a handler suspends.
 *
 * @module
 */
import createDebug from "debug";
import type { Context, MiddlewareFn, MiddlewareObj } from "grammy";
import { type Clock, systemClock, unreferenced } from "../../clock.js";
import { detachedHook } from "../../detached.js";
import { ListenerCancelledError } from "../../errors.js";
import { updateKeys } from "../../keys.js";
import type { MatchScope, WaitMatch } from "../../listeners/match.js";
import {
  ListenerRegistry,
  type ListenerStats,
  type Offer,
  type WaitOptions,
} from "../../listeners/registry.js";
import { type BypassOption, bypassPredicate } from "./answers.js";
import { keysOf } from "./context-keys.js";
import { DialogStack } from "./dialog-stack.js";
import type { ColloquyFlavor } from "./flavor.js";
import { frontOf } from "./precedence.js";
import { type DetachedErrorHandler, type HostOutcome, Run } from "./run.js";
import { watchStaleSession } from "./stale-session.js";
import {
  ask,
  DEPS,
  FRONT,
  type PluginContext,
  type PluginMatch,
  RUN,
  type WaitDeps,
  waitFor,
  waitForCallbackQuery,
} from "./waits.js";

const debug = createDebug("colloquy:grammy");

/** The stale-session check costs a serialisation per suspension, so it runs in development only. */
const development = globalThis.process?.env?.NODE_ENV !== "production";

/** Options of {@link colloquy}. */
export interface ColloquyOptions {
  /** A timeout for every wait that sets none; by default waits have none. */
  readonly timeoutMs?: number;
  /**
   * What ends a pending wait and goes on to the normal handlers: `true` (default) — any
   * command; a list of commands (without `/`); a predicate; or `false`.
   */
  readonly bypass?: BypassOption;
  /** Observes every failed wait (timeout, cancel, ...); the error is rethrown all the same. */
  readonly onWaitError?: (error: unknown, ctx: Context) => unknown;
  /**
   * Receives the errors of handlers that end after they suspended in a wait, when grammY's own
   * error handling no longer can (the update that started them was done), with the update they
   * handled last (the one that resumed them, or else started them); and, with `-1`, errors that
   * belong to no update (a wait's hooks, `onTimeout`).
   *
   * Default: log them with `console.error` — except a `ListenerCancelledError` that a handler let
   * through (a command's bypass, `/cancel` through a signal, a duplicate wait, a shutdown): a
   * cancelled wait is no failure, and its handler ends quietly. Cancellations are logged, with
   * their reason, by the `debug` package under `DEBUG=colloquy:*` whether or not this is set.
   * Nothing awaits it: what it throws or rejects with is logged.
   */
  readonly onError?: (error: unknown, updateId: number) => void;
  /** Caps on pending waits per user in a chat (16) and per chat (256). */
  readonly maxWaitsPerUser?: number;
  readonly maxWaitsPerChat?: number;
  /**
   * Cap on pending waits in the whole process (100,000): past it a new wait fails at once with
   * `TooManyListenersError`, so a flood of users costs bounded memory.
   */
  readonly maxWaits?: number;
  /** The clock for timeouts (tests pass a manual one). */
  readonly clock?: Clock;
  /**
   * Told of every wait added (`1`) and ended (`-1`) with its scope; `crossInstanceAsks` from
   * `colloquy/redis` uses it to tell other instances where this one waits. Must be quick.
   */
  readonly onWaitsChanged?: (scope: MatchScope, delta: 1 | -1) => void;
}

/** The plugin object: grammY middleware plus waits from outside any handler. */
export interface ColloquyPlugin<C extends Context = Context> extends MiddlewareObj<C> {
  /**
   * Waits from outside a handler (a scheduled job, another chat's handler) for the next update
   * that matches, and resolves to its context.
   */
  wait(match: WaitMatch<C & ColloquyFlavor>, options?: WaitOptions): Promise<C & ColloquyFlavor>;
  /** Ends every pending wait with reason "shutdown". Call it when the bot stops; nothing is sent. */
  shutdown(): void;
  /** Pending waits, and how many were answered, timed out or cancelled so far. */
  stats(): ListenerStats;
}

/**
 * Where a handler's errors go once it has suspended: a cancelled wait is told to debug logging
 * and to `onError` only; anything else to `onError`, or to the console.
 */
function detachedErrors(onError: ColloquyOptions["onError"]): DetachedErrorHandler {
  return (error, updateId, resumed) => {
    const handler = `a handler ${resumed ? "resumed" : "started"} by update ${updateId}`;
    const cancelled = error instanceof ListenerCancelledError;
    if (cancelled) debug("%s ended: its wait was cancelled (%s)", handler, error.reason);
    if (onError !== undefined) onError(error, updateId);
    else if (!cancelled) console.error(`colloquy: ${handler} failed:`, error);
  };
}

/**
 * Creates the plugin. Install it before the handlers that call `ctx.ask` (after `session()` and,
 * with @grammyjs/runner, after `sequentialize`), and before node flows, next steps and delegates.
 *
 * It also keeps, per user in a chat, the order of the dialogs they are in — pending waits, node
 * flows, next steps, delegates they started: a message goes to the one entered most recently,
 * and a delegate someone else started gets only what none of the user's dialogs waits for (see
 * docs/who-gets-a-message.md).
 *
 * @example
 * ```ts
 * const bot = new Bot<Context & ColloquyFlavor>(token);
 * const plugin = colloquy({ timeoutMs: 5 * 60_000 });
 * bot.use(plugin);
 * bot.command("name", async (ctx) => {
 *   const answer = await ctx.ask("What is your name?");
 *   await answer.reply(`Hello, ${answer.message?.text}!`);
 * });
 * process.once("SIGTERM", () => { plugin.shutdown(); void bot.stop(); });
 * ```
 */
export function colloquy<C extends Context = Context>(
  options: ColloquyOptions = {},
): ColloquyPlugin<C> {
  // Called for updates grammY is done with: a throwing hook would be an unhandled rejection.
  const onError =
    options.onError === undefined
      ? undefined
      : detachedHook("the plugin's onError", options.onError);
  const onDetachedError = detachedErrors(onError);
  const report =
    onError === undefined
      ? (error: unknown) => console.error("colloquy:", error)
      : (error: unknown) => onError(error, -1);
  const registry = new ListenerRegistry<PluginContext>({
    keysOf: (ctx) => updateKeys(ctx.update),
    // Wait timeouts matter only while the bot runs, and its transport keeps the process alive.
    clock: unreferenced(options.clock ?? systemClock),
    ...(options.timeoutMs === undefined ? {} : { defaultTimeoutMs: options.timeoutMs }),
    ...(options.maxWaitsPerUser === undefined ? {} : { maxPerUser: options.maxWaitsPerUser }),
    ...(options.maxWaitsPerChat === undefined ? {} : { maxPerChat: options.maxWaitsPerChat }),
    ...(options.maxWaits === undefined ? {} : { maxWaits: options.maxWaits }),
    onError: report,
    ...(options.onWaitsChanged === undefined ? {} : { onChange: options.onWaitsChanged }),
  });
  // Keyed weakly by run: a finished run and its watch go away together.
  const staleSessions = new WeakMap<Run, ReturnType<typeof watchStaleSession>>();
  /** Hands an update that a wait claimed to that wait's handler, or to its `otherwise`. */
  const deliver = async (ctx: PluginContext, offer: Offer<PluginContext>): Promise<HostOutcome> => {
    if (!offer.claimed) return;
    if (offer.by === "otherwise") {
      debug("update %d handled by a wait's otherwise", ctx.update.update_id);
      await offer.handle(ctx);
      return;
    }
    const match = offer.match as PluginMatch;
    debug("update %d answered a wait", ctx.update.update_id);
    if (match.answerCallback && ctx.callbackQuery !== undefined) {
      ctx.answerCallbackQuery().catch(report);
    }
    const run = match.run;
    if (run === undefined) return;
    ctx[RUN] = run;
    const outcome = await run.resume(ctx.update.update_id);
    staleSessions.get(run)?.check();
    return outcome;
  };
  const deps: WaitDeps = {
    registry,
    bypass: bypassPredicate(options.bypass ?? true),
    onWaitError: options.onWaitError,
    report,
    async offer(ctx) {
      const offer = registry.offer(ctx, keysOf(ctx));
      return offer.claimed && (await deliver(ctx, offer)) !== "declined";
    },
    dialogs: new DialogStack(),
  };
  // Shared by every context: the methods find the context through `this`, so dispatching an
  // update allocates no closures.
  const methods: ColloquyFlavor = {
    ask(text, askOptions) {
      return ask(deps, this as never, text, askOptions as never) as never;
    },
    waitFor(query: never, waitOptions?: never) {
      return waitFor(deps, this as never, query, waitOptions) as never;
    },
    waitForCallbackQuery(waitOptions) {
      return waitForCallbackQuery(deps, this as never, waitOptions as never) as never;
    },
  };

  const middleware: MiddlewareFn<PluginContext> = async (ctx, next) => {
    ctx.ask = methods.ask;
    ctx.waitFor = methods.waitFor;
    ctx.waitForCallbackQuery = methods.waitForCallbackQuery;
    ctx[DEPS] = deps;
    // Waits the user started before the dialog now in front of them wait their turn: they are
    // not offered the update (see `inTurn`), and even a bypassing command leaves them be.
    const front = frontOf(ctx);
    if (front !== undefined) {
      ctx[FRONT] = front.at;
      debug("update %d: %s is in front", ctx.update.update_id, front.dialog.label);
    }
    const offer = registry.offer(ctx, keysOf(ctx));
    if (offer.claimed && (await deliver(ctx, offer)) !== "declined") return;
    const run = new Run(ctx.update.update_id);
    ctx[RUN] = run;
    if (development && "session" in ctx) {
      const watch = watchStaleSession(ctx);
      run.onSuspend(() => watch.suspended());
      staleSessions.set(run, watch);
    }
    return run.start(next, onDetachedError);
  };

  return {
    middleware: () => middleware as unknown as MiddlewareFn<C>,
    wait: (match, waitOptions) =>
      registry.wait(match as unknown as WaitMatch<PluginContext>, waitOptions) as Promise<
        C & ColloquyFlavor
      >,
    shutdown: () => registry.shutdown(),
    stats: () => registry.stats(),
  };
}
