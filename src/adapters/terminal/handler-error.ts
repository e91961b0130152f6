import type { Bot, Context } from "grammy";
import { BotError } from "grammy";

/**
 * Hands a failed update's error to `bot.catch`, as grammY's own runners do; resolves to the
 * `error> …` text to show when the bot has no handler for it or its handler failed too, and to
 * `undefined` once it was handled.
 */
export async function unhandledErrorText<C extends Context>(
  bot: Bot<C>,
  error: unknown,
): Promise<string | undefined> {
  try {
    if (!(error instanceof BotError)) throw error;
    await bot.errorHandler(error as BotError<C>);
    return undefined;
  } catch (unhandled) {
    const cause = unhandled instanceof BotError ? unhandled.error : unhandled;
    return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  }
}
