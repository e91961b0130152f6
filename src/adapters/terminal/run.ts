import type { Bot, Context } from "grammy";
import { LocalBotApi } from "../local-api.js";
import { Activity } from "./activity.js";
import { paint } from "./ansi.js";
import { TerminalChat } from "./chat.js";
import { unhandledErrorText } from "./handler-error.js";
import { LineReader } from "./line-reader.js";
import { type RunInTerminalOptions, type TerminalSettings, terminalSettings } from "./options.js";
import { renderCall } from "./render-call.js";
import { Screen } from "./screen.js";
import { armWindDown } from "./wind-down.js";

// How long the bot may take to finish after input ended before the terminal says it waits.
const noticeAfterMs = 500;

/**
 * Runs a grammY bot in a terminal, with no token and no network: Bot API calls are answered
 * locally (see {@link LocalBotApi}), each typed line becomes an update fed to `bot.handleUpdate`
 * (one at a time, in order), and what the bot sends is shown — formatting, keyboards, edits,
 * chat actions.
 *
 * Typing: a line is a text message (a command when it starts with `/`); `#N` presses button N of
 * the newest keyboard, inline or reply (a reply button sends its text; a press that changes
 * nothing, or `#N` with no such button, says so in one line); `@ query` sends an
 * inline query and shows the results; `\#` and `\@` send a text that starts with `#` or `@`. The
 * next line is read once the bot has been quiet for `quietMs`. Bot API calls that Telegram would
 * refuse (a text over 4096 characters, say) fail with Telegram's error. Errors from handlers go
 * to `bot.catch` when set and are printed as `error> …` otherwise; they never end the run.
 *
 * Ctrl+C, the end of input or `options.signal` end it: `options.onInputEnd` runs, and once the bot
 * is idle the promise resolves. A Ctrl+C while it waits for the bot quits the process at once
 * (exit code 130). colloquy's own timers (pending `ask` timeouts, delegates' idle closes, storage
 * sweeps) never keep the process alive after that.
 *
 * When the output is not a terminal the transcript is plain and parseable: `bot> TEXT`,
 * `bot (edited)> TEXT`, `  [1] label  [2] label`, `  (reply keyboard) [1] a  [2] b`,
 * `you> LINE`. Only keyboards sent during this run are known: after a restart, `#N` says there
 * is none until the bot sends one again.
 *
 * @example
 * ```ts
 * const bot = new Bot(process.env.BOT_TOKEN ?? "terminal");
 * bot.command("start", (ctx) => ctx.reply("Hi!"));
 * if (process.env.BOT_TOKEN) await bot.start();
 * else await runInTerminal(bot);
 * ```
 */
export async function runInTerminal<C extends Context>(
  bot: Bot<C>,
  options: RunInTerminalOptions = {},
): Promise<void> {
  const settings = terminalSettings(options);
  const api = options.api ?? new LocalBotApi(bot.isInited() ? { me: bot.botInfo } : {});
  api.install(bot.api);
  if (!bot.isInited()) bot.botInfo = api.botInfo;
  await bot.init();

  const reader = new LineReader({
    input: settings.input,
    ...(settings.interactive ? { output: settings.output } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const screen = new Screen(settings.output, settings.interactive ? reader : undefined);
  const activity = new Activity();
  const chat = new TerminalChat(api, {
    user: settings.user,
    chat: settings.chat,
    botUsername: bot.botInfo.username,
  });
  const context = { chatId: settings.chat.id, color: settings.color };
  const stopRendering = api.onCall((call) => {
    activity.touch();
    const lines = renderCall(call, context);
    chat.observe(call, lines);
    screen.write(lines);
  });
  const note = (text: string) => screen.write([paint(settings.color, "2", text)]);
  // At once, even while a handler is still busy: ending the flows is what lets it finish.
  const inputEnded = new Promise((resolve) => {
    reader.ended.addEventListener("abort", resolve, { once: true });
  }).then(() => options.onInputEnd?.());
  const ownStdin = settings.input === process.stdin;
  const disarm = armWindDown(reader.ended, {
    ownStdin,
    notice: settings.interactive && ownStdin ? note : undefined,
    noticeAfterMs,
  });

  const handle = async (line: string): Promise<void> => {
    const update = chat.updateFor(line);
    if (update === undefined) return;
    if (!settings.interactive) screen.write([`${paint(settings.color, "1", "you")}> ${line}`]);
    if (typeof update === "string") return note(`(${update})`);
    const handled = bot.handleUpdate(update).catch(async (error) => {
      const text = await unhandledErrorText(bot, error);
      if (text !== undefined) screen.write([`${paint(settings.color, "1;31", "error")}> ${text}`]);
    });
    await activity.track(handled);
  };

  try {
    if (settings.interactive) screen.write(banner(bot, settings));
    for (;;) {
      await activity.quiet(settings.quietMs);
      const unchanged = chat.settle();
      if (unchanged !== undefined) note(unchanged);
      screen.prompt();
      const line = await reader.next();
      if (line === undefined) break;
      await handle(line);
    }
    await inputEnded;
    await activity.quiet(settings.quietMs);
  } finally {
    disarm();
    stopRendering();
    reader.close();
    if (settings.interactive) settings.output.write("\n");
  }
}

function banner<C extends Context>(bot: Bot<C>, settings: TerminalSettings): string[] {
  const where = settings.chat.type === "private" ? "" : ` in a ${settings.chat.type} chat`;
  return [
    `Talking to @${bot.botInfo.username} as ${settings.user.first_name}${where}.`,
    "Type a message or /start. #N presses button N of the newest keyboard; @ query sends an inline query. Ctrl+C quits.",
  ].map((line) => paint(settings.color, "2", line));
}
