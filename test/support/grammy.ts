/** A real grammY Bot with the plugin installed and the Bot API answered locally. */

import type { Update } from "@grammyjs/types";
import { type ColloquyFlavor, type ColloquyOptions, colloquy } from "colloquy/grammy";
import { ManualClock } from "colloquy/testing";
import { type Api, Bot, type Context, session } from "grammy";
import { LocalBotApi } from "../../src/adapters/local-api.js";

export type TestContext = Context & ColloquyFlavor;

export interface TestBotOptions extends ColloquyOptions {
  /** Installs middleware that must come before the plugin (session, sequentialize). */
  readonly before?: (bot: Bot<TestContext>) => void;
}

export function createTestBot({ before, ...options }: TestBotOptions = {}) {
  const api = new LocalBotApi();
  const bot = new Bot<TestContext>("test-token", { botInfo: api.botInfo });
  bot.api.config.use(api.transformer);
  before?.(bot);
  const clock = new ManualClock();
  const errors: unknown[] = [];
  const plugin = colloquy<TestContext>({
    clock,
    onError: (error) => errors.push(error),
    ...options,
  });
  bot.use(plugin);
  /** Texts the bot sent so far, in order. */
  const sent = () =>
    api.calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text));
  return { bot, api, plugin, clock, errors, sent };
}

/**
 * Serves `updates` to `getUpdates` on the bot's `api` (for `bot.start()` or @grammyjs/runner) as one batch,
 * then long-polls until the poll is aborted, as Telegram does when there is nothing new.
 */
export function feedUpdates(api: Api, updates: Update[]): void {
  api.config.use(async (prev, method, payload, signal) => {
    if (method !== "getUpdates") return prev(method, payload, signal);
    const batch = updates.splice(0);
    // grammY's bot.stop() confirms the offset with a poll that has no signal: answer it at once.
    if (batch.length === 0 && signal !== undefined) {
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
    }
    return { ok: true, result: batch } as never;
  });
}

/**
 * grammY's `session()` with a `{ count }` record per chat kept in `stored`, so a test reads what
 * was saved after each update.
 */
export function countingSession(stored: Map<string, { count: number }>) {
  return session({
    initial: () => ({ count: 0 }),
    storage: {
      read: (key) => stored.get(key),
      write: (key, value) => void stored.set(key, value),
      delete: (key) => void stored.delete(key),
    },
  });
}
