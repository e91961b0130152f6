/**
 * Node flows in grammY: `createFlow` with a middleware that routes the updates of users inside
 * the flow, and with `ctx.ask` inside nodes letting the user's lease go while it waits.
 *
 * @module
 */
import type { Context, MiddlewareFn, MiddlewareObj } from "grammy";
import { createFlow as createNodeFlow } from "../../nodes/flow.js";
import type { Flow, FlowOptions, WaitWatcher } from "../../nodes/options.js";
import { enterDialog, foundDialog, leaveDialog, mayTake } from "./precedence.js";
import { type PluginContext, RUN } from "./waits.js";

/** Options of {@link createFlow}: those of the core flow, less the hooks it sets itself. */
export type BotFlowOptions<C extends Context> = Omit<FlowOptions<C>, "watchWaits" | "onPresence">;

/** A flow for a grammY bot: the core {@link Flow} plus its middleware. */
export interface BotFlow<C extends Context> extends Flow<C>, MiddlewareObj<C> {
  /**
   * Routes the updates of users inside the flow to their node; the updates of everyone else go on
   * to the next middleware, and so do those of a user who entered another flow, a next step or a
   * delegate since, until it ends (an `ask` started since takes its answer before any flow sees
   * it). Install it after `colloquy()`, and after the handlers that must work inside the flow too
   * (`/cancel`, the command that enters the flow).
   */
  middleware(): MiddlewareFn<C>;
}

/**
 * Watches the plugin's run of `ctx`: every wait (`ask`, `waitFor`, `waitForCallbackQuery`, a
 * `telegramIo` input), on this context or on the answers it returns, suspends that run. The first
 * suspension tells the flow to let its lease go.
 */
const watchRun: WaitWatcher<Context> = (ctx, onWait) => {
  const run = (ctx as PluginContext)[RUN];
  if (run === undefined) return () => {};
  const stop = run.onSuspend(onWait);
  return () => {
    stop();
  };
};

/**
 * Creates a node flow for a grammY bot. Users enter it with `flow.enter(ctx)`, leave it with
 * `flow.leave(ctx)` or when a node returns `end()`; in between, `bot.use(flow)` hands each of
 * their updates to the `event` of the node they are on, one at a time, and stores where they go.
 *
 * Nodes may `await ctx.ask(...)`: the user's lease is let go while the node waits, and the node's
 * transition is then stored only if nothing moved the user meanwhile (else it is discarded with
 * `VersionConflictError`, reported by the plugin's `onError`). A wait lives in memory: after a
 * restart, the user's next update reaches the `event` of the node they are stored on.
 *
 * A user may be in other dialogs besides: the one they entered last gets their messages (see
 * `colloquy()`), so a flow entered after a delegate or another flow takes its answers first, and
 * a node's own `ask` goes before the flow while it waits.
 *
 * A node's `event` may return `back()`, and a handler outside the nodes (an inline "Back" button)
 * may call `flow.back(ctx)`: the user returns to the node they were on before, with its data, and
 * its `enter` runs. The path behind each user is kept in their snapshot (or in the flow's
 * `history`, when given one), so it survives a restart too.
 *
 * @example
 * ```ts
 * import { defineNode, goto, stay } from "colloquy";
 * import { colloquy, createFlow } from "colloquy/grammy";
 *
 * const menu = defineNode({ key: "menu", schema: z.object({}) });
 * const name = defineNode({ key: "name", schema: z.object({ name: z.string() }) });
 *
 * const profile = createFlow<MyContext>({
 *   id: "profile",
 *   start: () => goto(menu, {}),
 *   storage,
 *   lock,
 *   nodes: [
 *     menu.handle({
 *       enter: (ctx) => ctx.reply("Send /name to change your name."),
 *       event: async (ctx) => {
 *         if (ctx.message?.text !== "/name") return stay();
 *         const answer = await ctx.ask("Your name?");
 *         return goto(name, { name: answer.message?.text ?? "?" });
 *       },
 *     }),
 *     name.handle({
 *       enter: (ctx, data) => ctx.reply(`Hello, ${data.name}!`),
 *       event: () => goto(menu, {}),
 *     }),
 *   ],
 * });
 *
 * bot.use(colloquy());
 * bot.command("profile", (ctx) => profile.enter(ctx));
 * bot.callbackQuery("back", async (ctx) => {
 *   await ctx.answerCallbackQuery();
 *   await profile.back(ctx);
 * });
 * bot.use(profile);
 * ```
 */
export function createFlow<C extends Context>(options: BotFlowOptions<C>): BotFlow<C> {
  const dialog = { label: `flow "${options.id}"` };
  const flow = createNodeFlow<C>({
    ...options,
    watchWaits: watchRun,
    onPresence: (ctx, inFlow) => (inFlow ? foundDialog(ctx, dialog) : leaveDialog(ctx, dialog)),
  });
  const middleware: MiddlewareFn<C> = async (ctx, next) => {
    if (!mayTake(ctx, dialog)) return next();
    if (await flow.handle(ctx)) return;
    // Not in the flow. A user who left it from outside any update (`flow.user(key).leave()`)
    // may still be in the stack here: they are no longer.
    leaveDialog(ctx, dialog);
    await next();
  };
  return {
    ...flow,
    middleware: () => middleware,
    async enter(ctx) {
      // In front before the start node's `enter` runs, so that a wait it starts goes before it.
      enterDialog(ctx, dialog);
      try {
        await flow.enter(ctx);
      } catch (error) {
        leaveDialog(ctx, dialog);
        throw error;
      }
    },
    async leave(ctx) {
      leaveDialog(ctx, dialog);
      return await flow.leave(ctx);
    },
  };
}
