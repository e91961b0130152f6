import type { Bot, Context } from "grammy";
import { LocalBotApi } from "../adapters/local-api.js";
import { Activity } from "../adapters/terminal/activity.js";
import { unhandledErrorText } from "../adapters/terminal/handler-error.js";
import { renderCall } from "../adapters/terminal/render-call.js";
import { InvalidArgumentError } from "../errors.js";
import type { ManualClock } from "./manual-clock.js";
import { assertTranscript } from "./transcript-mismatch.js";
import { TranscriptPeople, type TranscriptPeopleOptions } from "./transcript-people.js";
import { parseScript } from "./transcript-script.js";

/** Options of {@link expectTranscript}. */
export interface ExpectTranscriptOptions extends TranscriptPeopleOptions {
  /**
   * The clock the bot's colloquy plugin, flows and delegates were given: `… 60 s pass` lines
   * advance it, so timeouts fire with no waiting. Needed only when the transcript has such lines.
   */
  readonly clock?: ManualClock;
  /**
   * How long the bot must be quiet (no update in progress, no Bot API call) before the next line
   * is played, in real milliseconds. Default 20; raise it for a bot that waits on slow I/O between
   * calls.
   */
  readonly quietMs?: number;
}

// A bot keeps the local API it was first given: installing a second one on the same `bot.api`
// would leave calls going to the first. Later transcripts of that bot carry on in its chats.
const apis = new WeakMap<object, LocalBotApi>();

/**
 * Plays a transcript against a grammY bot and throws when the bot's side differs. The format is
 * the terminal runner's (see `runInTerminal` in `colloquy/terminal`), so a session tried there can
 * be pasted into a test:
 *
 * - `you> TEXT` — the person sends TEXT (a command when it starts with `/name`); `#N` presses
 *   button N of the newest keyboard, inline or reply; `@ query` sends an inline query.
 * - `ada you> TEXT` — person `ada` sends it in their private chat; `ada@team you> TEXT` — in the
 *   group chat `team`, shared by everyone who names it. The bot's messages to the chat of the
 *   latest input show as `bot> …`, others as `bot (to ada)> …` or `bot (to team)> …`.
 * - `… 60 s pass` (also `ms`, `min`, `h`) — the `clock` option moves on that far.
 * - Every other line is what the bot shows: `bot> TEXT`, `bot (edited)> TEXT`,
 *   `  [1] label  [2] label`, `  (reply keyboard) [1] a  [2] b`, `bot (toast)> …`,
 *   `error> …` for an error no `bot.catch` handled, and so on. A line ending in ` …` matches any
 *   line that starts with what comes before it.
 *
 * Indentation common to all lines, blank lines and trailing spaces do not count. Nothing leaves
 * the process: the bot's Bot API calls are answered locally (no token, no network), each input
 * is fed to `bot.handleUpdate` once the bot is quiet after the previous one.
 *
 * On a difference it throws an `AssertionError` that names the first differing line and shows
 * both transcripts around it. A `… N s pass` line without the `clock` option, or a line starting
 * with `…` that is not one, throws {@link InvalidArgumentError} before anything is played.
 *
 * @example
 * ```ts
 * import { expectTranscript } from "colloquy/testing";
 * import { Bot } from "grammy";
 * import { it } from "vitest";
 *
 * it("greets", async () => {
 *   const bot = new Bot("test");
 *   bot.command("start", (ctx) => ctx.reply(`Hi, ${ctx.from?.first_name}!`));
 *   await expectTranscript(bot, `
 *     you> /start
 *     bot> Hi, Ann!
 *   `);
 * });
 * ```
 */
export async function expectTranscript<C extends Context>(
  bot: Bot<C>,
  transcript: string,
  options: ExpectTranscriptOptions = {},
): Promise<void> {
  const script = parseScript(transcript);
  const { clock } = options;
  const timed = script.find((line) => line.kind === "time");
  if (timed !== undefined && clock === undefined) {
    throw new InvalidArgumentError(
      "options.clock",
      `the ManualClock the bot was given, for "${timed.line}"`,
      undefined,
    );
  }
  const api = localApiOf(bot, clock);
  if (!bot.isInited()) bot.botInfo = api.botInfo;
  await bot.init();

  const people = new TranscriptPeople(api, bot.botInfo.username, options);
  const quietMs = options.quietMs ?? 20;
  const activity = new Activity();
  const actual: string[] = [];
  let current = people.chatOf(undefined, undefined);
  const chatName = (chatId: number) => people.chatName(chatId);
  const stop = api.onCall((call) => {
    activity.touch();
    const lines = renderCall(call, { chatId: current.chat.id, color: false, chatName });
    for (const chat of people.chats) chat.observe(call, lines);
    actual.push(...lines);
  });
  try {
    for (const step of script) {
      if (step.kind === "output") continue;
      actual.push(step.line);
      if (step.kind === "time") await clock?.advanceAsync(step.ms);
      else {
        current = people.chatOf(step.person, step.chat);
        const update = current.updateFor(step.text);
        if (typeof update === "string") actual.push(`(${update})`);
        else if (update !== undefined) {
          const handled = bot.handleUpdate(update).catch(async (error) => {
            const text = await unhandledErrorText(bot, error);
            if (text !== undefined) actual.push(`error> ${text}`);
          });
          await activity.track(handled);
        }
      }
      await activity.quiet(quietMs);
      const unchanged = current.settle();
      if (unchanged !== undefined) actual.push(unchanged);
    }
  } finally {
    stop();
  }
  assertTranscript(
    script.map((step) => step.line),
    actual,
  );
}

function localApiOf<C extends Context>(bot: Bot<C>, clock: ManualClock | undefined): LocalBotApi {
  const known = apis.get(bot);
  if (known !== undefined) return known;
  const api = new LocalBotApi({
    ...(bot.isInited() ? { me: bot.botInfo } : {}),
    ...(clock === undefined ? {} : { nowSeconds: () => Math.floor(clock.now() / 1000) }),
  });
  api.install(bot.api);
  apis.set(bot, api);
  return api;
}
