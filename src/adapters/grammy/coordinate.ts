/**
 * `coordinate()`: each update handled once across every instance of a bot, each chat in order.
 *
 * @module
 */
import createDebug from "debug";
import type { Context, MiddlewareFn, Transformer } from "grammy";
import { type Claim, type Coordinator, claimKeys, type IdentityMode } from "../../coordinator.js";
import { InvalidArgumentError, LeaseLostError, UnhandledUpdateError } from "../../errors.js";
import type { Scope } from "../../keys.js";
import { keysOf } from "./context-keys.js";

const debug = createDebug("colloquy:coordinate");

/** Options of {@link coordinate}. */
export interface CoordinateOptions<C extends Context = Context> {
  /**
   * What identifies an update: `"update"` (default; bot id + `update_id`, for a webhook behind a
   * balancer) or `"message"` (chat id + message id, for several clients that see the same
   * messages). It also decides what a failed handler means; see {@link coordinate}.
   */
  readonly identity?: IdentityMode;
  /** The scope handled one update at a time. Default: `scopes.chat`. */
  readonly scope?: Scope;
  /**
   * Receives the errors of handlers that end without a retry: the update is not handed on, and
   * the request succeeds. Default: log them. Rethrow to pass them to grammY's error handling.
   */
  readonly onError?: (error: unknown, ctx: C) => unknown;
}

/** What `coordinate()` puts on `ctx.coordination`. */
export interface Coordination {
  /** The update's identity, e.g. `bot:12345/update:678`. */
  readonly identity: string;
  /** The leased scope, e.g. `bot:12345/chat:42`. */
  readonly scope: string;
  /**
   * `true` when the update came out of order: its chat had already handled a later update (a
   * higher `update_id`; with `"message"` identity, a higher message id) — a redelivery, or a
   * copy that reached an instance that stalled. It is handled all the same, once: check it where
   * an older update must not overwrite what a newer one did. Always `false` for updates without
   * an order (edits and non-message updates with `"message"` identity).
   */
  readonly late: boolean;
  /**
   * Aborts with `LeaseLostError` when this instance lost its claim (its lease expired and another
   * instance may have taken the update over). Pass it to long work; a flow's storage writes are
   * fenced by their version check either way.
   */
  readonly signal: AbortSignal;
}

/**
 * Context flavor for bots that install {@link coordinate}.
 *
 * @example
 * ```ts
 * const bot = new Bot<Context & ColloquyFlavor & CoordinationFlavor>(token);
 * bot.command("export", async (ctx) => {
 *   const rows = await loadRows(ctx.chatId, { signal: ctx.coordination.signal });
 *   await ctx.reply(`${rows.length} rows`);
 * });
 * ```
 */
export interface CoordinationFlavor {
  readonly coordination: Coordination;
}

/** Shared across copies of colloquy, so `markHandled` from one finds a claim made by another. */
const CLAIM: unique symbol = Symbol.for("colloquy.coordinate.claim") as never;

type ClaimedContext = Context & { coordination?: Coordination; [CLAIM]?: Claim };

/**
 * Refuses the update's Bot API calls once its claim is lost, with the `LeaseLostError`: another
 * instance may be handling the update by then, and must be the only one the user hears from.
 */
function fence(claim: Claim): Transformer {
  return (prev, method, payload, signal) => {
    // Read only when a call is made: the claim makes its signal on first read.
    if (claim.outcome === undefined && claim.signal.aborted) throw claim.signal.reason;
    return prev(method, payload, signal);
  };
}

function defaultOnError(error: unknown, ctx: Context): void {
  console.error(
    `colloquy: the handler of update ${ctx.update.update_id} failed; it counts as handled:`,
    error,
  );
}

