import type { Bot, BotError, Context } from "grammy";

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
    if (!isBotError(error)) throw error;
    await bot.errorHandler(error as BotError<C>);
    return undefined;
  } catch (unhandled) {
    const cause = isBotError(unhandled) ? unhandled.error : unhandled;
    return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  }
}

// Told by shape rather than `instanceof`: importing grammY's class would make colloquy/testing,
// which uses this too, load grammY even for tests of storages alone.
function isBotError(value: unknown): value is BotError {
  return value instanceof Error && value.name === "BotError" && "ctx" in value;
}
