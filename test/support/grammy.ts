/** A real grammY Bot with the plugin installed and the Bot API answered locally. */

import { type ColloquyFlavor, type ColloquyOptions, colloquy } from "colloquy/grammy";
import { ManualClock } from "colloquy/testing";
import { Bot, type Context } from "grammy";
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
