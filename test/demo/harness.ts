/** The demo bot on a local Bot API, driven through bot.handleUpdate. */
import { MemoryLock, MemoryStorage } from "colloquy";
import { ManualClock, UpdateFactory } from "colloquy/testing";
import { Bot } from "grammy";
import { type DemoContext, installDemo } from "../../examples/demo/bot.js";
import { OfflineWeather, type WeatherProvider } from "../../examples/demo/weather/index.js";
import { LocalBotApi } from "../../src/adapters/local-api.js";

export interface DemoTestOptions {
  readonly askTimeoutMs?: number;
  readonly countIdleMs?: number;
  readonly weather?: WeatherProvider;
}

/** The demo bot on a ManualClock and in-memory storage, its Bot API not yet answered by anyone. */
export function demoBot(options: DemoTestOptions = {}) {
  const bot = new Bot<DemoContext>("demo");
  const clock = new ManualClock();
  const demo = installDemo(bot, {
    askTimeoutMs: options.askTimeoutMs ?? 60_000,
    weather: options.weather ?? new OfflineWeather(),
    cities: new OfflineWeather(),
    countIdleMs: options.countIdleMs ?? 10_000,
    storage: new MemoryStorage(),
    lock: new MemoryLock(),
    clock,
  });
  return { bot, clock, demo };
}

export function createDemo(options: DemoTestOptions = {}) {
  const api = new LocalBotApi();
  const { bot, clock, demo } = demoBot(options);
  bot.botInfo = api.botInfo;
  bot.api.config.use(api.transformer);
  const user = new UpdateFactory({ from: { id: 1, is_bot: false, first_name: "Ann" } });
  /** What the bot said so far, one line per message, with its buttons. */
  const transcript = () =>
    api.calls
      .filter((c) => c.method === "sendMessage" || c.method === "editMessageText")
      .map((c) => {
        const markup = c.payload.reply_markup as
          | { inline_keyboard?: { text: string }[][] }
          | undefined;
        const buttons = markup?.inline_keyboard?.flat().map((b) => b.text) ?? [];
        return buttons.length === 0
          ? String(c.payload.text)
          : `${c.payload.text} [${buttons.join("|")}]`;
      });
  const lastMessageId = () => {
    const sent = api.calls.findLast((c) => c.method === "sendMessage");
    if (sent === undefined) throw new Error("The bot has sent no message yet.");
    return (sent.result as { message_id: number }).message_id;
  };
  const send = (text: string) =>
    bot.handleUpdate(text.startsWith("/") ? user.command(text) : user.text(text));
  const press = (data: string) => bot.handleUpdate(user.press(data, lastMessageId()));
  return { api, bot, clock, demo, user, transcript, send, press };
}
