/**
 * /count: telepot's MessageCounter as a per-chat delegate. Each later message in the chat gets
 * the running count; the counter closes after a silence, with /cancel, or when the bot stops.
 */
import { IdleTimeoutError, ListenerCancelledError, scopes, seeders, updateKeys } from "colloquy";
import { delegate, leadingCommand } from "colloquy/grammy";
import type { Context, MiddlewareObj } from "grammy";
import type { FlowTracker } from "./flows.js";
import { texts } from "./texts.js";

/** The chat's scope in the demo's flow tracker: the counter belongs to the chat, not a user. */
export const chatScopeOf = (ctx: Context): string =>
  scopes.chat(updateKeys(ctx.update)) ?? `update:${ctx.update.update_id}`;

/** The /count middleware; install it after the handlers that must see commands first. */
export function counter<C extends Context>(
  flows: FlowTracker,
  idleTimeoutMs: number,
  clock?: import("colloquy").Clock,
): MiddlewareObj<C> {
  return delegate<C>(
    seeders.perChat(),
    async (ctx, inbox) => {
      const chat = chatScopeOf(ctx);
      const flow = flows.start(chat, "count");
      try {
        await ctx.reply(texts.counting);
        for (let count = 1; ; count++) {
          const next = await inbox.next({ signal: flow.signal });
          await next.reply(String(count));
        }
      } catch (error) {
        if (error instanceof IdleTimeoutError) await ctx.reply(texts.counterClosed(error.idleMs));
        else if (error instanceof ListenerCancelledError && error.reason === "shutdown") {
          await ctx.reply(texts.counterStopped);
        } else if (!flow.signal.aborted) throw error;
      } finally {
        flows.finish(chat, flow);
      }
    },
    {
      spawnOn: (ctx) => leadingCommand(ctx) === "count",
      // Commands are not counted: they go on to their own handlers.
      capture: { message: { _: (message) => message.entities?.[0]?.type !== "bot_command" } },
      idleTimeoutMs,
      ...(clock === undefined ? {} : { clock }),
    },
  );
}
