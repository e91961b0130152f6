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
  /**
   * The clock of the newest incarnation. Each incarnation has its own, starting where the one
   * before stopped: the timers of a process that "died" never fire.
   */
  readonly clock: ManualClock;
  /** Moves the newest incarnation's time on and lets what its timers started run. */
  advance(ms: number): Promise<void>;
  readonly errors: unknown[];
  /**
   * A fresh process: new bot, plugin and conversation over the same storage. `before` installs
   * middleware ahead of the plugin; `after`, handlers ahead of the one that echoes every other
   * message as `fallthrough: TEXT`. `storage`, when given, is the new process's own storage object
   * on the same backend (a file, a database), in place of {@link storage}.
   */
  start(hooks?: { before?: Install<A>; after?: Install<A>; storage?: Storage }): Incarnation<A>;
  /** Texts the bot sent so far, in order, across every incarnation. */
  sent(): string[];
  /** Makes the next call of `method` fail as the Bot API would, with `code` and `description`. */
  failNext(method: string, code: number, description: string): void;
}

/** Installs a test's own handlers on an incarnation's bot. */
export type Install<A extends import("colloquy").JsonValue | undefined> = (
  bot: Bot<ConvContext>,
  handle: Incarnation<A>["handle"],
) => void;

export interface Incarnation<A extends import("colloquy").JsonValue | undefined> {
  readonly bot: Bot<ConvContext>;
  readonly handle: ReturnType<typeof conversation<ConvContext, A>>;
  readonly plugin: ReturnType<typeof colloquy<ConvContext>>;
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
  let clock = new ManualClock();
  const errors: unknown[] = [];
  const failures = new Map<string, { code: number; description: string }>();
  return {
    api,
    storage,
    get clock() {
      return clock;
    },
    async advance(ms) {
      clock.advance(ms);
      await settle();
    },
    errors,
    start(hooks = {}) {
      clock = new ManualClock(clock.now());
      const bot = new Bot<ConvContext>("test-token", { botInfo: api.botInfo });
      bot.api.config.use(api.transformer);
      let calls = 0;
      bot.api.config.use((prev, method, payload, signal) => {
        calls++;
        return prev(method, payload, signal);
      });
      bot.api.config.use((prev, method, payload, signal) => {
        const failure = failures.get(method);
        if (failure === undefined) return prev(method, payload, signal);
        failures.delete(method);
        return Promise.resolve({
          ok: false,
          error_code: failure.code,
          description: failure.description,
        });
      });
      const plugin = colloquy<ConvContext>({ clock, onError: (error) => errors.push(error) });
      const handle = conversation<ConvContext, A>(id, fn, {
        clock,
        onError: (error) => errors.push(error),
        ...options,
        storage: hooks.storage ?? storage,
      });
      hooks.before?.(bot, handle);
      bot.use(plugin);
      bot.use(handle);
      bot.command(options.command ?? id, (ctx) =>
        handle.enter(ctx, ...([options.args] as never as [A])),
      );
      hooks.after?.(bot, handle);
      bot.on("message", (ctx) => ctx.reply(`fallthrough: ${ctx.message.text ?? ""}`));
      return { bot, handle, plugin, calls: () => calls };
    },
    failNext: (method, code, description) => failures.set(method, { code, description }),
    sent: () =>
      api.calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text)),
  };
}

/** Lets every promise callback and I/O callback that is ready run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
