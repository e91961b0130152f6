/**
 * Bots that share one storage, as one bot before and after a restart: each `start()` makes a new
 * grammY Bot, plugin and conversation (nothing in memory carried over) on the same storage, with
 * the same local Bot API so message ids go on rising.
 */
import type { Storage } from "colloquy";
import {
  type ColloquyFlavor,
  type ConversationFn,
  type ConversationOptions,
  colloquy,
  conversation,
} from "colloquy/grammy";
import { ManualClock } from "colloquy/testing";
import { Bot, type Context } from "grammy";
import { LocalBotApi } from "../../src/adapters/local-api.js";
import { MemoryStorage } from "../../src/storages/memory.js";

export type ConvContext = Context & ColloquyFlavor;

export interface Restartable<A extends import("colloquy").JsonValue | undefined> {
  readonly api: LocalBotApi;
  readonly storage: Storage;
  readonly clock: ManualClock;
  readonly errors: unknown[];
  /** A fresh process: new bot, plugin and conversation over the same storage. */
  start(): Incarnation<A>;
  /** Texts the bot sent so far, in order, across every incarnation. */
  sent(): string[];
}

export interface Incarnation<A extends import("colloquy").JsonValue | undefined> {
  readonly bot: Bot<ConvContext>;
  readonly handle: ReturnType<typeof conversation<ConvContext, A>>;
  /** Bot API calls made by this incarnation. */
  calls(): number;
}

export function restartable<A extends import("colloquy").JsonValue | undefined = undefined>(
  id: string,
  fn: ConversationFn<ConvContext, A>,
  options: ConversationOptions & { command?: string; args?: A } = {},
): Restartable<A> {
  const api = new LocalBotApi();
  const storage = options.storage ?? new MemoryStorage();
  const clock = new ManualClock();
  const errors: unknown[] = [];
  return {
    api,
    storage,
    clock,
    errors,
    start() {
      const bot = new Bot<ConvContext>("test-token", { botInfo: api.botInfo });
      bot.api.config.use(api.transformer);
      const before = api.calls.length;
      bot.use(colloquy({ clock, onError: (error) => errors.push(error) }));
      const handle = conversation<ConvContext, A>(id, fn, {
        clock,
        onError: (error) => errors.push(error),
        ...options,
        storage,
      });
      bot.use(handle);
      bot.command(options.command ?? id, (ctx) =>
        handle.enter(ctx, ...([options.args] as never as [A])),
      );
      bot.on("message", (ctx) => ctx.reply(`fallthrough: ${ctx.message.text ?? ""}`));
      return { bot, handle, calls: () => api.calls.length - before };
    },
    sent: () =>
      api.calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text)),
  };
}