/**
 * Coordinates the instances of a bot through `coordinator`: install it first, before `session()`
 * and the plugin. Per update it claims the update and leases its chat (waiting while another
 * instance holds them, and taking the update over if that instance stops), runs the handlers,
 * then marks the update handled and frees the chat. A handler that suspends in `ctx.ask` counts
 * as handled there and holds no lease while it waits, so its reply can come through.
 *
 * Across instances each chat's updates run one at a time, lowest `update_id` first among those
 * waiting; one that arrives after a later update of its chat was handled still runs (unless it was
 * handled itself), with `ctx.coordination.late` set.
 *
 * What ends a claim:
 * - the handlers return (or suspend): *handled*, duplicates and redeliveries are skipped;
 * - `"update"` identity (webhooks): a handler throws `UnhandledUpdateError` — the claim is released
 *   and the error rethrown, so the webhook request fails and the sender redelivers. With
 *   `safeWebhookCallback` (or grammY's `webhookCallback`) the error rejects the callback: answer
 *   500 in its `catch`. Any other error
 *   counts as handled and goes to `onError`, so the request succeeds (200);
 * - `"message"` identity (broadcast): any error releases the claim for another client; errors
 *   other than `UnhandledUpdateError` go to `onError`. An update that no handler matched counts
 *   as handled, as grammY cannot tell; to hand those on too, end the chain with
 *   `bot.use(() => { throw new UnhandledUpdateError("no handler matched"); })`;
 * - `markHandled(ctx)` ends it early, as handled, so long work can go on without holding the chat;
 * - the claim is lost (its lease expired: the instance stalled, or Redis was away for longer than
 *   `leaseMs`): from then on the update's Bot API calls (`ctx.reply`, `ctx.api.*`) reject with
 *   `LeaseLostError`, so a holder that lost its lease sends nothing more, and a handler that ends
 *   with that error releases the claim and fails the request, so the update is handled again.
 *
 * The middleware itself throws, so the update is not acknowledged as done, when the coordinator
 * fails or another instance held the chat for longer than the coordinator's `waitMs`
 * (`LockTimeoutError`). Such a failure can come after the webhook request timed out (when Redis
 * stalled): serve with `safeWebhookCallback`, which logs it then, where grammY's `webhookCallback`
 * leaves an unhandled rejection that ends the process.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { Redis } from "ioredis";
 * import { coordinate, colloquy, safeWebhookCallback } from "colloquy/grammy";
 * import { RedisCoordinator } from "colloquy/redis";
 *
 * bot.use(coordinate(new RedisCoordinator({ client: new Redis(process.env.REDIS_URL ?? "") })));
 * bot.use(colloquy());
 * const handle = safeWebhookCallback(bot, "http");
 * createServer((req, res) =>
 *   handle(req, res).catch(() => {
 *     res.statusCode = 500; // Telegram redelivers the update
 *     res.end();
 *   }),
 * ).listen(8080);
 * ```
 */
export function coordinate<C extends Context = Context>(
  coordinator: Coordinator,
  options: CoordinateOptions<C> = {},
): MiddlewareFn<C> {
  const broadcast = options.identity === "message";
  const onError = options.onError ?? defaultOnError;
  const keyOptions = {
    identity: options.identity ?? "update",
    ...(options.scope === undefined ? {} : { scope: options.scope }),
  };
  return async (ctx, next) => {
    const { identity, scope, order } = claimKeys(ctx.update, ctx.me.id, keyOptions, keysOf(ctx));
    const claim = await coordinator.claim(identity, scope, order === undefined ? {} : { order });
    if (claim === undefined) {
      debug("%s was handled already: skipped", identity);
      return;
    }
    const target = ctx as C & ClaimedContext;
    // The claim is the coordination: its identity, scope, lateness and (lazily made) signal.
    target.coordination = claim;
    target[CLAIM] = claim;
    ctx.api.config.use(fence(claim));
    try {
      await next();
    } catch (error) {
      // A holder fenced off by a lost lease did not finish: the update is another's to handle.
      const declined =
        error instanceof UnhandledUpdateError ||
        (error instanceof LeaseLostError && claim.signal.aborted);
      // After markHandled the update is handled whatever happens next: too late to hand it on.
      if (claim.outcome === undefined && (declined || broadcast)) {
        debug("%s released: %s", identity, declined ? "declined" : "its handler failed");
        await claim.finish("released");
        if (declined && !broadcast) throw error;
        if (!declined) await onError(error, ctx);
        return;
      }
      await claim.finish("handled");
      await onError(error, ctx);
      return;
    }
    await claim.finish("handled");
  };
}

/**
 * Marks the update of `ctx` handled now and frees its chat, so that long work can go on while the
 * chat's next updates are handled. Whatever the handler does after this, the update is not
 * retried. Rejects with `InvalidArgumentError` when `coordinate()` did not see the update.
 *
 * @example
 * ```ts
 * bot.command("report", async (ctx) => {
 *   await ctx.reply("Building your report…");
 *   await markHandled(ctx); // a redelivery will not build it twice
 *   await ctx.replyWithDocument(await buildReport(ctx.chatId));
 * });
 * ```
 */
export async function markHandled(ctx: Context): Promise<void> {
  const claim = (ctx as ClaimedContext)[CLAIM];
  if (claim === undefined) {
    throw new InvalidArgumentError(
      "markHandled(ctx)",
      "a context that passed through coordinate() (install it before the handlers)",
      ctx,
    );
  }
  await claim.finish("handled");
}
