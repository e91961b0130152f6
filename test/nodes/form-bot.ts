/** The demo's /form and /cancel, wired as examples/demo/bot.ts wires them, on a test bot. */
import { type History, MemoryLock, type Storage } from "colloquy";
import type { BotFlow } from "colloquy/grammy";
import { UpdateFactory } from "colloquy/testing";
import { installForm } from "../../examples/demo/form/index.js";
import type { LocalBotApi } from "../../src/adapters/local-api.js";
import { createTestBot, type TestContext } from "../support/grammy.js";

/** In `say`, presses the Back button under the bot's last message. */
export const BACK = "[Back]";

/** What the bot said, one line per message, with its inline buttons if it had any. */
function transcriptOf(api: LocalBotApi): string[] {
  return api.calls
    .filter((call) => call.method === "sendMessage")
    .map((call) => {
      const markup = call.payload.reply_markup as
        | { inline_keyboard?: { text: string }[][] }
        | undefined;
      const buttons = markup?.inline_keyboard?.flat().map((button) => button.text);
      const text = String(call.payload.text);
      return buttons === undefined ? text : `${text} [${buttons.join("|")}]`;
    });
}

/**
 * A bot with /form on `storage`; `say(...inputs)` sends Ann's texts (or presses Back for
 * {@link BACK}) and returns the replies.
 */
export function createFormBot(storage: Storage, history?: History) {
  let form: BotFlow<TestContext> | undefined;
  const { bot, api, clock } = createTestBot({
    // In the demo, /cancel comes before the plugin, and leaves the flows.
    before: (b) =>
      b.command("cancel", async (ctx) => {
        await ctx.reply((await form?.leave(ctx)) ? "Cancelled." : "Nothing to cancel.");
      }),
  });
  form = installForm(bot, {
    storage,
    lock: new MemoryLock({ clock }),
    clock,
    ...(history === undefined ? {} : { history }),
  });
  bot.on("message", (ctx) => ctx.reply("I did not understand. Try /start."));
  const user = new UpdateFactory({ from: { id: 5, is_bot: false, first_name: "Ann" } });
  // After a restart the prompt under which Back is pressed was sent by the process before, whose
  // message ids this API does not know; Back does not look at them anyway.
  const lastMessageId = () => {
    const sent = api.calls.findLast((call) => call.method === "sendMessage");
    return (sent?.result as { message_id: number } | undefined)?.message_id ?? 1;
  };
  const updateOf = (input: string) => {
    if (input === BACK) return user.press("back", lastMessageId());
    return input.startsWith("/") ? user.command(input) : user.text(input);
  };
  const say = async (...inputs: string[]) => {
    const start = transcriptOf(api).length;
    for (const input of inputs) await bot.handleUpdate(updateOf(input));
    return transcriptOf(api).slice(start);
  };
  /** How many presses were answered, so that no button is left spinning. */
  const answers = () => api.calls.filter((call) => call.method === "answerCallbackQuery");
  const answered = () => answers().length;
  /** The text each press was answered with (`undefined`: no notification). */
  const toasts = () => answers().map((call) => call.payload.text);
  return { bot, form, say, answered, toasts };
}
